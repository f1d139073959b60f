package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// seedGatewayFiles adds the hand-written gateway files of testdata whose
// names pass keep.
func seedGatewayFiles(f *testing.F, keep func(name string) bool) {
	dir := filepath.Join("testdata", "gateway")
	es, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range es {
		if keep(e.Name()) {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			f.Add(b)
		}
	}
}

// FuzzGatewayXML: the gateway XML reader (SKIGW, AN, MGCP, ATA 190 files)
// never panics; what it accepts has named ports and endpoints, and the
// IOS derivations of it either fail or give lines.
func FuzzGatewayXML(f *testing.F) {
	seedGatewayFiles(f, func(n string) bool { return strings.HasSuffix(n, ".xml") })
	seedGolden(f, ".cnf.xml")
	f.Add([]byte("<gateway><endpoints><endpoint><name>a</name><port>0/1/0</port></endpoint></endpoints></gateway>"))
	f.Add([]byte("<device><units><unit><subunits><subunit><ports><port><index>1</index></port></ports></subunit></subunits></unit></units></device>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, root := range []string{"device", "gateway"} {
			g, err := parseGatewayXML(b, root)
			if err != nil {
				continue
			}
			for _, p := range g.ports {
				if p.name == "" {
					t.Fatalf("port %+v", p)
				}
			}
			for _, e := range g.endpoints {
				if e.name == "" || e.port == "" {
					t.Fatalf("endpoint %+v", e)
				}
			}
			if lines, _, err := mgcpIOS(g); err == nil && len(lines) < 2 {
				t.Fatalf("MGCP IOS %q", lines)
			}
			sccpIOS(g.callManagers, nil)
		}
	})
}

// FuzzATAText: the ATA 186/188 profile reader never panics, for any
// protocol; its ports are the adapter's two at most.
func FuzzATAText(f *testing.F) {
	seedGatewayFiles(f, func(n string) bool { return strings.HasPrefix(n, "ata") })
	f.Add([]byte("#txt\nCA0orCM0:h\nEPID0orSID0:aaln/0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range []string{domain.ProtocolSIP, domain.ProtocolSCCP, domain.ProtocolMGCP} {
			a, err := parseATAText(b, p)
			if err == nil && len(a.ports) > 2 {
				t.Fatalf("%d ports", len(a.ports))
			}
		}
	})
}

// FuzzCnfGateway: the gateway .cnf reader (SAA, SDA, Analog Access, Voice
// Mail Port) never panics; every port it accepts has a number.
func FuzzCnfGateway(f *testing.F) {
	seedGatewayFiles(f, func(n string) bool { return strings.HasSuffix(n, ".cnf") })
	seedGolden(f, ".cnf")
	f.Add([]byte("port1: 4001 \"A\"\nport2: 4002\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := parseCnfGateway(b, domain.ProtocolMGCP)
		if err != nil {
			return
		}
		for _, p := range g.ports {
			if p.Line == "" || p.Port == "" {
				t.Fatalf("port %+v", p)
			}
		}
	})
}
