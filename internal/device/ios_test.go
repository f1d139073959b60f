package device

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// mgcpFile is the hand-written MGCP file of testdata, as docs/gateways.md
// gives it, with vendorConfig replaced by values.
func mgcpFile(t testing.TB, values map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gateway", "gw-f1.demo.example.cnf.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "<vendorConfig>"), strings.Index(s, "</vendorConfig>")
	var vc strings.Builder
	for _, k := range domain.VendorKeys() {
		if v, ok := values[k.Name]; ok {
			fmt.Fprintf(&vc, "<%s>%s</%s>", k.Name, v, k.Name)
		}
	}
	return []byte(s[:i] + "<vendorConfig>" + vc.String() + s[j:])
}

// TestMGCPIOSEveryKey: for a file following the docs, every vendorConfig
// key present yields the IOS lines domain.VendorKeys gives its value, for
// every value the key allows; a key left out yields none and a warning.
func TestMGCPIOSEveryKey(t *testing.T) {
	for _, k := range domain.VendorKeys() {
		values := k.Values
		if values == nil {
			values = []string{k.Default, "0", fmt.Sprint(k.Max)}
		}
		for _, v := range values {
			if _, err := k.Normalize(v); err != nil {
				continue
			}
			g, err := parseGatewayXML(mgcpFile(t, map[string]string{k.Name: v}), "gateway")
			if err != nil {
				t.Fatal(err)
			}
			lines, warnings, err := mgcpIOS(g)
			if err != nil {
				t.Fatalf("%s=%s: %v", k.Name, v, err)
			}
			for _, want := range k.IOS(v) {
				if !slices.Contains(lines, want) {
					t.Errorf("%s=%s: no %q in\n%s", k.Name, v, want, strings.Join(lines, "\n"))
				}
			}
			if len(warnings) < len(domain.VendorKeys())-1 {
				t.Errorf("%s=%s: %d warnings for %d keys left out", k.Name, v, len(warnings), len(domain.VendorKeys())-1)
			}
		}
	}
}

