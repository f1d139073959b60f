package render

import (
	"cmtftp/internal/domain"
	"fmt"
	"strings"
)

// GatewayFiles is the rule of which files a gateway is given
// (docs/gateways.md): its family's files (SKIGW<tail>.cnf.xml and one
// AN<tail><port id>.cnf.xml per configured endpoint; <hostname>.cnf.xml;
// ATA<MAC>.cnf.xml for an endpoint on port 0 and ATA<shifted MAC>.cnf.xml
// for one on port 1; ata<mac>; SAA<MAC>.cnf or SDA<MAC>.cnf, always), then
// <name>.cnf under the Build CNF Files value of c.Params (Selective:
// Analog Access and Voice Mail Port; All: every gateway; None: none).
// Serving (Render) and enumerating (SiteFiles) both ask it.
func GatewayFiles(c *domain.GatewayConfig) []string {
	files := familyFiles(c)
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.name
	}
	return out
}

// familyFile is one of a gateway's files and the kind its family gives it.
type familyFile struct {
	name string
	kind Kind
}

// gatewayFiles is GatewayFiles with the kind of each file.
func familyFiles(c *domain.GatewayConfig) []familyFile {
	g := &c.Gateway
	var out []familyFile
	fam := gatewayFamily(c)
	switch fam {
	case domain.FamilySKIGW:
		out = append(out, familyFile{g.Name + ".cnf.xml", SKIGWFile})
		tail := strings.TrimPrefix(g.Name, domain.PrefixSKIGW)
		for _, e := range c.Endpoints {
			out = append(out, familyFile{domain.PortFileName(tail, e.GatewayEndpoint), PortFile})
		}
	case domain.FamilyMGCP:
		out = append(out, familyFile{g.Name + ".cnf.xml", MGCPFile})
	case domain.FamilyATAXML:
		if _, ok := ataPort(c, 0); ok {
			out = append(out, familyFile{domain.PrefixATA + g.MAC + ".cnf.xml", ATAXMLFile})
		}
		if _, ok := ataPort(c, 1); ok {
			out = append(out, familyFile{domain.ATAPort2Name(g.MAC) + ".cnf.xml", ATAXMLFile})
		}
	case domain.FamilyATATxt:
		out = append(out, familyFile{domain.ATATextName(g.MAC), ATATextFile})
	case domain.FamilySAA, domain.FamilySDA:
		return append(out, familyFile{g.Name + ".cnf", GatewayCnfFile}) // the module's own file, whatever Build CNF Files says
	}
	if fam != "" && getsCnf(&c.Model, c.Params[domain.ParamBuildCNFFiles]) {
		out = append(out, familyFile{g.Name + ".cnf", GatewayCnfFile})
	}
	return out
}

// gatewayFamily is the file family of the gateway c: its model's for its
// protocol (the model's first when it names none).
func gatewayFamily(c *domain.GatewayConfig) string {
	p := c.Gateway.Protocol
	if p == "" && len(c.Model.Protocols) > 0 {
		p = c.Model.Protocols[0]
	}
	return domain.GatewayFamily(&c.Model, p)
}

// gatewayProtocol is the gateway's protocol, its model's first when empty.
func gatewayProtocol(c *domain.GatewayConfig) string {
	if c.Gateway.Protocol == "" && len(c.Model.Protocols) > 0 {
		return c.Model.Protocols[0]
	}
	return c.Gateway.Protocol
}

// ataPort returns the endpoint on port p of an ATA (its ports are 0 and 1).
func ataPort(c *domain.GatewayConfig, p int) (domain.EndpointConfig, bool) {
	for _, e := range c.Endpoints {
		if e.Unit == 0 && e.Subunit == 0 && e.Port == p {
			return e, true
		}
	}
	return domain.EndpointConfig{}, false
}

// ataPortOf is the port an ATA 190's file t is of: 0 for ATA<MAC>.cnf.xml,
// 1 for ATA<shifted MAC>.cnf.xml.
func ataPortOf(t Target, c *domain.GatewayConfig) int {
	if strings.EqualFold(t.Name, domain.PrefixATA+c.Gateway.MAC+".cnf.xml") {
		return 0
	}
	return 1
}

// givesGateway reports whether GatewayFiles gives the gateway c the name
// t was asked as, as a file of t's kind: the name exactly, or regardless
// of case but for ata<mac>, which the adapters ask in lower case only.
func givesGateway(c *domain.GatewayConfig, t Target) bool {
	for _, f := range familyFiles(c) {
		if f.kind == t.Kind && (f.name == t.Name || t.Kind != ATATextFile && strings.EqualFold(f.name, t.Name)) {
			return true
		}
	}
	return false
}

