package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// MGCP renders <hostname>.cnf.xml, the file an MGCP IOS gateway downloads
// with ccm-manager config: cmtftp's own format, modelled on CUCM's
// XGateway record (docs/gateways.md, with the IOS command each element
// becomes): the gateway, its call-control group, units and subunits,
// endpoints with their lines and dial peers, and every vendor key.
func MGCP(c *domain.GatewayConfig) []byte { return appendMGCP(make([]byte, 0, 4096), c) }

func appendMGCP(b []byte, c *domain.GatewayConfig) []byte {
	start := len(b)
	g := &c.Gateway
	domainName := strings.TrimSuffix(g.Name, ".")
	w := &xmlw{b: append(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)}
	w.open("gateway")
	w.el("domainName", domainName)
	w.el("description", g.Description)
	w.el("product", c.Model.Name)
	w.el("protocol", domain.ProtocolMGCP)
	callManagerGroup(w, &c.Group, c.Servers)
	gatewayUnits(w, c.Units, "", nil)
	mgcpEndpoints(w, c, domainName)
	w.open("vendorConfig")
	for _, k := range domain.VendorKeys() {
		w.el(k.Name, g.VendorValue(k.Name))
	}
	w.close("vendorConfig")
	w.el("versionStamp", stampHolder)
	w.close("gateway")
	stamp(w.b[start:])
	return w.b
}

// mgcpEndpoints writes the endpoints: AALN name, port, dial peer (the
// dialPeerPrefix, unit, subunit, port in two digits), locale and line.
func mgcpEndpoints(w *xmlw, c *domain.GatewayConfig, domainName string) {
	prefix := c.Gateway.VendorValue("dialPeerPrefix")
	three := c.ThreeLevel()
	w.open("endpoints")
	for _, e := range c.Endpoints {
		w.open("endpoint")
		w.el("name", e.AALN()+"@"+domainName)
		w.el("port", e.Address(three))
		w.el("dialPeer", domain.DialPeer(prefix, e.GatewayEndpoint))
		w.el("networkLocale", portLocale(c, e))
		w.open("line")
		w.el("directoryNumber", e.Line.Number)
		w.el("displayName", e.Line.DisplayName)
		w.el("label", portLabel(e))
		w.close("line")
		w.close("endpoint")
	}
	w.close("endpoints")
}
