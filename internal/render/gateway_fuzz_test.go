package render

import (
	"cmtftp/internal/domain"
	"strings"
	"testing"
)

// FuzzResolve: Resolve never panics, keeps the name as asked, gives a kind
// that exists, and a gateway name's key is the record the name carries.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"SKIGW1FCAC3DE10.cnf.xml", "AN0C86385E3D400.cnf.xml", "ATA00112233445501.cnf.xml",
		"ata001122334455", "SAA001122334455.cnf", "isr4321.demo.example.cnf.xml", "a..b.cnf.xml", "-x.cnf.xml",
		"SEP001122334455.cnf", "XMLDefault.cnf.xml", "sdadefault.cnf", "x/y.cnf", "AN0C86385E3D4\xff0.cnf.xml"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		tg, ok := Resolve(name)
		if !ok {
			return
		}
		if tg.Name != name || tg.Kind.String() == "" {
			t.Fatalf("Resolve(%q) = %+v", name, tg)
		}
		if again, _ := Resolve(name); again != tg {
			t.Fatalf("Resolve(%q) twice: %+v, %+v", name, tg, again)
		}
		n := strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/")
		switch tg.Kind {
		case SKIGWFile, ATAXMLFile:
			if !strings.EqualFold(tg.Key+".cnf.xml", n) || strings.ToUpper(tg.Key) != tg.Key {
				t.Fatalf("%q: key %q", name, tg.Key)
			}
		case PortFile:
			if len(n) != 23 || !strings.EqualFold("AN"+tg.Key[5:], n[:12]) || domain.GatewayNameShape(n[:15]) != domain.ShapeANPort {
				t.Fatalf("%q: key %q", name, tg.Key)
			}
		case ATATextFile:
			if !strings.EqualFold(tg.Key, n) {
				t.Fatalf("%q: key %q", name, tg.Key)
			}
		case MGCPFile:
			if !strings.EqualFold(tg.Key+".cnf.xml", n) || !strings.HasPrefix(n, tg.Key) || !hostName(tg.Key) || !domain.FileSafeName(strings.TrimSuffix(tg.Key, ".")) {
				t.Fatalf("%q: key %q is no host name", name, tg.Key)
			}
		case GatewayCnfFile:
			if !strings.EqualFold(tg.Key+".cnf", n) || !domain.FileSafeName(tg.Key) {
				t.Fatalf("%q: key %q", name, tg.Key)
			}
		}
	})
}

// TestResolveAllocs: resolving a gateway's name allocates at most the
// lower-case copy of the name Resolve matches on and the key.
func TestResolveAllocs(t *testing.T) {
	for _, name := range []string{"isr4321.demo.example.cnf.xml", "SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml",
		"ATA0000DE0000B1.cnf.xml", "ata0000de0000b1", "VMPORT1.cnf"} {
		if n := testing.AllocsPerRun(100, func() { Resolve(name) }); n > 2 {
			t.Errorf("Resolve(%q): %.0f allocations", name, n)
		}
	}
}

// FuzzGatewayFiles feeds random text into every field a gateway file
// shows (bypassing validation, as a hostile database row would) and checks
// that XML stays well-formed and text files keep one Name:Value or key:
// value per line.
func FuzzGatewayFiles(f *testing.F) {
	f.Add("Ada & <Bob>", "4001", "pool\"x", "a\x00b", "]]>")
	f.Add("\xff\xfe", "]]>", "<!--", "\r\n", "\u2028")
	x := gatewaySite(f, domain.BuildAll)
	f.Fuzz(func(t *testing.T, desc, label, locale, host, display string) {
		for _, gw := range x.Gateways() {
			c, err := x.GatewayConfig(gw)
			if err != nil {
				t.Fatal(err)
			}
			c.Gateway.Description = desc
			c.Gateway.VendorConfig = map[string]string{"DtmfRelay": label}
			c.Servers[0].Host, c.Servers[0].Name = host, display
			c.Group.Name = label
			for i := range c.Endpoints {
				c.Endpoints[i].Label, c.Endpoints[i].Locale = label, locale
				c.Endpoints[i].Line.DisplayName, c.Endpoints[i].Line.Number = display, label
				c.Endpoints[i].Line.AuthPassword = host
			}
			for _, name := range GatewayFiles(c) {
				tg, _ := Resolve(name)
				b, err := Render(tg, Records{Gateway: c})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkGatewayFile(t, name, b)
			}
		}
	})
}

// checkGatewayFile checks an XML file is well-formed and a text file has
// one key per line.
func checkGatewayFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if strings.HasSuffix(name, ".xml") {
		if err := wellFormed(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return
	}
	sep := ": "
	if strings.HasPrefix(name, "ata") {
		sep = ":"
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "#txt" || strings.HasPrefix(l, "# ") {
			continue
		}
		k, _, ok := strings.Cut(l, sep)
		if !ok || k == "" || strings.ContainsAny(k, " \"") {
			t.Fatalf("%s: broken line %q", name, l)
		}
	}
}