// appendGateway appends to b one of the gateway's files (a NeedGateway
// kind), if GatewayFiles gives it the name.
func appendGateway(b []byte, t Target, c *domain.GatewayConfig) ([]byte, error) {
	if !givesGateway(c, t) {
		return nil, fmt.Errorf("%w: gateway %s (model %s, %s) does not get %s under %s", ErrNotBuilt, c.Gateway.Name,
			c.Model.Name, gatewayProtocol(c), t.Name, firstOf(c.Params[domain.ParamBuildCNFFiles], domain.BuildSelective))
	}
	if b == nil {
		b = make([]byte, 0, 4096)
	}
	switch t.Kind {
	case SKIGWFile:
		return appendSKIGW(b, c), nil
	case PortFile:
		name := strings.TrimSuffix(t.Name, ".cnf.xml")
		e, ok := c.Endpoint(name[len(name)-3:])
		if !ok {
			return nil, fmt.Errorf("%w: gateway %s has no port %s", ErrNotBuilt, c.Gateway.Name, t.Name)
		}
		return appendPort(b, c, e), nil
	case ATAXMLFile:
		e, _ := ataPort(c, ataPortOf(t, c)) // givesGateway: it exists
		return appendATAXML(b, c, e, strings.TrimSuffix(t.Name, ".cnf.xml")), nil
	case ATATextFile:
		return appendATAText(b, c), nil
	case GatewayCnfFile:
		return appendGatewayCnf(b, c), nil
	case MGCPFile:
		return appendMGCP(b, c), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNotBuilt, t.Name)
}

// gatewaySources lists the records a gateway's files are rendered from.
func gatewaySources(c *domain.GatewayConfig) []string {
	out := []string{"gateway " + c.Gateway.Name, "model " + c.Model.Name}
	if c.Pool != nil {
		out = append(out, "pool "+c.Pool.Name)
	}
	out = append(out, "group "+c.Group.Name)
	for _, s := range c.Servers {
		out = append(out, "server "+s.Name)
	}
	three := c.ThreeLevel()
	for _, e := range c.Endpoints {
		out = append(out, fmt.Sprintf("line %s (port %s)", e.Line.Number, e.Address(three)))
	}
	return append(out, "parameters")
}

// gatewayDeps lists the records the gateway file t is rendered from, as
// Deps does for a device's: the gateway, the gateway name t was asked by
// when it is another (an ATA 190's port-2 name: a gateway added under
// that name takes the file over), its model, group, pool and servers,
// and the lines the file shows — none in SKIGW<tail>.cnf.xml (it names
// its ports only), the port's own in an AN or ATA<MAC> file, every
// endpoint's in the others.
func gatewayDeps(t Target, c *domain.GatewayConfig) []Dep {
	d := []Dep{{domain.KindGateway, c.Gateway.Name}}
	if t.Key != "" && t.Key != c.Gateway.Name {
		d = append(d, Dep{domain.KindGateway, t.Key})
	}
	d = append(d, Dep{domain.KindModel, c.Model.Name}, Dep{domain.KindGroup, c.Group.Name})
	if c.Pool != nil {
		d = append(d, Dep{domain.KindPool, c.Pool.Name})
	}
	for _, s := range c.Servers {
		d = append(d, Dep{domain.KindServer, s.Name})
	}
	for _, e := range c.Endpoints {
		if showsLine(t, c, e) {
			d = append(d, Dep{domain.KindLine, e.Line.Number})
		}
	}
	return d
}

// showsLine reports whether the gateway file t shows the line of e.
func showsLine(t Target, c *domain.GatewayConfig, e domain.EndpointConfig) bool {
	switch t.Kind {
	case SKIGWFile:
		return false
	case PortFile:
		stem := strings.TrimSuffix(t.Name, ".cnf.xml")
		return len(stem) >= 3 && e.PortID() == stem[len(stem)-3:]
	case ATAXMLFile:
		return e.Unit == 0 && e.Subunit == 0 && e.Port == ataPortOf(t, c)
	}
	return true
}

// gatewayLoad is the gateway's load override, or its model's default for
// its protocol.
func gatewayLoad(c *domain.GatewayConfig) string {
	if c.Gateway.Load != "" {
		return c.Gateway.Load
	}
	return c.Model.Load(gatewayProtocol(c))
}

// portLocale is the network locale of an endpoint: its own, else the
// pool's, else United_States (IOS cptone).
func portLocale(c *domain.GatewayConfig, e domain.EndpointConfig) string {
	if e.Locale != "" {
		return e.Locale
	}
	if c.Pool != nil && c.Pool.NetworkLocale != "" {
		return c.Pool.NetworkLocale
	}
	return "United_States"
}

// portLabel is the label an endpoint shows: its own, else its line's.
func portLabel(e domain.EndpointConfig) string { return firstOf(e.Label, e.Line.Label) }
