package device_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// quickRetries is the device's resends in these tests.
const quickRetries = 2

// quick are a device's timers in these tests: small, so a silent server
// costs 900 ms, not a phone's seconds.
func quick(c device.Config) device.Config {
	c.Timeout, c.Retries, c.BusyWait = 300*time.Millisecond, quickRetries, 50*time.Millisecond
	return c
}

func boot(t *testing.T, c device.Config) *device.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := device.Boot(ctx, quick(c))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// demoFamilies are the demo devices and what each family asks for, in
// order, when it runs the load its configuration names.
var demoFamilies = []struct {
	mac, model, protocol string
	names                []string
	load                 string
	archives             []string
}{
	{"0000DE000001", "7961", "SCCP", []string{"CTLFile.tlv", "ITLFile.tlv", "SEP0000DE000001.cnf.xml",
		"English_United_States/mk-sccp.jar", "United_States/g3-tones.xml", "RingList.xml"},
		"SCCP41.9-4-2SR3-1S", []string{"jar41sccp.9-4-2SR3-1S.sbn", "cnu41.9-4-2SR3-1S.sbn"}},
	{"0000DE000002", "7970", "SIP", []string{"CTLFile.tlv", "ITLFile.tlv", "SEP0000DE000002.cnf.xml",
		"English_United_States/td-sip.jar", "United_States/g3-tones.xml", "DRdemo-79x1.xml", "SKStandard-User.xml", "RingList.xml"},
		"SIP70.9-4-2SR3-1S", []string{"jar70sip.9-4-2SR3-1S.sbn", "cnu70.9-4-2SR3-1S.sbn"}},
	{"0000DE000003", "7940", "SIP", []string{"SIPDefault.cnf", "SIP0000DE000003.cnf", "RINGLIST.DAT", "demo-7940.xml"},
		"P0S3-08-12-00", []string{"P0S3-08-12-00.sb2"}},
	{"0000DE000004", "7905", "SIP", []string{"ld0000de000004"}, "CP7905080003SIP070409A", []string{"CP7905080003SIP070409A.sbin"}},
	{"0000DE000005", "7912", "SIP", []string{"gk0000de000005"}, "CP7912080003SIP070409A", []string{"CP7912080003SIP070409A.sbin"}},
	{"0000DE000006", "8841", "SIP", []string{"CTLSEP0000DE000006.tlv", "ITLSEP0000DE000006.tlv", "SEP0000DE000006.cnf.xml",
		"English_United_States/sl-be-sip.jar", "United_States/g3-tones.xml", "DRdemo-79x1.xml", "SKStandard-User.xml", "RingList.xml"},
		"sip88xx.14-2-1-0001-50", []string{"kern88xx.14-2-1-0001-50.sbn", "rootfs88xx.14-2-1-0001-50.sbn"}},
	{"0000DE000007", "12SP+", "SCCP", []string{"SEP0000DE000007.cnf"}, "", nil},
}

// TestDemoFamilies boots every demo device against a real server: each
// ends configured with exactly its family's files, every one found but the
// trust lists of a non-secure cluster; the call-control list is the demo
// group's. Running an older load, each fetches its configured load: the
// .loads file and the archives it names.
func TestDemoFamilies(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	for _, f := range demoFamilies {
		t.Run(f.model+"-"+f.protocol, func(t *testing.T) {
			c := device.Config{MAC: f.mac, Model: f.model, Protocol: f.protocol, Servers: []netip.AddrPort{s.tftp}}
			r := boot(t, c)
			if !r.OK() {
				t.Fatalf("not configured: %s: %s\n%s", r.Cause, r.Detail, text(r))
			}
			if got := r.Names(); !slices.Equal(got, f.names) {
				t.Errorf("asked for %q, want %q", got, f.names)
			}
			for _, st := range r.Steps {
				if st.Outcome != device.Found && !(st.Outcome == device.NotFound && strings.HasSuffix(st.Name, ".tlv")) {
					t.Errorf("%s: %s %s", st.Name, st.Outcome, st.Note)
				}
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings: %q", r.Warnings)
			}
			if r.LoadID != f.load || r.Upgraded {
				t.Errorf("load %q (upgraded %v), want %q running", r.LoadID, r.Upgraded, f.load)
			}
			// The demo group is 127.0.0.1 then ::1; a 7905/7912 profile
			// has room for one proxy.
			hosts := []string{"127.0.0.1", "::1"}
			if f.names[0][:2] == "ld" || f.names[0][:2] == "gk" {
				hosts = hosts[:1]
			}
			var got []string
			for _, cm := range r.CallManagers {
				got = append(got, cm.Host)
			}
			if !slices.Equal(got, hosts) {
				t.Errorf("call control %+v, want %q", r.CallManagers, hosts)
			}
			c.Load = "OLD-LOAD"
			up := boot(t, c)
			if !up.OK() || (f.load != "") != up.Upgraded || !slices.Equal(up.Archives, f.archives) {
				t.Fatalf("from an old load: %s %s, upgraded %v with %q, want %q\n%s", up.Outcome, up.Detail, up.Upgraded, up.Archives, f.archives, text(up))
			}
			if f.load != "" && f.archives[0] != f.load+".sbin" && !slices.Contains(up.Names(), f.load+".loads") {
				t.Errorf("from an old load: no %s.loads in %q", f.load, up.Names())
			}
		})
	}
}

