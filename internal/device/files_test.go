package device_test

import (
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// TestDeviceNotInDatabase: a device the database does not hold takes its
// family's default file; XMLDefault.cnf.xml gives the model's load.
func TestDeviceNotInDatabase(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	for _, tc := range []struct {
		model, protocol string
		names           []string
		config, load    string
		ok              bool
	}{
		{"7961", "SCCP", []string{"CTLFile.tlv", "ITLFile.tlv", "SEP0000DE0000AA.cnf.xml", "XMLDefault.cnf.xml", "RingList.xml"},
			"XMLDefault.cnf.xml", "SCCP41.9-4-2SR3-1S", true},
		{"8841", "SIP", []string{"CTLSEP0000DE0000AA.tlv", "ITLSEP0000DE0000AA.tlv", "SEP0000DE0000AA.cnf.xml", "XMLDefault.cnf.xml", "RingList.xml"},
			"XMLDefault.cnf.xml", "sip88xx.14-2-1-0001-50", true},
		{"7940", "SIP", []string{"SIPDefault.cnf", "SIP0000DE0000AA.cnf", "RINGLIST.DAT"}, "SIPDefault.cnf", "", true},
		{"12SP+", "SCCP", []string{"SEP0000DE0000AA.cnf", "SEPDefault.cnf"}, "SEPDefault.cnf", "", true},
		// No lddefault.cfg is built or in the root: nothing to boot from.
		{"7905", "SIP", []string{"ld0000de0000aa", "lddefault.cfg"}, "", "", false},
	} {
		t.Run(tc.model, func(t *testing.T) {
			r := boot(t, device.Config{MAC: "0000DE0000AA", Model: tc.model, Protocol: tc.protocol, Servers: []netip.AddrPort{s.tftp}})
			if r.OK() != tc.ok || !tc.ok && r.Cause != device.CauseNoConfig {
				t.Fatalf("%s %s: %s\n%s", r.Outcome, r.Cause, r.Detail, text(r))
			}
			if got := r.Names(); !slices.Equal(got, tc.names) {
				t.Errorf("asked for %q, want %q", got, tc.names)
			}
			if tc.ok && (r.Config != tc.config || !r.FromDefault || r.LoadID != tc.load || len(r.CallManagers) == 0) {
				t.Errorf("config %q (default %v), load %q, call control %+v", r.Config, r.FromDefault, r.LoadID, r.CallManagers)
			}
		})
	}
}

// brokenSite is the demo site with devices whose load overrides name
// .loads files of the root that are broken, or name a missing archive.
func brokenSite() *domain.Site {
	site := domain.DemoSite()
	for _, d := range []struct{ mac, load string }{{"0000DE0000C1", "BROKEN"}, {"0000DE0000C2", "HOLLOW"}, {"0000DE0000C3", "ABSENT"}} {
		site.Devices = append(site.Devices, &domain.Device{MAC: d.mac, Model: "7961", Protocol: "SCCP", Pool: "Demo-Pool", Load: d.load})
	}
	return site
}

// TestBrokenFiles: what the device cannot read is reported broken, and a
// configuration or load it cannot read leaves it not configured.
func TestBrokenFiles(t *testing.T) {
	noise := domain.DemoRoot()[domain.DemoLargeArchive][:64<<10]
	s := startServer(t, brokenSite(), map[string][]byte{
		"gw-broken.cnf.xml": []byte("<device><devicePool><name>x</name></device>"),
		"BROKEN.loads":      noise, // the old demo's "load": random bytes
		"HOLLOW.loads":      []byte("# RELEASE\r\nmissing-archive.sbn\r\n"),
		"RingList.xml":      []byte("<CiscoIPPhoneRingList><Ring>"),
	}, assembly.Config{})
	for _, tc := range []struct {
		name   string
		cfg    device.Config
		cause  device.Cause
		broken string
	}{
		{"gateway file", device.Config{Kind: device.Gateway, Hostname: "gw-broken"}, device.CauseBrokenConfig, "gw-broken.cnf.xml"},
		{"gateway missing", device.Config{Kind: device.Gateway, Hostname: "gw-none"}, device.CauseNoConfig, ""},
		{".loads of random bytes", device.Config{MAC: "0000DE0000C1", Model: "7961", Load: "X"}, device.CauseLoadFailed, "BROKEN.loads"},
		{"archive missing", device.Config{MAC: "0000DE0000C2", Model: "7961", Load: "X"}, device.CauseLoadFailed, ""},
		{".loads missing", device.Config{MAC: "0000DE0000C3", Model: "7961", Load: "X"}, device.CauseLoadFailed, ""},
		// The ring list is optional: broken is a warning.
		{"ring list", device.Config{MAC: "0000DE000001", Model: "7961"}, "", "RingList.xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Servers = []netip.AddrPort{s.tftp}
			r := boot(t, tc.cfg)
			if r.Cause != tc.cause || r.OK() != (tc.cause == "") {
				t.Fatalf("%s %q: %s, want cause %q\n%s", r.Outcome, r.Cause, r.Detail, tc.cause, text(r))
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
			if tc.cause == "" && (len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "RingList.xml is broken")) {
				t.Errorf("warnings %q", r.Warnings)
			}
		})
	}
}

