package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// SKIGW renders SKIGW<tail>.cnf.xml (docs/gateways.md), the file an SCCP
// analog gateway (stcapp) asks first: its product, the call-control
// group, the load, and its units with the ports configured, each named by
// the AN<tail><port id> device whose .cnf.xml the gateway asks next.
func SKIGW(c *domain.GatewayConfig) []byte { return appendSKIGW(make([]byte, 0, 2048), c) }

func appendSKIGW(b []byte, c *domain.GatewayConfig) []byte {
	start := len(b)
	w := &xmlw{b: append(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)}
	w.open("device")
	w.bool("fullConfig", true)
	w.el("deviceProtocol", domain.ProtocolSCCP)
	w.el("product", c.Model.Name)
	w.el("description", c.Gateway.Description)
	w.open("devicePool")
	callManagerGroup(w, &c.Group, c.Servers)
	w.close("devicePool")
	w.el("loadInformation", gatewayLoad(c))
	tail := strings.TrimPrefix(c.Gateway.Name, domain.PrefixSKIGW)
	gatewayUnits(w, c.Units, "-SCCP", func(u domain.GatewayUnit, s domain.GatewaySubunit) {
		w.open("ports")
		for _, e := range c.Endpoints {
			if e.Unit == u.Index && e.Subunit == s.Index {
				w.open("port")
				w.int("index", e.Port)
				w.el("name", domain.PrefixAN+tail+e.PortID())
				w.close("port")
			}
		}
		w.close("ports")
	})
	w.el("versionStamp", stampHolder)
	w.close("device")
	stamp(w.b[start:])
	return w.b
}

// Port renders AN<tail><port id>.cnf.xml (docs/gateways.md): one port of
// an SCCP gateway as a phone-like device with its one line.
func Port(c *domain.GatewayConfig, e domain.EndpointConfig) []byte {
	return appendPort(make([]byte, 0, 2048), c, e)
}

func appendPort(b []byte, c *domain.GatewayConfig, e domain.EndpointConfig) []byte {
	start := len(b)
	unit, sub := portModules(c, e)
	w := &xmlw{b: append(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)}
	w.open("device")
	w.bool("fullConfig", true)
	w.el("deviceProtocol", domain.ProtocolSCCP)
	w.el("product", unit)
	w.el("model", sub+"-SCCP")
	w.el("gateway", c.Gateway.Name)
	w.el("port", e.Address(c.ThreeLevel()))
	w.open("devicePool")
	callManagerGroup(w, &c.Group, c.Servers)
	w.close("devicePool")
	w.el("networkLocale", portLocale(c, e))
	w.open("lines")
	w.open("line", "button", "1")
	w.int("featureID", 9)
	w.el("name", e.Line.Number)
	w.el("displayName", e.Line.DisplayName)
	w.el("label", portLabel(e))
	w.el("messagesNumber", e.Line.VoicemailPilot)
	w.close("line")
	w.close("lines")
	w.el("versionStamp", stampHolder)
	w.close("device")
	stamp(w.b[start:])
	return w.b
}

// portModules returns the products of the unit and the subunit the
// endpoint e sits on (CheckGateway keeps endpoints on their subunits).
func portModules(c *domain.GatewayConfig, e domain.EndpointConfig) (unit, sub string) {
	for _, u := range c.Units {
		if u.Index != e.Unit {
			continue
		}
		for _, s := range u.Subunits {
			if s.Index == e.Subunit {
				return u.Product, s.Product
			}
		}
		return u.Product, ""
	}
	return "", ""
}

// gatewayUnits writes the units element of a gateway's file: each unit
// with its subunits, a subunit's product with suffix appended and, inside
// it, what more writes (nil: nothing).
func gatewayUnits(w *xmlw, units []domain.GatewayUnit, suffix string, more func(domain.GatewayUnit, domain.GatewaySubunit)) {
	w.open("units")
	for _, u := range units {
		w.open("unit")
		w.int("index", u.Index)
		w.el("product", u.Product)
		w.open("subunits")
		for _, s := range u.Subunits {
			w.open("subunit")
			w.int("index", s.Index)
			w.el("product", s.Product+suffix)
			w.int("beginPort", s.BeginPort)
			if more != nil {
				more(u, s)
			}
			w.close("subunit")
		}
		w.close("subunits")
		w.close("unit")
	}
	w.close("units")
}