func text(r *device.Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

// TestCallManagerPorts: the ports of the call-control list are the
// configuration's.
func TestCallManagerPorts(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	r := boot(t, device.Config{MAC: "0000DE000002", Model: "7970", Protocol: "SIP", Servers: []netip.AddrPort{s.tftp}})
	want := device.CallManager{Name: "cm-a", Host: "127.0.0.1", SCCPPort: 2000, SIPPort: 5060, SIPSPort: 5061, MGCPPort: 2427}
	if len(r.CallManagers) == 0 || r.CallManagers[0] != want {
		t.Fatalf("call control %+v, want first %+v", r.CallManagers, want)
	}
	if r.DialTemplate != "DRdemo-79x1.xml" || r.SoftkeyFile != "SKStandard-User.xml" || r.UserLocale != "English_United_States" || r.NetworkLocale != "United_States" {
		t.Errorf("names: %q %q %q %q", r.DialTemplate, r.SoftkeyFile, r.UserLocale, r.NetworkLocale)
	}
}

// TestBadConfig: what cannot be played is an error naming what is wrong,
// not a report; a negative number is such an error, never a default.
func TestBadConfig(t *testing.T) {
	srv := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:69")}
	phone := func(f func(*device.Config)) device.Config {
		c := device.Config{MAC: "0011AABBCC01", Model: "7961", Servers: srv}
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		c    device.Config
		want string
	}{
		{"no server", device.Config{MAC: "0011AABBCC01", Model: "7961"}, "no TFTP server"},
		{"bad MAC", phone(func(c *device.Config) { c.MAC = "0011AABBCC0" }), "0011AABBCC0"},
		{"unknown model", phone(func(c *device.Config) { c.Model = "7999" }), "7999"},
		{"wrong protocol", phone(func(c *device.Config) { c.Model, c.Protocol = "12SP+", "SIP" }), "does not run"},
		{"gateway, no name", device.Config{Kind: device.Gateway, Servers: srv}, "gateway hostname"},
		{"bad via", phone(func(c *device.Config) { c.Via = "ftp" }), "via"},
		{"negative retries", phone(func(c *device.Config) { c.Retries = -1 }), "retries -1"},
		{"negative busy retries", phone(func(c *device.Config) { c.MaxBusyRetries = -1 }), "busy retries -1"},
		{"negative timeout", phone(func(c *device.Config) { c.Timeout = -time.Second }), "timeout -1s"},
		{"negative busy wait", phone(func(c *device.Config) { c.BusyWait = -time.Millisecond }), "busy wait -1ms"},
		{"negative HTTP port", phone(func(c *device.Config) { c.HTTPPort = -1 }), "HTTP port -1"},
		{"HTTP port past 65535", phone(func(c *device.Config) { c.HTTPPort = 65536 }), "HTTP port 65536"},
		{"block size below 8", phone(func(c *device.Config) { c.BlockSize = 7 }), "block size 7"},
		{"block size past 65464", phone(func(c *device.Config) { c.BlockSize = 65465 }), "block size 65465"},
		{"block size -2", phone(func(c *device.Config) { c.BlockSize = -2 }), "block size -2"},
		{"local address of another family", phone(func(c *device.Config) { c.LocalAddr = netip.MustParseAddr("::1") }), "address family"},
	} {
		_, err := device.Boot(context.Background(), tc.c)
		if !errors.Is(err, device.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrConfig saying %q", tc.name, err, tc.want)
		}
	}
}
