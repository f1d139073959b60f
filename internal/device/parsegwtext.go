package device

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cmtftp/internal/domain"
)

// ataText is what an ATA 186/188 takes from its ata<mac> profile
// (docs/gateways.md: the #txt source of cfgfmt, Name:Value lines).
type ataText struct {
	callManagers []CallManager
	ports        []GatewayPort
	load         string
	settings     int
}

// parseATAText reads an ata<mac> profile for an adapter running protocol
// (SIP, SCCP or MGCP): its call agents, its two ports, its load.
func parseATAText(b []byte, protocol string) (ataText, error) {
	kv, err := parseProfile(b)
	if err != nil {
		return ataText{}, err
	}
	a := ataText{settings: len(kv)}
	if _, load, ok := strings.Cut(kv["upgradecode"], ","); ok {
		a.load = strings.TrimSpace(load)
	}
	servers := []string{"GkOrProxy", "AltGk"}
	if protocol == domain.ProtocolMGCP {
		servers = []string{"CA0orCM0"}
	}
	for _, k := range servers {
		if v := ataSet(kv[k]); v != "" {
			a.callManagers = append(a.callManagers, ataServer(k, v, protocol))
		}
	}
	for i := range 2 {
		n := strconv.Itoa(i)
		p := GatewayPort{Port: n, Line: ataSet(kv["UID"+n]), Label: ataSet(kv["LoginID"+n]), Configured: true}
		if protocol == domain.ProtocolMGCP {
			p.Line, p.Endpoint = "", ataSet(kv["EPID"+n+"orSID"+n])
			if p.Endpoint == "" {
				continue
			}
		} else if p.Line == "" {
			continue
		}
		a.ports = append(a.ports, p)
	}
	return a, nil
}

// ataSet is an ATA profile's value, "" for 0, the adapter's "none".
func ataSet(v string) string {
	if v == "0" {
		return ""
	}
	return v
}

// ataServer is a call agent of an ATA profile, on its protocol's port.
func ataServer(key, host, protocol string) CallManager {
	cm := CallManager{Name: key, Host: host}
	switch protocol {
	case domain.ProtocolMGCP:
		cm.MGCPPort = 2427
	case domain.ProtocolSCCP:
		cm.SCCPPort = 2000
	default:
		cm.SIPPort = 5060
	}
	return cm
}

// cnfGateway is what a gateway takes from a key: value .cnf of cmtftp's
// own (SAA<MAC>.cnf, SDA<MAC>.cnf, their defaults, an Analog Access's or
// Voice Mail Port's <name>.cnf).
type cnfGateway struct {
	device, model, protocol string
	callManagers            []CallManager
	ports                   []GatewayPort
	load, networkLocale     string
	settings                int
}

// parseCnfGateway reads a gateway's .cnf: its call managers (HOST PORT,
// the MGCP port under MGCP; a file without protocol, such as
// SAADefault.cnf, is the device's protocol) and one portN: NUMBER
// "DISPLAY NAME" per endpoint, N the port or (on a gateway of several
// units or subunits) its address, port0/1/0.
func parseCnfGateway(b []byte, protocol string) (cnfGateway, error) {
	kv, err := keyValues(b, kvSyntax{form: "key: value", spacedKey: true, value: cnfValue, key: cnfKey})
	if err != nil {
		return cnfGateway{}, err
	}
	for k, v := range kv {
		if !strings.HasPrefix(k, "port") {
			kv[k], _ = kvValue(v) // cnfValue checked the quotes
		}
	}
	g := cnfGateway{device: kv["device"], model: kv["model"], protocol: strings.ToUpper(cmp.Or(kv["protocol"], protocol)),
		load: kv["loadInformation"], networkLocale: kv["networkLocale"], settings: len(kv)}
	if g.callManagers, err = legacyCallManagers(kv); err != nil {
		return cnfGateway{}, err
	}
	if g.protocol == domain.ProtocolMGCP {
		for i := range g.callManagers {
			g.callManagers[i].MGCPPort, g.callManagers[i].SCCPPort = g.callManagers[i].SCCPPort, 0
		}
	}
	var ids [][]int
	for k := range kv {
		if n, ok := strings.CutPrefix(k, "port"); ok {
			id, ok := portAddress(n)
			if !ok {
				return cnfGateway{}, fmt.Errorf("%s: not portN or portU/S/P", k)
			}
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, slices.Compare)
	for _, id := range ids {
		n := joinAddress(id)
		p, err := cnfPort(n, kv["port"+n])
		if err != nil {
			return cnfGateway{}, err
		}
		g.ports = append(g.ports, p)
	}
	return g, nil
}

// cnfKey is a key of a gateway .cnf: a key name, or port and an address
// with slashes (port0/1/0).
func cnfKey(k string) bool {
	if n, ok := strings.CutPrefix(k, "port"); ok && strings.Contains(n, "/") {
		_, ok := portAddress(n)
		return ok
	}
	return keyName(k)
}

// portAddress reads a port's number or address (N, U/P, U/S/P), each part
// a plain decimal.
func portAddress(s string) ([]int, bool) {
	f := strings.Split(s, "/")
	if len(f) > 3 {
		return nil, false
	}
	out := make([]int, len(f))
	for i, p := range f {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 || strconv.Itoa(n) != p {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

func joinAddress(a []int) string {
	f := make([]string, len(a))
	for i, n := range a {
		f[i] = strconv.Itoa(n)
	}
	return strings.Join(f, "/")
}

// cnfValue checks a .cnf value as kvValue does but keeps a quoted one's
// quotes, so that a portN value of a quoted name alone ("Ann 4001") is
// told from NUMBER "DISPLAY NAME"; parseCnfGateway unquotes the others.
func cnfValue(v string) (string, error) {
	if _, err := kvValue(v); err != nil || !strings.HasPrefix(v, `"`) {
		return kvValue(v)
	}
	return v[:strings.IndexByte(v[1:], '"')+2], nil // the quoted value, without a trailing ; comment
}

// cnfPort reads portN's value: NUMBER (any directory number the domain
// takes, domain.LineNumberOK), then the display name in quotes (or bare).
func cnfPort(id, v string) (GatewayPort, error) {
	number, name, _ := strings.Cut(strings.TrimSpace(v), " ")
	if !domain.LineNumberOK(number) {
		return GatewayPort{}, fmt.Errorf("port%s: %q is not NUMBER \"DISPLAY NAME\"", id, v)
	}
	name = strings.TrimSpace(name)
	if unq, ok := strings.CutPrefix(name, `"`); ok {
		if name, ok = strings.CutSuffix(unq, `"`); !ok {
			return GatewayPort{}, fmt.Errorf("port%s: a quote is not closed", id)
		}
	}
	return GatewayPort{Port: id, Line: number, DisplayName: name, Configured: true}, nil
}
