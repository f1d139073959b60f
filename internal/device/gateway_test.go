package device_test

import (
	"cmp"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// gatewayFiles are the hand-written gateway files of testdata/gateway,
// each as docs/gateways.md gives its family's.
func gatewayFiles(t *testing.T) map[string][]byte {
	t.Helper()
	dir := filepath.Join("testdata", "gateway")
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// portLines is "PORT=LINE" for every port of r ("PORT=-" not configured).
func portLines(r *device.Report) []string {
	var out []string
	for _, p := range r.Ports {
		l := p.Line
		if !p.Configured {
			l = "-"
		} else if l == "" {
			l = p.Endpoint
		}
		out = append(out, p.Port+"="+l)
	}
	return out
}

// TestGatewayFamilies: a gateway of each family asks for its files in its
// order, ends configured, and reports its ports and (IOS gateways) the
// IOS configuration its files become.
func TestGatewayFamilies(t *testing.T) {
	fs := newFileServer(t, gatewayFiles(t))
	for _, tc := range []struct {
		name       string
		cfg        device.Config
		device     string
		names      []string
		ports      []string
		ios        []string // lines that must be there
		fromDflt   bool
		callAgents int
	}{
		{"VG224 SCCP", device.Config{Model: "VG224", MAC: "0000DE0000F1"}, "SKIGW00DE0000F1",
			[]string{"SKIGW00DE0000F1.cnf.xml", "AN00DE0000F1200.cnf.xml", "AN00DE0000F1201.cnf.xml"},
			[]string{"2/0=4600", "2/1=4601"},
			[]string{"sccp ccm 127.0.0.1 identifier 1 version 4.1", "sccp ccm 127.0.0.2 identifier 2 version 4.1", "sccp ccm group 1",
				" associate ccm 2 priority 2", "stcapp ccm-group 1", "dial-peer voice 999201 pots", " service stcapp", " port 2/1"}, false, 2},
		{"ISR4321 MGCP", device.Config{Model: "ISR4321", Hostname: "gw-f1.demo.example"}, "gw-f1.demo.example",
			[]string{"gw-f1.demo.example.cnf.xml"}, []string{"0/1/0=4701", "0/1/1=4702"},
			[]string{"mgcp call-agent 127.0.0.1 2427 service-type mgcp version 0.1", "ccm-manager redundant-host 127.0.0.2",
				"mgcp", "ccm-manager mgcp", "isdn switch-type primary-ni", "mgcp dtmf-relay voip codec all mode nte-ca",
				"no mgcp modem passthrough voip mode nse", "no mgcp fax t38 inhibit", "no mgcp rtp unreachable timeout",
				"no mgcp sdp simple", "dial-peer voice 9990101 pots", " application mgcpapp", " port 0/1/1"}, false, 2},
		{"VG224 MGCP asks by host name", device.Config{Model: "VG224", Protocol: "mgcp", Hostname: "gw-f1.demo.example"}, "gw-f1.demo.example",
			[]string{"gw-f1.demo.example.cnf.xml"}, []string{"0/1/0=4701", "0/1/1=4702"}, nil, false, 2},
		{"ATA190 one port", device.Config{Model: "ATA190", MAC: "0000DE0000F2"}, "ATA0000DE0000F2",
			[]string{"ATA0000DE0000F2.cnf.xml", "ATA00DE0000F201.cnf.xml"}, []string{"1=4801", "2=-"}, nil, false, 2},
		{"ATA186 SIP", device.Config{Model: "ATA186", Protocol: "sip", MAC: "0000DE0000F3"}, "ATA0000DE0000F3",
			[]string{"ata0000de0000f3"}, []string{"0=4901", "1=4902"}, nil, false, 2},
		{"WS-X6624", device.Config{Model: "WS-X6624", MAC: "0000DE0000F4"}, "SAA0000DE0000F4",
			[]string{"SAA0000DE0000F4.cnf"}, []string{"0=4951", "3=4954"}, nil, false, 2},
		{"WS-X6624 not in the database", device.Config{Model: "WS-X6624", MAC: "0000DE0000FF"}, "SAA0000DE0000FF",
			[]string{"SAA0000DE0000FF.cnf", "SAADefault.cnf"}, nil, nil, true, 1},
		{"Analog Access", device.Config{Model: "Analog Access", Hostname: "aa-f5"}, "aa-f5",
			[]string{"aa-f5.cnf"}, []string{"1=4991"}, nil, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Kind, tc.cfg.Servers = device.Gateway, []netip.AddrPort{fs.addr}
			r := boot(t, tc.cfg)
			if !r.OK() || r.Device != tc.device || r.FromDefault != tc.fromDflt || len(r.CallManagers) != tc.callAgents {
				t.Fatalf("%s %s: %s; device %q, default %v, call control %+v\n%s", r.Outcome, r.Cause, r.Detail, r.Device, r.FromDefault, r.CallManagers, text(r))
			}
			if got := r.Names(); !slices.Equal(got, tc.names) {
				t.Errorf("asked for %q, want %q", got, tc.names)
			}
			if got := portLines(r); !slices.Equal(got, tc.ports) {
				t.Errorf("ports %q, want %q", got, tc.ports)
			}
			for _, l := range tc.ios {
				if !slices.Contains(r.IOS, l) {
					t.Errorf("IOS lacks %q:\n%s", l, strings.Join(r.IOS, "\n"))
				}
			}
			if out := text(r); !strings.Contains(out, "ports:") && len(tc.ports) > 0 {
				t.Errorf("text report names no ports:\n%s", out)
			}
		})
	}
}

// TestGatewayFailures: what a gateway cannot boot from ends its boot with
// a cause that names the file: a missing file (its own, or a port file
// its SKIGW file lists), a broken one, one whose vendorConfig value is not
// allowed, and a server that stays busy.
func TestGatewayFailures(t *testing.T) {
	files := gatewayFiles(t)
	skigw := files["SKIGW00DE0000F1.cnf.xml"]
	mgcp := string(files["gw-f1.demo.example.cnf.xml"])
	fs := newFileServer(t, map[string][]byte{
		"SKIGW00DE0000F1.cnf.xml": skigw, // its port files are not served
		"SKIGW00DE0000F9.cnf.xml": []byte("<device><units>"),
		"bad-dtmf.cnf.xml":        []byte(strings.Replace(mgcp, "<DtmfRelay>nte-ca", "<DtmfRelay>loud", 1)),
		"ata0000de0000f8":         []byte("UID0:1\n"), // no #txt
		"ATA0000DE0000F7.cnf.xml": []byte(`<device><devicePool><callManagerGroup><members><member><callManager><name>a</name></callManager></member></members></callManagerGroup></devicePool></device>`),
	})
	for _, tc := range []struct {
		name   string
		cfg    device.Config
		cause  device.Cause
		detail string
		broken string
	}{
		{"MGCP file missing", device.Config{Model: "ISR4321", Hostname: "nobody.example"}, device.CauseNoConfig, "nobody.example.cnf.xml not found", ""},
		{"port file missing", device.Config{Model: "VG224", MAC: "0000DE0000F1"}, device.CauseNoConfig, "AN00DE0000F1200.cnf.xml not found (port AN00DE0000F1200 of SKIGW00DE0000F1.cnf.xml)", ""},
		{"SKIGW broken", device.Config{Model: "VG202", MAC: "0000DE0000F9"}, device.CauseBrokenConfig, "SKIGW00DE0000F9.cnf.xml", "SKIGW00DE0000F9.cnf.xml"},
		{"vendorConfig value", device.Config{Model: "ISR4331", Hostname: "bad-dtmf"}, device.CauseBrokenConfig, "vendorConfig/DtmfRelay", "bad-dtmf.cnf.xml"},
		{"ATA 186 binary", device.Config{Model: "ATA188", MAC: "0000DE0000F8"}, device.CauseBrokenConfig, "not a #txt profile", "ata0000de0000f8"},
		{"ATA 190 no line", device.Config{Model: "ATA191", MAC: "0000DE0000F7"}, device.CauseBrokenConfig, "no line", "ATA0000DE0000F7.cnf.xml"},
		{"Voice Mail Port not in the database", device.Config{Model: "Voice Mail Port", Hostname: "vmp9"}, device.CauseNoConfig, "vmp9.cnf not found", ""},
		{"SDA and its default missing", device.Config{Model: "WS-X6608", MAC: "0000DE0000F6"}, device.CauseNoConfig, "none of SDA0000DE0000F6.cnf, SDADefault.cnf found", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Kind, tc.cfg.Servers = device.Gateway, []netip.AddrPort{fs.addr}
			r := boot(t, tc.cfg)
			if r.OK() || r.Cause != tc.cause || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("%s %q: %s, want %q with %q\n%s", r.Outcome, r.Cause, r.Detail, tc.cause, tc.detail, text(r))
			}
			var broken []string
			for _, st := range r.Steps {
				if st.Outcome == device.Broken {
					broken = append(broken, st.Name)
				}
			}
			if tc.broken == "" && len(broken) != 0 || tc.broken != "" && !slices.Equal(broken, []string{tc.broken}) {
				t.Errorf("broken %q, want %q", broken, tc.broken)
			}
		})
	}
}

