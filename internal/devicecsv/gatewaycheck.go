package devicecsv

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cmtftp/internal/domain"
)

// gatewayIndex holds the records a gateway row may refer to, by name.
type gatewayIndex struct {
	models map[string]*domain.Model
	groups map[string]bool
	pools  map[string]bool
}

func newGatewayIndex(site *domain.Site) *gatewayIndex {
	return &gatewayIndex{models: byName(site.Models), groups: names(site.Groups), pools: names(site.Pools)}
}

// name returns the gateway name of a row, normalized as the store will
// (so that rows spelling one gateway's name differently, or giving only
// its MAC, key one draft): its GATEWAY NAME, or the name its model's
// family derives from its MAC.
func (ix *gatewayIndex) name(v map[string]string) (string, *RowError) {
	if v["name"] != "" {
		return normalName(v["name"], v["mac"]), nil
	}
	m := ix.models[v["model"]]
	switch {
	case v["mac"] == "":
		return "", &RowError{Column: "GATEWAY NAME", Msg: "no GATEWAY NAME and no MAC ADDRESS to derive it from"}
	case m == nil:
		return "", &RowError{Column: "GATEWAY TYPE", Msg: fmt.Sprintf("no model %q to derive the name from (cmtftp model list)", v["model"])}
	}
	if n := domain.DefaultGatewayName(m, v["protocol"], v["mac"]); n != "" {
		return n, nil
	}
	if _, err := domain.ParseMAC(v["mac"]); err != nil {
		return "", &RowError{Column: "MAC ADDRESS", Msg: strings.TrimPrefix(err.Error(), "invalid MAC ")}
	}
	return "", &RowError{Column: "GATEWAY NAME", Msg: fmt.Sprintf("a %s under %s is named by its host name, not its MAC: give GATEWAY NAME", m.Name, cmpOr(v["protocol"], strings.Join(m.Protocols, "/")))}
}

// normalName returns the name domain.Normalize gives a gateway named n
// with the MAC (SKIGW00de0000a1 → SKIGW00DE0000A1, ata<mac> → ATA<MAC>),
// or n itself when it is no valid gateway name (the draft's check then
// reports it). The model and group stand in for the row's: only the name
// is wanted here.
func normalName(n, mac string) string {
	gw := domain.Gateway{Name: n, MAC: mac, Model: "m", Group: "g"}
	if err := domain.Normalize(&gw); err != nil {
		return n
	}
	return gw.Name
}

// finish checks every draft gateway and line and returns the file.
func (g *gwParser) finish() (*GatewayFile, []RowError) {
	f := &GatewayFile{Lines: map[string]*domain.Line{}, LineOf: map[string]int{}, Rows: g.rows}
	for _, d := range g.order {
		if d.bad {
			continue
		}
		if e := g.checkDraft(d); e != nil {
			g.add(*e)
			continue
		}
		gw := d.gw
		f.Gateways = append(f.Gateways, &gw)
		f.LineOf[gw.Name] = d.line
	}
	for _, l := range g.lines {
		line := l.line
		if err := domain.Normalize(&line); err != nil {
			g.add(*rowError(l.first, err, map[string]string{"number": "DIRECTORY NUMBER", "displayName": g.headerOf("display"), "label": g.headerOf("label")}))
			continue
		}
		f.Lines[line.Number] = &line
	}
	slices.SortStableFunc(g.errs, func(a, b RowError) int { return a.Line - b.Line })
	return f, g.errs
}

// checkDraft builds a draft's units, checks its references and validates
// it as the store does; an error names the row of the field at fault.
func (g *gwParser) checkDraft(d *gwDraft) *RowError {
	gw := &d.gw
	gw.Units = draftUnits(d)
	m := g.site.models[gw.Model]
	switch {
	case gw.Model == "":
		return &RowError{Line: d.line, Column: g.headerOf("model"), Msg: fmt.Sprintf("gateway %s has no GATEWAY TYPE", gw.Name)}
	case m == nil:
		return &RowError{Line: d.fieldLine["model"], Column: g.headerOf("model"), Msg: fmt.Sprintf("no model %q (cmtftp model list)", gw.Model)}
	case gw.Group == "":
		return &RowError{Line: d.line, Column: g.headerOf("group"), Msg: fmt.Sprintf("gateway %s has no call-control group", gw.Name)}
	case !g.site.groups[gw.Group]:
		return &RowError{Line: d.fieldLine["group"], Column: g.headerOf("group"), Msg: fmt.Sprintf("no call-control group %q", gw.Group)}
	case gw.Pool != "" && !g.site.pools[gw.Pool]:
		return &RowError{Line: d.fieldLine["pool"], Column: g.headerOf("pool"), Msg: fmt.Sprintf("no device pool %q", gw.Pool)}
	}
	err := domain.Normalize(gw)
	if err == nil {
		err = domain.CheckGateway(gw, m)
	}
	if err == nil {
		return nil
	}
	var fe *domain.FieldError
	if !errors.As(err, &fe) {
		return &RowError{Line: d.line, Msg: err.Error()}
	}
	line, col := g.fieldRow(d, fe.Field)
	return &RowError{Line: line, Column: col, Msg: fmt.Sprintf("gateway %s: %s", gw.Name, fe.Msg)}
}

// fieldRow returns the row and the column of a gateway field a validation
// error names: an endpoint's is its port's row.
func (g *gwParser) fieldRow(d *gwDraft, field string) (int, string) {
	if rest, ok := strings.CutPrefix(field, "endpoints["); ok {
		i, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, ']'), 0)])
		if err == nil && i < len(d.gw.Endpoints) {
			e := d.gw.Endpoints[i]
			col := map[string]string{".line": "dn", ".label": "eplabel", ".locale": "locale", ".description": "epdesc"}[rest[strings.IndexByte(rest, ']')+1:]]
			return d.portLine[[3]int{e.Unit, e.Subunit, e.Port}], g.headerOf(cmpOr(col, "port"))
		}
	}
	if strings.HasPrefix(field, "units[") {
		col := "unit"
		if strings.Contains(field, "subunits") {
			col = "subunit"
		}
		return d.line, g.headerOf(col)
	}
	f, _, _ := strings.Cut(field, ".")
	if f == "endpoints" {
		f = "port"
	}
	return cmpOr2(d.fieldLine[f], d.line), g.headerOf(f)
}

func cmpOr2(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// draftUnits returns the units the rows named (nil: the model's layout).
func draftUnits(d *gwDraft) []domain.GatewayUnit {
	if len(d.units) == 0 && len(d.subunits) == 0 {
		return nil
	}
	var units []domain.GatewayUnit
	idx := map[int]int{}
	unit := func(u int) *domain.GatewayUnit {
		if i, ok := idx[u]; ok {
			return &units[i]
		}
		idx[u] = len(units)
		units = append(units, domain.GatewayUnit{Index: u, Product: d.units[u]})
		return &units[len(units)-1]
	}
	for u := range d.units {
		unit(u)
	}
	for k, p := range d.subunits {
		u := unit(k[0])
		u.Subunits = append(u.Subunits, domain.GatewaySubunit{Index: k[1], Product: p})
	}
	return units // normalization sorts them
}