// TestMGCPIOSFile: the testdata file's whole IOS configuration, in the
// docs' table order.
func TestMGCPIOSFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "gateway", "gw-f1.demo.example.cnf.xml"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := parseGatewayXML(b, "gateway")
	if err != nil {
		t.Fatal(err)
	}
	lines, warnings, err := mgcpIOS(g)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("%v, warnings %q", err, warnings)
	}
	want := []string{
		"mgcp call-agent 127.0.0.1 2427 service-type mgcp version 0.1",
		"ccm-manager redundant-host 127.0.0.2",
		"mgcp", "ccm-manager mgcp",
		"isdn switch-type primary-ni",
		"mgcp dtmf-relay voip codec all mode nte-ca",
		"no mgcp modem passthrough voip mode nse",
		"no mgcp fax t38 inhibit",
		"mgcp package-capability rtp-package",
		"no mgcp rtp unreachable timeout",
		"no mgcp sdp simple",
		"! dial peers are numbered 999<unit><subunit><port:2>",
		"dial-peer voice 9990100 pots", " application mgcpapp", " port 0/1/0",
		"dial-peer voice 9990101 pots", " application mgcpapp", " port 0/1/1",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("IOS\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestMGCPIOSWarnings: a key not in the table and a dial peer not
// numbered by the prefix are warnings; a value not allowed is an error.
func TestMGCPIOSWarnings(t *testing.T) {
	b := mgcpFile(t, map[string]string{"dialPeerPrefix": "77"})
	b = []byte(strings.Replace(string(b), "<vendorConfig>", "<vendorConfig><loudness>11</loudness>", 1))
	g, err := parseGatewayXML(b, "gateway")
	if err != nil {
		t.Fatal(err)
	}
	_, warnings, err := mgcpIOS(g)
	all := strings.Join(warnings, "\n")
	if err != nil || !strings.Contains(all, "vendorConfig/loudness is not a key") || !strings.Contains(all, `dial peer "9990100", want 770100`) {
		t.Errorf("%v, warnings\n%s", err, all)
	}
	g, _ = parseGatewayXML(mgcpFile(t, map[string]string{"rtpUnreachableTimeout": "soon"}), "gateway")
	if _, _, err := mgcpIOS(g); err == nil || !strings.Contains(err.Error(), "vendorConfig/rtpUnreachableTimeout") {
		t.Errorf("error %v", err)
	}
}

// TestSCCPIOS: the SCCP table: an sccp ccm per member, the group, stcapp,
// a dial peer per configured port named by its AN port id.
func TestSCCPIOS(t *testing.T) {
	cms := []CallManager{{Host: "10.0.0.1"}, {Host: "10.0.0.2"}}
	ports := []GatewayPort{{File: "AN1FCAC3DE10105.cnf.xml", Port: "0/1/5", Configured: true}, {File: "x", Port: "9", Configured: false}}
	want := []string{"sccp ccm 10.0.0.1 identifier 1 version 4.1", "sccp ccm 10.0.0.2 identifier 2 version 4.1",
		"sccp ccm group 1", " associate ccm 1 priority 1", " associate ccm 2 priority 2", "sccp", "stcapp ccm-group 1", "stcapp",
		"dial-peer voice 999105 pots", " service stcapp", " port 0/1/5"}
	if got := sccpIOS(cms, ports); !slices.Equal(got, want) {
		t.Errorf("IOS\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGatewayTextFiles: the ATA 186 profile by protocol, and a .cnf's
// ports and MGCP call agents.
func TestGatewayTextFiles(t *testing.T) {
	mgcp := "#txt\nCA0orCM0:10.0.0.1\nCA0UID:ATA0011\nEPID0orSID0:aaln/0\nEPID1orSID1:aaln/1\nupgradecode:0,LOAD1\n"
	a, err := parseATAText([]byte(mgcp), domain.ProtocolMGCP)
	if err != nil || len(a.callManagers) != 1 || a.callManagers[0].MGCPPort != 2427 || len(a.ports) != 2 ||
		a.ports[1].Endpoint != "aaln/1" || a.load != "LOAD1" {
		t.Errorf("MGCP profile: %+v, %v", a, err)
	}
	sccp := "#txt\nGkOrProxy:10.0.0.1\nAltGk:0\nUID0:5001\nUID1:0\n"
	if a, err := parseATAText([]byte(sccp), domain.ProtocolSCCP); err != nil || len(a.callManagers) != 1 || a.callManagers[0].SCCPPort != 2000 ||
		len(a.ports) != 1 || a.ports[0].Line != "5001" {
		t.Errorf("SCCP profile: %+v, %v", a, err)
	}
	for _, tc := range []struct {
		in, want string
	}{
		{"protocol: MGCP\ncallManager1: \"h 2427\"\nport2: 4001 \"A B\"\nport10: 4010\n", ""},
		{"port1: \"Ann 4001\"\n", "not NUMBER"},
		{"port1: 4001 \"x\n", "quote"},
		{"portx: 1\n", "not portN"},
		{"port0/1/a: 1\n", "not key: value"},
		{"port01: 1\n", "not portN"},
		{"port1/2/3/4: 1\n", "not key: value"},
	} {
		g, err := parseCnfGateway([]byte(tc.in), domain.ProtocolSCCP)
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
			}
			continue
		}
		if err != nil || len(g.ports) != 2 || g.ports[0] != (GatewayPort{Port: "2", Line: "4001", DisplayName: "A B", Configured: true}) ||
			g.ports[1].Port != "10" || g.callManagers[0].MGCPPort != 2427 || g.callManagers[0].SCCPPort != 0 {
			t.Errorf("%q: %+v, %v", tc.in, g, err)
		}
	}
	// A default file names no protocol: the device's; ports by address
	// sort by unit, subunit, port.
	g, err := parseCnfGateway([]byte("callManager1: \"h 2427\"\nport0/2/0: 2\nport0/1/10: 3\nport0/1/2: 1\n"), domain.ProtocolMGCP)
	var order []string
	for _, p := range g.ports {
		order = append(order, p.Port+"="+p.Line)
	}
	if err != nil || g.callManagers[0].MGCPPort != 2427 || !slices.Equal(order, []string{"0/1/2=1", "0/1/10=3", "0/2/0=2"}) {
		t.Errorf("default protocol, addresses: %+v %q, %v", g.callManagers, order, err)
	}
}
