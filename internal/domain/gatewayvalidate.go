package domain

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// normGateway checks a gateway on its own: its name against the MAC it
// carries, the protocol, the vendor configuration, units and endpoints.
// What depends on the model (the name's family, the port counts) is
// CheckGateway's.
func normGateway(g *Gateway) error {
	if g.MAC != "" {
		m, err := ParseMAC(g.MAC)
		if err != nil {
			return invalid(g, "mac", "%s", strings.TrimPrefix(err.Error(), "invalid MAC "))
		}
		g.MAC = m
	}
	if err := normGatewayName(g); err != nil {
		return err
	}
	for _, r := range []Ref{{"model", KindModel, g.Model}, {"group", KindGroup, g.Group}} {
		if err := name(g, r.Field, r.Key); err != nil {
			return err
		}
	}
	if g.Pool != "" {
		if err := name(g, "pool", g.Pool); err != nil {
			return err
		}
	}
	g.Protocol = strings.ToUpper(g.Protocol)
	if g.Protocol != "" && g.Protocol != ProtocolSCCP && g.Protocol != ProtocolSIP && g.Protocol != ProtocolMGCP {
		return invalid(g, "protocol", "%q is not MGCP, SCCP or SIP", g.Protocol)
	}
	if g.Load != "" && !fileSafe.MatchString(g.Load) {
		return invalid(g, "load", "%q is not a load ID", g.Load)
	}
	if err := text(g, "description", g.Description, 128); err != nil {
		return err
	}
	if err := normVendorConfig(g); err != nil {
		return err
	}
	if err := normUnits(g); err != nil {
		return err
	}
	return normEndpoints(g)
}

// normGatewayName checks the name's shape (GatewayNameShape): a
// MAC-carrying name with its digits (matching the MAC when one is given,
// which it fills in) in upper case, or a plain file-safe name; a phone's,
// an SCCP port's or a shared file's name is none. Which shape the model's
// family needs is CheckGateway's.
func normGatewayName(g *Gateway) error {
	if err := name(g, "name", g.Name); err != nil {
		return err
	}
	switch GatewayNameShape(g.Name) {
	case ShapeATA, ShapeSAA, ShapeSDA:
		m, _ := ParseMAC(g.Name[3:]) // 12 hex digits
		if g.MAC != "" && g.MAC != m {
			return invalid(g, "mac", "%s does not match the name %s", g.MAC, g.Name)
		}
		g.Name, g.MAC = strings.ToUpper(g.Name[:3])+m, m
	case ShapeSKIGW:
		tail := strings.ToUpper(g.Name[5:])
		if g.MAC != "" && MACTail(g.MAC) != tail {
			return invalid(g, "mac", "%s does not end in the name's %s", g.MAC, tail)
		}
		g.Name = PrefixSKIGW + tail
	case ShapePhone:
		return invalid(g, "name", "%q is a phone's name: add it with cmtftp device add", g.Name)
	case ShapeANPort:
		return invalid(g, "name", "%q names a port of an SCCP gateway: name the gateway SKIGW%s", g.Name, strings.ToUpper(g.Name[2:12]))
	case ShapeDefault:
		return invalid(g, "name", "%q is the name of a shared default file", g.Name)
	default:
		if !fileSafe.MatchString(g.Name) {
			return invalid(g, "name", "%q is not a gateway name: a host name of letters, digits, '.', '-' and '_', at most 50", g.Name)
		}
	}
	return nil
}

func hexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

func normVendorConfig(g *Gateway) error {
	for k, v := range g.VendorConfig {
		vk, ok := LookupVendorKey(k)
		if !ok {
			names := make([]string, len(vendorKeys))
			for i, k := range vendorKeys {
				names[i] = k.Name
			}
			return invalid(g, "vendorConfig."+k, "unknown key (known: %s)", strings.Join(names, ", "))
		}
		n, err := vk.Normalize(v)
		if err != nil {
			return invalid(g, "vendorConfig."+k, "%s", err.Error())
		}
		g.VendorConfig[k] = n
	}
	if len(g.VendorConfig) == 0 {
		g.VendorConfig = nil
	}
	return nil
}

