package device

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"cmtftp/internal/domain"
)

// mgcpIOS is the IOS configuration an MGCP gateway derives from its
// <hostname>.cnf.xml (docs/gateways.md, "IOS mapping", MGCP): the call
// agent and its redundant hosts, the vendorConfig keys through
// domain.VendorKeys' commands, a dial peer per endpoint. It returns
// warnings for what a gateway would not know or not agree with: keys not
// in the table, keys the file leaves out, dial peers not numbered by the
// prefix. A value a key does not allow is an error.
func mgcpIOS(g *gwXML) (lines, warnings []string, err error) {
	if len(g.callManagers) > 0 {
		cm := g.callManagers[0]
		lines = append(lines, fmt.Sprintf("mgcp call-agent %s %d service-type mgcp version 0.1", cm.Host, cmp.Or(cm.MGCPPort, 2427)))
	}
	if len(g.callManagers) > 1 {
		var hosts []string
		for _, cm := range g.callManagers[1:min(3, len(g.callManagers))] {
			hosts = append(hosts, cm.Host)
		}
		lines = append(lines, "ccm-manager redundant-host "+strings.Join(hosts, " "))
	}
	lines = append(lines, "mgcp", "ccm-manager mgcp")
	values := map[string]string{}
	for _, kv := range g.vendor {
		if _, ok := domain.LookupVendorKey(kv.key); !ok {
			warnings = append(warnings, fmt.Sprintf("vendorConfig/%s is not a key of the IOS mapping: the gateway ignores it", kv.key))
			continue
		}
		values[kv.key] = kv.value
	}
	for _, k := range domain.VendorKeys() {
		v, ok := values[k.Name]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("vendorConfig/%s missing: the gateway keeps its own setting", k.Name))
			continue
		}
		norm, err := k.Normalize(v)
		if err != nil {
			return nil, nil, fmt.Errorf("vendorConfig/%s: %w", k.Name, err)
		}
		values[k.Name] = norm
		lines = append(lines, k.IOS(norm)...)
	}
	prefix := values["dialPeerPrefix"]
	for _, e := range g.endpoints {
		if want := mgcpDialPeer(prefix, e.port); prefix != "" && want != "" && e.dialPeer != want {
			warnings = append(warnings, fmt.Sprintf("endpoint %s: dial peer %q, want %s (prefix %s, port %s)", e.name, e.dialPeer, want, prefix, e.port))
		}
		lines = append(lines, "dial-peer voice "+e.dialPeer+" pots", " application mgcpapp", " port "+e.port)
	}
	return lines, warnings, nil
}

// mgcpDialPeer is the dial peer of the endpoint at port U/S/P: the prefix,
// the unit, the subunit, the port in two digits; "" for an address not of
// that shape.
func mgcpDialPeer(prefix, port string) string {
	f := strings.Split(port, "/")
	if len(f) != 3 {
		return ""
	}
	n := make([]int, 3)
	for i, s := range f {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return ""
		}
		n[i] = v
	}
	return fmt.Sprintf("%s%d%d%02d", prefix, n[0], n[1], n[2])
}

// sccpIOS is the IOS configuration an SCCP gateway (stcapp) derives from
// its SKIGW file and its ports' AN files (docs/gateways.md, "IOS
// mapping", SCCP): an sccp ccm per call manager, the group associating
// them in order, stcapp, a dial peer per configured port.
func sccpIOS(cms []CallManager, ports []GatewayPort) []string {
	var lines []string
	for i, cm := range cms {
		lines = append(lines, fmt.Sprintf("sccp ccm %s identifier %d version 4.1", cm.Host, i+1))
	}
	lines = append(lines, "sccp ccm group 1")
	for i := range cms {
		lines = append(lines, fmt.Sprintf(" associate ccm %d priority %d", i+1, i+1))
	}
	lines = append(lines, "sccp", "stcapp ccm-group 1", "stcapp")
	for _, p := range ports {
		if !p.Configured {
			continue
		}
		lines = append(lines, "dial-peer voice 999"+anPortID(p.File)+" pots", " service stcapp", " port "+p.Port)
	}
	return lines
}

// anPortID is the 3-digit port id at the end of an AN file's name.
func anPortID(file string) string {
	name := strings.TrimSuffix(file, ".cnf.xml")
	if len(name) < 3 {
		return name
	}
	return name[len(name)-3:]
}