// TestGatewayBusy: a server that stays busy ends a gateway's boot as a
// phone's, naming the file.
func TestGatewayBusy(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{MaxServingCount: 1, Timeout: 2 * time.Second, Retries: 5})
	holdSlot(t, s.tftp)
	r := boot(t, device.Config{Kind: device.Gateway, Model: "VG224", MAC: "0000DE0000F1", Servers: []netip.AddrPort{s.tftp}, MaxBusyRetries: 2})
	if r.OK() || r.Cause != device.CauseBusy || !strings.Contains(r.Detail, "SKIGW00DE0000F1.cnf.xml") {
		t.Fatalf("%s %s: %s\n%s", r.Outcome, r.Cause, r.Detail, text(r))
	}
}

// TestGatewayConfigErrors: a gateway configuration that cannot be played.
func TestGatewayConfigErrors(t *testing.T) {
	srv := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:69")}
	for _, tc := range []struct {
		name string
		cfg  device.Config
		want string
	}{
		{"phone model", device.Config{Model: "7961", MAC: "0000DE000001"}, "not a gateway"},
		{"unknown model", device.Config{Model: "VG999"}, "not in the catalogue"},
		{"protocol", device.Config{Model: "ATA190", Protocol: "mgcp", MAC: "0000DE000001"}, "does not run"},
		{"MGCP without host name", device.Config{Model: "ISR4321"}, "gateway hostname"},
		{"SKIGW without MAC", device.Config{Model: "VG224"}, "MAC"},
		{"gateway model as a phone", device.Config{Kind: device.Phone, Model: "ATA186", MAC: "0000DE000001"}, "is a gateway"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Kind, tc.cfg.Servers = cmp.Or(tc.cfg.Kind, device.Gateway), srv
			_, err := device.Boot(t.Context(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
