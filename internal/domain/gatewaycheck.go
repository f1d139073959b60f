package domain

import (
	"fmt"
	"strings"
)

// CheckGateway checks a normalized gateway against its model: a gateway
// model running the protocol (filled in with the model's first when
// empty), a name of the model's family, and endpoints on ports the units
// (or the model's layout) have, no more than the model carries. The
// store calls it on every write; the error is a *FieldError.
func CheckGateway(g *Gateway, m *Model) error {
	bad := func(field, format string, args ...any) error {
		return &FieldError{Kind: KindGateway, Key: g.Name, Field: field, Err: ErrInvalid, Msg: fmt.Sprintf(format, args...)}
	}
	if m.Class != "gateway" {
		return bad("model", "model %s is a phone: add it with cmtftp device add", m.Name)
	}
	if g.Protocol == "" {
		g.Protocol = m.Protocols[0]
	}
	if !m.Supports(g.Protocol) {
		return bad("protocol", "model %s runs %s, not %s", m.Name, strings.Join(m.Protocols, "/"), g.Protocol)
	}
	if err := checkGatewayName(g, m, bad); err != nil {
		return err
	}
	if len(g.Endpoints) > m.MaxLines {
		return bad("endpoints", "%d endpoints, model %s has at most %d ports", len(g.Endpoints), m.Name, m.MaxLines)
	}
	return checkPorts(g, m, bad)
}

// familyShapes is the name shape each gateway family is asked its files
// by; the families not listed (MGCP, cnf) are named by a plain name.
var familyShapes = map[string]NameShape{FamilySKIGW: ShapeSKIGW, FamilyATAXML: ShapeATA, FamilyATATxt: ShapeATA,
	FamilySAA: ShapeSAA, FamilySDA: ShapeSDA}

// shapePrefixes is the fixed part of the names of the MAC-carrying shapes.
var shapePrefixes = map[NameShape]string{ShapeATA: PrefixATA, ShapeSAA: PrefixSAA, ShapeSDA: PrefixSDA}

// checkGatewayName checks that the name has the shape (GatewayNameShape)
// the model's family asks its files by: SKIGW + the MAC's last 10 hex
// digits, ATA/SAA/SDA + the MAC, or for MGCP and the cnf family a plain
// name of no other shape (an MGCP one a host name not ending in .cnf, so
// that <name>.cnf.xml is never a dial plan's or softkey template's file).
func checkGatewayName(g *Gateway, m *Model, bad func(string, string, ...any) error) error {
	fam := GatewayFamily(m, g.Protocol)
	want, named := familyShapes[fam]
	shape := GatewayNameShape(g.Name)
	switch {
	case fam == "":
		return bad("protocol", "model %s gets no file under %s", m.Name, g.Protocol)
	case want == ShapeSKIGW && shape != ShapeSKIGW:
		return bad("name", "an SCCP gateway is named SKIGW and the last 10 hex digits of its MAC (give --mac)")
	case named && want != ShapeSKIGW && (shape != want || g.MAC == "" || g.Name[3:] != g.MAC):
		return bad("name", "a %s is named %s and its 12-digit MAC", m.Name, shapePrefixes[want])
	case !named && shape != ShapePlain:
		return bad("name", "a %s under %s is named by a plain name, not %s (another family's name)", m.Name, g.Protocol, g.Name)
	case fam == FamilyMGCP && !hostName.MatchString(g.Name):
		return bad("name", "an MGCP gateway is named by its host name (ip domain name included): %q is not one", g.Name)
	case fam == FamilyMGCP:
		return checkDialPeers(g, bad)
	}
	return nil
}

// checkDialPeers checks that every endpoint's dial-peer tag (DialPeer)
// fits IOS's range: dialPeerPrefix, unit, subunit and port together.
func checkDialPeers(g *Gateway, bad func(string, string, ...any) error) error {
	prefix := g.VendorValue("dialPeerPrefix")
	for i, e := range g.Endpoints {
		if tag := DialPeer(prefix, e); !dialPeerFits(tag) {
			return bad(fmt.Sprintf("endpoints[%d]", i), "port %d/%d/%d's dial peer %s is above IOS's %d (lower vendorConfig.dialPeerPrefix)",
				e.Unit, e.Subunit, e.Port, tag, MaxDialPeer)
		}
	}
	return nil
}

// checkPorts checks every endpoint against the subunits of the gateway's
// units (its model's layout when it lists none), and that an SCCP
// gateway's ports have distinct 3-digit ids.
func checkPorts(g *Gateway, m *Model, bad func(string, string, ...any) error) error {
	units := g.Units
	if len(units) == 0 {
		units = ModelLayout(m)
	}
	for i, u := range units {
		for j, s := range u.Subunits {
			if SubunitPorts(m, s) == 0 {
				return bad(fmt.Sprintf("units[%d].subunits[%d].product", i, j), "%q is not a subunit product (cmtftp gateway modules lists them)", s.Product)
			}
		}
	}
	ids := map[string]bool{}
	for i, e := range g.Endpoints {
		f := fmt.Sprintf("endpoints[%d]", i)
		if !onSubunit(units, m, e) {
			return bad(f, "port %d/%d/%d is on no subunit of the gateway's units", e.Unit, e.Subunit, e.Port)
		}
		if GatewayFamily(m, g.Protocol) != FamilySKIGW {
			continue
		}
		if e.Port > 99 || e.Unit != 0 && e.Subunit != 0 {
			return bad(f, "port %d/%d/%d has no 3-digit port id (an SCCP gateway's ports are unit/port or 0/subunit/port, port ≤ 99)", e.Unit, e.Subunit, e.Port)
		}
		if ids[e.PortID()] {
			return bad(f, "port %d/%d/%d has the port id %s of another port", e.Unit, e.Subunit, e.Port, e.PortID())
		}
		ids[e.PortID()] = true
	}
	return nil
}

func onSubunit(units []GatewayUnit, m *Model, e GatewayEndpoint) bool {
	for _, u := range units {
		if u.Index != e.Unit {
			continue
		}
		for _, s := range u.Subunits {
			if s.Index == e.Subunit && e.Port >= s.BeginPort && e.Port < s.BeginPort+SubunitPorts(m, s) {
				return true
			}
		}
	}
	return false
}