// TestGateway: a gateway asks for <hostname>.cnf.xml and reads its
// call-control list.
func TestGateway(t *testing.T) {
	gw := `<?xml version="1.0"?><gateway><callManagerGroup><members>
<member priority="0"><callManager><name>cm-a</name><ports><mgcpPorts><listen>2427</listen></mgcpPorts></ports><processNodeName>192.0.2.1</processNodeName></callManager></member>
</members></callManagerGroup></gateway>`
	s := startServer(t, domain.DemoSite(), map[string][]byte{"br-gw1.cnf.xml": []byte(gw)}, assembly.Config{})
	r := boot(t, device.Config{Kind: device.Gateway, Hostname: "br-gw1", Servers: []netip.AddrPort{s.tftp}})
	if !r.OK() || !slices.Equal(r.Names(), []string{"br-gw1.cnf.xml"}) || r.Device != "br-gw1" || r.Kind != device.Gateway {
		t.Fatalf("%s %s %q\n%s", r.Outcome, r.Detail, r.Names(), text(r))
	}
	if want := (device.CallManager{Name: "cm-a", Host: "192.0.2.1", MGCPPort: 2427}); len(r.CallManagers) != 1 || r.CallManagers[0] != want {
		t.Errorf("call control %+v, want %+v", r.CallManagers, want)
	}
}

// TestViaHTTP: with ViaHTTP every file comes over HTTP; with the HTTP
// port closed, the first request fails to connect and the boot goes on
// over TFTP.
func TestViaHTTP(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	c := device.Config{MAC: "0000DE000002", Model: "7970", Protocol: "SIP", Servers: []netip.AddrPort{s.tftp}, Via: device.ViaHTTP, HTTPPort: s.httpPort, Load: "OLD"}
	r := boot(t, c)
	if !r.OK() || !r.Upgraded {
		t.Fatalf("%s: %s\n%s", r.Outcome, r.Detail, text(r))
	}
	for _, st := range r.Steps {
		if st.Proto != "http" {
			t.Errorf("%s over %s", st.Name, st.Proto)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.HTTPPort = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	r = boot(t, c)
	if !r.OK() {
		t.Fatalf("%s: %s\n%s", r.Outcome, r.Detail, text(r))
	}
	if r.Steps[0].Proto != "http" || r.Steps[0].Outcome != device.Unreachable || r.Steps[1].Name != r.Steps[0].Name {
		t.Errorf("first steps %+v %+v: want HTTP unreachable, then the same file again", r.Steps[0], r.Steps[1])
	}
	for _, st := range r.Steps[1:] {
		if st.Proto != "tftp" {
			t.Errorf("%s over %s after the fallback", st.Name, st.Proto)
		}
	}
}

// TestViaHTTPNoAnswer: an HTTP port that takes the connection but never
// answers is no answer: after the device's timeout the request goes to
// TFTP, with the rest of the boot, and the device ends configured. An
// answer that is not HTTP is an answer: the request failed on that
// server, with no fallback.
func TestViaHTTPNoAnswer(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	for _, tc := range []struct {
		name  string
		serve func(net.Conn) // nil: connections are never accepted
		want  device.Outcome
	}{
		{"never accepted", nil, device.Unreachable},
		{"accepted, never answered", func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, c) // until the device gives up and closes
		}, device.Unreachable},
		{"headers, then silence", func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Read(make([]byte, 4096))
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<?xml")
			io.Copy(io.Discard, c) // and not a byte more, until the device gives up
		}, device.Unreachable},
		{"answered, not HTTP", func(c net.Conn) {
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Read(make([]byte, 4096))
			io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n\r\n")
		}, device.Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newTCPServer(t, "127.0.0.1:0", tc.serve)
			r := boot(t, device.Config{MAC: "0000DE000002", Model: "7970", Protocol: "SIP", Servers: []netip.AddrPort{s.tftp}, Via: device.ViaHTTP, HTTPPort: h.port})
			if got := r.Steps[0]; got.Proto != "http" || got.Outcome != tc.want {
				t.Fatalf("first step %+v: want %s over HTTP\n%s", got, tc.want, text(r))
			}
			if tc.want == device.Failed {
				// The trust lists are warnings; the configuration ends the
				// boot. Nothing goes to TFTP.
				if r.OK() || r.Cause != device.CauseServerError || slices.ContainsFunc(r.Steps, func(st device.Step) bool { return st.Proto != "http" }) {
					t.Errorf("%s %q: %s, want %q over HTTP alone\n%s", r.Outcome, r.Cause, r.Detail, device.CauseServerError, text(r))
				}
				return
			}
			if !r.OK() {
				t.Fatalf("%s: %s\n%s", r.Outcome, r.Detail, text(r))
			}
			if r.Steps[1].Name != r.Steps[0].Name {
				t.Errorf("second step %+v: want %s again", r.Steps[1], r.Steps[0].Name)
			}
			for _, st := range r.Steps[1:] {
				if st.Proto != "tftp" || st.Server != s.tftp.String() {
					t.Errorf("%s over %s to %s after the fallback", st.Name, st.Proto, st.Server)
				}
			}
		})
	}
}
