package render

import (
	"cmtftp/internal/domain"
	"fmt"
)

// GatewayCnf renders a gateway's <name>.cnf (SAA<MAC>.cnf, SDA<MAC>.cnf,
// an Analog Access's or Voice Mail Port's, any gateway's under Build
// All): cmtftp's own key: value text in the shape of the phones' legacy
// .cnf (docs/gateways.md): the call-control servers with the port of the
// gateway's protocol (MGCP's under MGCP, SCCP's otherwise), the load, the
// network locale and one portN line per endpoint.
func GatewayCnf(c *domain.GatewayConfig) []byte { return appendGatewayCnf(make([]byte, 0, 512), c) }

func appendGatewayCnf(b []byte, c *domain.GatewayConfig) []byte {
	start := len(b)
	t := &textw{b: b}
	p := gatewayProtocol(c)
	t.comment(c.Gateway.Name + ".cnf: gateway configuration built by cmtftp (format: docs/gateways.md)")
	t.kv("device", c.Gateway.Name)
	t.kv("model", fmt.Sprintf("%s %d", c.Model.Name, c.Model.TypeID))
	t.kv("protocol", p)
	gatewayServers(t, c.Servers, p)
	t.kv("loadInformation", gatewayLoad(c))
	locale := "United_States"
	if c.Pool != nil && c.Pool.NetworkLocale != "" {
		locale = c.Pool.NetworkLocale
	}
	t.kv("networkLocale", locale)
	byAddress := !onePortRange(c)
	three := c.ThreeLevel()
	for _, e := range c.Endpoints {
		key := "port" + itoa(e.Port)
		if byAddress {
			key = "port" + e.Address(three)
		}
		t.b = append(t.b, key+": "+textValue(e.Line.Number)+` "`+textValue(e.Line.DisplayName)+`"`+"\n"...)
	}
	t.kv("versionStamp", stampHolder)
	stamp(t.b[start:])
	return t.b
}

// onePortRange reports whether the gateway's port numbers name its
// endpoints alone (every endpoint on one unit and subunit, as on the
// Catalyst modules, Analog Access and Voice Mail Port): then an
// endpoint's key is port<N>; otherwise port<its address>.
func onePortRange(c *domain.GatewayConfig) bool {
	for _, e := range c.Endpoints {
		if e.Unit != c.Endpoints[0].Unit || e.Subunit != c.Endpoints[0].Subunit {
			return false
		}
	}
	return true
}

// gatewayServers writes callManager1 … as HOST PORT, the port of protocol p.
func gatewayServers(t *textw, servers []domain.Server, p string) {
	for i, s := range servers {
		port := s.SCCPPort
		if p == domain.ProtocolMGCP {
			port = s.MGCPPort
		}
		t.kv(fmt.Sprintf("callManager%d", i+1), fmt.Sprintf("%s %d", s.Host, port))
	}
}

// SAADefaultCnf renders SAADefault.cnf, what a WS-X6624 not in the
// database gets: the default group's servers with their MGCP ports (the
// module's protocol).
func SAADefaultCnf(d *DefaultConfig) []byte {
	return moduleDefault(d, "SAADefault.cnf", domain.ProtocolMGCP)
}

// SDADefaultCnf renders SDADefault.cnf, what a WS-X6608 not in the
// database gets: the default group's servers with their SCCP ports (the
// module's protocol).
func SDADefaultCnf(d *DefaultConfig) []byte {
	return moduleDefault(d, "SDADefault.cnf", domain.ProtocolSCCP)
}

func moduleDefault(d *DefaultConfig, name, protocol string) []byte {
	t := &textw{b: make([]byte, 0, 256)}
	t.comment(name + ": default gateway configuration built by cmtftp (format: docs/gateways.md)")
	gatewayServers(t, d.Servers, protocol)
	t.kv("versionStamp", stampHolder)
	return stamp(t.b)
}
