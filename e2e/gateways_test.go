package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cmtftp/internal/device"
)

// gatewaysSite adds what the demo lacks: an ATA 186 (SIP, two ports) and
// a WS-X6624 (MGCP, one port), with their lines.
const gatewaysSite = `lines:
  - {number: "4501", displayName: Lobby Left, label: Left}
  - {number: "4502", displayName: Lobby Right, label: Right}
  - {number: "4551", displayName: Lab Phone, label: Lab}
gateways:
  - name: ATA0000DE0000C1
    mac: 0000DE0000C1
    description: ATA 186 in the lobby
    model: ATA186
    protocol: SIP
    group: Demo-Group
    pool: Demo-Pool
    endpoints: [{unit: 0, subunit: 0, port: 0, line: "4501"}, {unit: 0, subunit: 0, port: 1, line: "4502"}]
  - name: SAA0000DE0000D1
    mac: 0000DE0000D1
    description: WS-X6624 in the lab
    model: WS-X6624
    protocol: MGCP
    group: Demo-Group
    endpoints: [{unit: 0, subunit: 0, port: 0, line: "4551"}]
`

// gatewayBoot is one gateway the emulator boots against serve --demo.
type gatewayBoot struct {
	name     string
	args     []string
	device   string
	names    []string // the files asked for, in order
	lines    []string // the ports' lines ("-" a port not configured)
	ios      []string // IOS lines that must be there
	fallback bool     // configured from a default file
}

// TestGatewaysDemo boots one gateway of each family with "cmtftp
// simulate --device gateway" against "cmtftp serve --demo" (the ATA 186
// and the WS-X6624 added through the admin API): each asks for its
// family's files in order, ends configured and reports its ports' lines;
// the IOS gateways print their IOS configuration; a WS-X6624 the database
// does not hold falls back to SAADefault.cnf. A real TFTP client
// (tftp-hpa) gets a port file too.
func TestGatewaysDemo(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(freePort(t))
	admin := freeTCP(t)
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin)
	site := filepath.Join(t.TempDir(), "gateways.yaml")
	if err := os.WriteFile(site, []byte(gatewaysSite), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, admin, "apply", "-f", site); !strings.Contains(out, "created") {
		t.Fatalf("apply: %s", out)
	}
	server := "127.0.0.1:" + port
	for _, g := range gatewayBoots() {
		t.Run(g.name, func(t *testing.T) {
			var r device.Report
			args := append([]string{"--device", "gateway", "--tftp", server}, g.args...)
			if code := simulate(t, &r, args...); code != 0 || r.Outcome != device.Configured {
				t.Fatalf("exit %d, %s: %s: %s; asked for %q", code, r.Outcome, r.Cause, r.Detail, r.Names())
			}
			checkGatewayBoot(t, g, &r)
		})
	}
	t.Run("tftp-hpa", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "an.xml")
		b, err := exec.Command(needTool(t, "tftp"), "-m", "binary", "127.0.0.1", port, "-c", "get", "AN00DE0000A1201.cnf.xml", out).CombinedOutput()
		got, rerr := os.ReadFile(out)
		if err != nil || rerr != nil || !strings.Contains(string(got), "<name>4202</name>") || !strings.Contains(string(got), "<port>2/1</port>") {
			t.Fatalf("tftp-hpa: %v %v %s\n%s", err, rerr, b, got)
		}
	})
}

// gatewayBoots are the demo's gateways and the two added, one of each
// family, and a WS-X6624 the database does not hold.
func gatewayBoots() []gatewayBoot {
	return []gatewayBoot{
		{"VG224 SCCP", []string{"--model", "VG224", "--mac", "0000DE0000A1"}, "SKIGW00DE0000A1",
			[]string{"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml", "AN00DE0000A1201.cnf.xml", "AN00DE0000A1202.cnf.xml"},
			[]string{"4201", "4202", "4203"},
			[]string{"sccp ccm group 1", "stcapp ccm-group 1", "dial-peer voice 999200 pots", " service stcapp", " port 2/2"}, false},
		{"ATA 190", []string{"--model", "ATA190", "--mac", "0000DE0000B1"}, "ATA0000DE0000B1",
			[]string{"ATA0000DE0000B1.cnf.xml", "ATA00DE0000B101.cnf.xml"}, []string{"4301", "4302"}, nil, false},
		{"MGCP ISR", []string{"--model", "ISR4321", "--hostname", "isr4321.demo.example"}, "isr4321.demo.example",
			[]string{"isr4321.demo.example.cnf.xml"}, []string{"4401", "4402"},
			[]string{"mgcp", "ccm-manager mgcp", "mgcp dtmf-relay voip codec all mode nte-ca", "no mgcp fax t38 inhibit",
				"dial-peer voice 9990100 pots", " application mgcpapp", " port 0/1/1"}, false},
		{"ATA 186", []string{"--model", "ATA186", "--protocol", "sip", "--mac", "0000DE0000C1"}, "ATA0000DE0000C1",
			[]string{"ata0000de0000c1"}, []string{"4501", "4502"}, nil, false},
		{"WS-X6624", []string{"--model", "WS-X6624", "--mac", "0000DE0000D1"}, "SAA0000DE0000D1",
			[]string{"SAA0000DE0000D1.cnf"}, []string{"4551"}, nil, false},
		{"WS-X6624 not in the database", []string{"--model", "WS-X6624", "--mac", "0000DE0000D9"}, "SAA0000DE0000D9",
			[]string{"SAA0000DE0000D9.cnf", "SAADefault.cnf"}, nil, nil, true},
	}
}

// checkGatewayBoot compares a boot's report with what g expects.
func checkGatewayBoot(t *testing.T, g gatewayBoot, r *device.Report) {
	t.Helper()
	if r.Device != g.device || r.FromDefault != g.fallback || len(r.CallManagers) == 0 {
		t.Errorf("device %q, from default %v, call control %+v", r.Device, r.FromDefault, r.CallManagers)
	}
	if got := r.Names(); !slices.Equal(got, g.names) {
		t.Errorf("asked for %q, want %q", got, g.names)
	}
	var lines []string
	for _, p := range r.Ports {
		l := p.Line
		if !p.Configured {
			l = "-"
		}
		lines = append(lines, l)
	}
	if !slices.Equal(lines, g.lines) {
		t.Errorf("port lines %q, want %q (%+v)", lines, g.lines, r.Ports)
	}
	for _, l := range g.ios {
		if !slices.Contains(r.IOS, l) {
			t.Errorf("IOS lacks %q:\n%s", l, strings.Join(r.IOS, "\n"))
		}
	}
}