func normUnits(g *Gateway) error {
	seen := map[int]bool{}
	for i := range g.Units {
		u := &g.Units[i]
		f := "units[" + strconv.Itoa(i) + "]"
		if u.Index < 0 || u.Index > 9 || seen[u.Index] {
			return invalid(g, f+".index", "%d is out of range 0–9 or used twice", u.Index)
		}
		seen[u.Index] = true
		if err := name(g, f+".product", u.Product); err != nil {
			return err
		}
		subs := map[int]bool{}
		for j, s := range u.Subunits {
			sf := f + ".subunits[" + strconv.Itoa(j) + "]"
			if s.Index < 0 || s.Index > 9 || subs[s.Index] {
				return invalid(g, sf+".index", "%d is out of range 0–9 or used twice", s.Index)
			}
			subs[s.Index] = true
			if err := name(g, sf+".product", s.Product); err != nil {
				return err
			}
			if s.BeginPort < 0 || s.BeginPort > 199 {
				return invalid(g, sf+".beginPort", "%d out of range 0–199", s.BeginPort)
			}
		}
		slices.SortFunc(u.Subunits, func(a, b GatewaySubunit) int { return a.Index - b.Index })
	}
	slices.SortFunc(g.Units, func(a, b GatewayUnit) int { return a.Index - b.Index })
	return nil
}

func normEndpoints(g *Gateway) error {
	seen := map[[3]int]bool{}
	for i, e := range g.Endpoints {
		f := "endpoints[" + strconv.Itoa(i) + "]"
		a := [3]int{e.Unit, e.Subunit, e.Port}
		switch {
		case e.Unit < 0 || e.Unit > 9 || e.Subunit < 0 || e.Subunit > 9 || e.Port < 0 || e.Port > 199:
			return invalid(g, f, "port %d/%d/%d out of range (unit and subunit 0–9, port 0–199)", e.Unit, e.Subunit, e.Port)
		case seen[a]:
			return invalid(g, f, "port %d/%d/%d given twice", e.Unit, e.Subunit, e.Port)
		case !lineNum.MatchString(e.Line):
			return invalid(g, f+".line", "%q is not a directory number", e.Line)
		}
		seen[a] = true
		for field, v := range map[string]string{"label": e.Label, "locale": e.Locale, "description": e.Description} {
			if err := text(g, f+"."+field, v, 128); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(g.Endpoints, func(a, b GatewayEndpoint) int {
		return cmp.Or(a.Unit-b.Unit, a.Subunit-b.Subunit, a.Port-b.Port)
	})
	return nil
}

// GatewayFamily returns the file family of a gateway of model m running
// protocol p: its first gateway family, FamilyCnf for Analog Access and
// Voice Mail Port, "" when the model gives that protocol no file.
func GatewayFamily(m *Model, p string) string {
	fams := m.Files(p)
	for _, f := range fams {
		if f != FamilyCnf {
			return f
		}
	}
	if len(fams) > 0 {
		return FamilyCnf
	}
	return ""
}

// DefaultGatewayName returns the name a gateway of model m running p with
// the MAC is asked by (SKIGW…, ATA…, SAA…, SDA…), or "" for the families
// named by a host name.
func DefaultGatewayName(m *Model, p, mac string) string {
	if p == "" && len(m.Protocols) > 0 {
		p = m.Protocols[0]
	}
	mac, err := ParseMAC(mac)
	if err != nil {
		return ""
	}
	switch GatewayFamily(m, p) {
	case FamilySKIGW:
		return SKIGWName(mac)
	case FamilyATAXML, FamilyATATxt:
		return PrefixATA + mac
	case FamilySAA:
		return PrefixSAA + mac
	case FamilySDA:
		return PrefixSDA + mac
	}
	return ""
}
