package render

import (
	"cmtftp/internal/domain"
	"strings"
	"testing"
)

// FuzzBuilders feeds random text into every field a file shows and checks
// that XML stays well-formed and text files keep one key per line.
func FuzzBuilders(f *testing.F) {
	f.Add("Ada & <Bob>", "4001", "pool\"x", "a\x00b", "9,1...")
	f.Add("\xff\xfe", "]]>", "<!--", "\r\n", "\u2028")
	x := demo(f)
	f.Fuzz(func(t *testing.T, name, label, pool, host, pattern string) {
		for _, dev := range []string{"SEP0000DE000002", "SEP0000DE000003", "SEP0000DE000004", "SEP0000DE000007"} {
			c, err := x.DeviceConfig(dev)
			if err != nil {
				t.Fatal(err)
			}
			c.Lines[0].Line.DisplayName = name
			c.Lines[0].Line.Label = label
			c.Lines[0].Line.AuthPassword = pattern
			c.Pool.Name, c.Pool.TimeZone = pool, host
			c.Servers[0].Host = host
			c.Device.Description = name
			c.Params = domain.ParamValues{"servicesURL": pattern, "idleTimeout": label}
			if c.DialPlan != nil {
				c.DialPlan.Rules = []domain.DialRule{{Pattern: pattern, Rewrite: name, Tone: label}}
			}
			if err := wellFormed(DeviceXML(c)); err != nil {
				t.Fatalf("%s: %v", dev, err)
			}
			if c.DialPlan != nil {
				if err := wellFormed(DialPlan79x1(c.DialPlan)); err != nil {
					t.Fatalf("DR: %v", err)
				}
				if err := wellFormed(DialPlan7940(c.DialPlan)); err != nil {
					t.Fatalf("7940 plan: %v", err)
				}
			}
			for _, text := range [][]byte{SIPCnf(c), LegacyCnf(c), Profile79xx(c)} {
				for _, l := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
					if l == "#txt" || strings.HasPrefix(l, "# ") {
						continue
					}
					k, _, ok := strings.Cut(l, ":")
					if !ok || k == "" || strings.ContainsAny(k, " \"") {
						t.Fatalf("broken line %q", l)
					}
				}
			}
		}
	})
}
