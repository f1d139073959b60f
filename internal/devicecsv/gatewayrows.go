package devicecsv

import (
	"fmt"
	"strconv"
	"strings"

	"cmtftp/internal/domain"
)

// gatewayColumns maps canonical headers of a gateway file to fields: the
// gateway's, the port's (unit, subunit, port, eplabel, epdesc) and its
// line's (dn, display, label).
var gatewayColumns = map[string]string{
	"gatewayname": "name", "name": "name", "devicename": "name", "domainname": "name", "hostname": "name",
	"macaddress": "mac", "mac": "mac",
	"gatewaytype": "model", "model": "model", "devicetype": "model",
	"protocol": "protocol", "deviceprotocol": "protocol", "gatewayprotocol": "protocol",
	"callmanagergroup": "group", "cmgroup": "group", "group": "group",
	"devicepool": "pool", "pool": "pool", "description": "description", "load": "load",
	"unitproduct": "unit", "subunitproduct": "subunit",
	"port": "port", "endpoint": "port", "directorynumber": "dn", "dn": "dn",
	"displayname": "display", "display": "display", "linelabel": "label", "linetextlabel": "label",
	"portlabel": "eplabel", "locale": "locale", "networklocale": "locale", "portdescription": "epdesc",
}

// gatewayFields are the gateway-wide fields a row may give.
var gatewayFields = []string{"mac", "model", "protocol", "group", "pool", "description", "load"}

// gwParser is the state of one ParseGateways.
type gwParser struct {
	in     *rowReader
	site   *gatewayIndex
	cols   []column
	byName map[string]*gwDraft
	order  []*gwDraft
	lines  map[string]*lineDraft
	errs   []RowError
	rows   int
}

// gwDraft is a gateway being gathered from its rows.
type gwDraft struct {
	gw        domain.Gateway
	line      int            // its first row
	fieldLine map[string]int // gateway field → the row that gave it
	portLine  map[[3]int]int // port → its row
	units     map[int]string
	subunits  map[[2]int]string
	bad       bool
}

// lineDraft is a directory number with the row that first gave it.
type lineDraft struct {
	line  domain.Line
	first int
}

// header reads the first row into g.cols; it reports whether it is good.
func (g *gwParser) header(head []string) bool {
	g.cols = make([]column, len(head))
	have := map[string]bool{}
	n := len(g.errs)
	for i, h := range head {
		c := canon(strings.TrimPrefix(h, "\ufeff"))
		g.cols[i].header = strings.TrimSpace(h)
		f, ok := gatewayColumns[c]
		switch {
		case !ok:
			g.add(RowError{Line: 1, Column: h, Msg: "unknown column (see cmtftp import --help)"})
		case have[f]:
			g.add(RowError{Line: 1, Column: h, Msg: "column given twice"})
		}
		g.cols[i].field, have[f] = f, true
	}
	if !have["name"] && !have["mac"] {
		g.add(RowError{Line: 1, Msg: "no GATEWAY NAME or MAC ADDRESS column"})
	}
	for _, req := range []struct{ field, header string }{{"model", "GATEWAY TYPE"}, {"group", "CALL MANAGER GROUP"}} {
		if !have[req.field] {
			g.add(RowError{Line: 1, Msg: fmt.Sprintf("no %s column", req.header)})
		}
	}
	return len(g.errs) == n
}

// row reads one row into its gateway's draft; it reports whether to go on.
func (g *gwParser) row(rec []string, line int) bool {
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return true
	}
	if len(rec) != len(g.cols) {
		return g.add(RowError{Line: line, Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(g.cols))})
	}
	v := make(map[string]string, len(rec))
	for i, c := range g.cols {
		if len(rec[i]) > MaxField {
			return g.add(RowError{Line: line, Column: c.header, Msg: fmt.Sprintf("%d bytes, at most %d", len(rec[i]), MaxField)})
		}
		v[c.field] = strings.TrimSpace(rec[i])
	}
	v["model"] = strings.TrimPrefix(v["model"], "Cisco ")
	v["protocol"] = strings.ToUpper(v["protocol"])
	if m, err := domain.ParseMAC(v["mac"]); err == nil {
		v["mac"] = m // one spelling, so that rows of one gateway agree
	}
	g.rows++
	name, e := g.site.name(v)
	if e != nil {
		e.Line = line
		return g.add(*e)
	}
	d := g.byName[name]
	if d == nil {
		d = &gwDraft{gw: domain.Gateway{Name: name}, line: line, fieldLine: map[string]int{}, portLine: map[[3]int]int{},
			units: map[int]string{}, subunits: map[[2]int]string{}}
		g.byName[name] = d
		g.order = append(g.order, d)
	}
	if e := g.merge(d, v, line); e != nil {
		d.bad = true
		return g.add(*e)
	}
	return true
}

