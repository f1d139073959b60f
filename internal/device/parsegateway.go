package device

import (
	"errors"
	"fmt"
	"strings"
)

// gwLine is a line a gateway's file gives a port: its directory number,
// display name and label.
type gwLine struct {
	number, displayName, label string
}

// gwPortRef is a port an SKIGW file lists: the name of its device (the
// gateway asks for <name>.cnf.xml next) and where it sits.
type gwPortRef struct {
	unit, subunit, index string
	name                 string
}

// gwEndpoint is an endpoint of an MGCP gateway's file.
type gwEndpoint struct {
	name, port, dialPeer, locale string
	line                         gwLine
}

// gwKV is one vendorConfig element, in file order.
type gwKV struct{ key, value string }

// gwXML is what a gateway takes from one of its XML files (docs/gateways.md):
// SKIGW<tail>.cnf.xml, AN<tail><id>.cnf.xml, <hostname>.cnf.xml (MGCP),
// ATA<MAC>.cnf.xml. The embedded summary has the call-control list, the
// load and the locales.
type gwXML struct {
	xmlSummary
	product, protocol, model  string
	gateway, port, domainName string
	ports                     []gwPortRef
	endpoints                 []gwEndpoint
	lines                     []gwLine
	vendor                    []gwKV

	curUnit, curSubunit string
	curPort             gwPortRef
	curEndpoint         gwEndpoint
	curLine             gwLine
}

// parseGatewayXML reads a gateway's XML file whose root must be root.
func parseGatewayXML(b []byte, root string) (*gwXML, error) {
	g := &gwXML{}
	got, err := walkXML(b, func(path []string, text []byte) error {
		if err := g.take(path, text, false, ""); err != nil {
			return err
		}
		return g.gatewayField(path, string(text))
	})
	if err != nil {
		return nil, err
	}
	g.root = got
	if got != root {
		return nil, fmt.Errorf("root element <%s>, want <%s>", got, root)
	}
	return g, nil
}

// gatewayField takes one element of a gateway's file.
func (g *gwXML) gatewayField(path []string, text string) error {
	n := len(path)
	name := path[n-1]
	if n == 2 {
		g.topField(name, text)
		return nil
	}
	rel := strings.Join(path[1:], "/")
	switch {
	case rel == "units/unit/index":
		g.curUnit = text
	case rel == "units/unit/subunits/subunit/index":
		g.curSubunit = text
	case strings.HasPrefix(rel, "units/unit/subunits/subunit/ports/port"):
		return g.portField(strings.TrimPrefix(rel, "units/unit/subunits/subunit/ports/port"), text)
	case strings.HasPrefix(rel, "endpoints/endpoint"):
		return g.endpointField(strings.TrimPrefix(rel, "endpoints/endpoint"), text)
	case n == 3 && path[1] == "vendorConfig":
		g.vendor = append(g.vendor, gwKV{name, text})
	case n >= 4 && path[n-2] == "line" && (path[n-3] == "lines" || path[n-3] == "sipLines"):
		g.curLine.field(name, text)
	case name == "line" && n >= 3 && (path[n-2] == "lines" || path[n-2] == "sipLines"):
		g.lines = append(g.lines, g.curLine)
		g.curLine = gwLine{}
	}
	return nil
}

// topField takes an element right under the root.
func (g *gwXML) topField(name, text string) {
	switch name {
	case "product":
		g.product = text
	case "deviceProtocol", "protocol":
		g.protocol = text
	case "model":
		g.model = text
	case "gateway":
		g.gateway = text
	case "port":
		g.port = text
	case "domainName":
		g.domainName = text
	}
}

// field takes an element of a <line>: AN files write <label>, SIP lines
// <featureLabel>.
func (l *gwLine) field(name, text string) {
	switch name {
	case "name", "directoryNumber":
		l.number = text
	case "displayName":
		l.displayName = text
	case "label", "featureLabel":
		l.label = text
	}
}

// portField takes an element of an SKIGW file's <port> (rel "" is the
// port's end).
func (g *gwXML) portField(rel, text string) error {
	switch rel {
	case "/index":
		g.curPort.index = text
	case "/name":
		g.curPort.name = text
	case "":
		p := g.curPort
		g.curPort = gwPortRef{}
		if p.name == "" {
			return errors.New("a <port> with no <name>")
		}
		p.unit, p.subunit = g.curUnit, g.curSubunit
		g.ports = append(g.ports, p)
	}
	return nil
}

// endpointField takes an element of an MGCP file's <endpoint> (rel "" is
// the endpoint's end).
func (g *gwXML) endpointField(rel, text string) error {
	e := &g.curEndpoint
	switch rel {
	case "/name":
		e.name = text
	case "/port":
		e.port = text
	case "/dialPeer":
		e.dialPeer = text
	case "/networkLocale":
		e.locale = text
	case "":
		done := *e
		g.curEndpoint = gwEndpoint{}
		if done.name == "" || done.port == "" {
			return errors.New("an <endpoint> without <name> or <port>")
		}
		g.endpoints = append(g.endpoints, done)
	default:
		if name, ok := strings.CutPrefix(rel, "/line/"); ok {
			e.line.field(name, text)
		}
	}
	return nil
}