// merge adds a row's gateway fields and port to its draft.
func (g *gwParser) merge(d *gwDraft, v map[string]string, line int) *RowError {
	for _, f := range gatewayFields {
		if v[f] == "" {
			continue
		}
		p := gatewayField(&d.gw, f)
		if *p != "" && *p != v[f] {
			return &RowError{Line: line, Column: g.headerOf(f), Msg: fmt.Sprintf("gateway %s has %q on line %d", d.gw.Name, *p, d.fieldLine[f])}
		}
		*p, d.fieldLine[f] = v[f], line
	}
	if v["port"] == "" {
		for _, f := range []string{"dn", "display", "label", "eplabel", "locale", "epdesc", "unit", "subunit"} {
			if v[f] != "" {
				return &RowError{Line: line, Column: g.headerOf("port"), Msg: fmt.Sprintf("%s without a PORT", g.headerOf(f))}
			}
		}
		return nil
	}
	u, s, p, err := ParsePort(v["port"])
	if err != nil {
		return &RowError{Line: line, Column: g.headerOf("port"), Msg: err.Error()}
	}
	if prev, dup := d.portLine[[3]int{u, s, p}]; dup {
		return &RowError{Line: line, Column: g.headerOf("port"), Msg: fmt.Sprintf("port %s of gateway %s is also on line %d", v["port"], d.gw.Name, prev)}
	}
	if v["dn"] == "" {
		return &RowError{Line: line, Column: g.headerOf("dn"), Msg: fmt.Sprintf("port %s has no directory number", v["port"])}
	}
	if e := g.modules(d, v, u, s, line); e != nil {
		return e
	}
	d.portLine[[3]int{u, s, p}] = line
	d.gw.Endpoints = append(d.gw.Endpoints, domain.GatewayEndpoint{Unit: u, Subunit: s, Port: p, Line: v["dn"],
		Label: v["eplabel"], Locale: v["locale"], Description: v["epdesc"]})
	return g.mergeLine(v, line)
}

// modules records the unit and subunit products a port's row gives.
func (g *gwParser) modules(d *gwDraft, v map[string]string, u, s, line int) *RowError {
	if p := v["unit"]; p != "" {
		if old := d.units[u]; old != "" && old != p {
			return &RowError{Line: line, Column: g.headerOf("unit"), Msg: fmt.Sprintf("unit %d of gateway %s is %s on another row", u, d.gw.Name, old)}
		}
		d.units[u] = p
	}
	if p := v["subunit"]; p != "" {
		if old := d.subunits[[2]int{u, s}]; old != "" && old != p {
			return &RowError{Line: line, Column: g.headerOf("subunit"), Msg: fmt.Sprintf("subunit %d/%d of gateway %s is %s on another row", u, s, d.gw.Name, old)}
		}
		d.subunits[[2]int{u, s}] = p
	}
	return nil
}

// mergeLine adds the row's directory number: one seen before may gain a
// display name or label, not change one.
func (g *gwParser) mergeLine(v map[string]string, line int) *RowError {
	l := g.lines[v["dn"]]
	if l == nil {
		g.lines[v["dn"]] = &lineDraft{line: domain.Line{Number: v["dn"], DisplayName: v["display"], Label: v["label"]}, first: line}
		return nil
	}
	if (v["display"] != "" && l.line.DisplayName != "" && v["display"] != l.line.DisplayName) ||
		(v["label"] != "" && l.line.Label != "" && v["label"] != l.line.Label) {
		return &RowError{Line: line, Column: g.headerOf("display"), Msg: fmt.Sprintf("directory number %s has another display name or label on line %d", v["dn"], l.first)}
	}
	l.line.DisplayName = cmpOr(l.line.DisplayName, v["display"])
	l.line.Label = cmpOr(l.line.Label, v["label"])
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// gatewayField points at the gateway field f names.
func gatewayField(gw *domain.Gateway, f string) *string {
	return map[string]*string{"mac": &gw.MAC, "model": &gw.Model, "protocol": &gw.Protocol, "group": &gw.Group,
		"pool": &gw.Pool, "description": &gw.Description, "load": &gw.Load}[f]
}

// headerOf returns the file's header of field f, or a standard one.
func (g *gwParser) headerOf(f string) string {
	for _, c := range g.cols {
		if c.field == f {
			return c.header
		}
	}
	return map[string]string{"name": "GATEWAY NAME", "mac": "MAC ADDRESS", "model": "GATEWAY TYPE", "group": "CALL MANAGER GROUP",
		"pool": "DEVICE POOL", "port": "PORT", "dn": "DIRECTORY NUMBER", "eplabel": "PORT LABEL", "locale": "LOCALE",
		"epdesc": "PORT DESCRIPTION", "unit": "UNIT PRODUCT", "subunit": "SUBUNIT PRODUCT", "protocol": "PROTOCOL"}[f]
}

// ParsePort reads a port address: unit/subunit/port, or unit/port (on
// subunit 0, as IOS writes a VG2xx's 2/0).
func ParsePort(s string) (unit, subunit, port int, err error) {
	bad := fmt.Errorf("port %q: want UNIT/SUBUNIT/PORT (0/1/0) or UNIT/PORT (2/0)", s)
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 2 && len(parts) != 3 {
		return 0, 0, 0, bad
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 {
			return 0, 0, 0, bad
		}
		n[i] = v
	}
	if len(parts) == 2 {
		return n[0], 0, n[1], nil
	}
	return n[0], n[1], n[2], nil
}
