package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// Profile79xx renders ld<mac> (7905) or gk<mac> (7912) as the #txt source
// format of Cisco's cfgfmt tool (spec §6), with the dial rules of a 7905
// family plan in a DialPlan parameter, rules separated by "|". The phones
// read the binary cfgfmt output; whether they accept the text is not
// documented (spec §6) — see README.
func Profile79xx(c *domain.DeviceConfig) []byte { return appendProfile79xx(make([]byte, 0, 512), c) }

// appendProfile79xx appends the file Profile79xx renders to b.
func appendProfile79xx(b []byte, c *domain.DeviceConfig) []byte {
	start := len(b)
	t := &textw{b: b}
	t.b = append(t.b, "#txt\n"...)
	prefix := "ld"
	if c.Model.Name == "7912" {
		prefix = "gk"
	}
	t.comment(prefix + strings.ToLower(c.Device.MAC) + " built by cmtftp")
	kv := func(k, v string) { t.b = append(t.b, k+":"+strings.ReplaceAll(textValue(v), ":", " ")+"\n"...) }
	if len(c.Servers) > 0 {
		kv("Proxy", c.Servers[0].Host)
	}
	kv("SIPRegOn", "1")
	if c.SIPProfile != nil {
		kv("SIPRegInterval", itoa(c.SIPProfile.TimerRegisterExpires))
	}
	if len(c.Lines) > 0 {
		l := &c.Lines[0].Line
		kv("UID", l.Number)
		kv("PWD", l.AuthPassword)
		kv("DisplayName", l.DisplayName)
		kv("ShortName", firstOf(l.Label, l.Number))
		kv("VoiceMailNumber", l.VoicemailPilot)
	}
	if c.DialPlan != nil && c.DialPlan.Family == domain.DialFamily7905 {
		rules := make([]string, len(c.DialPlan.Rules))
		for i, r := range c.DialPlan.Rules {
			rules[i] = r.Pattern
		}
		kv("DialPlan", strings.Join(rules, "|"))
	}
	kv("ImageVersion", loadID(c))
	kv("CfgVersion", stampHolder)
	stamp(t.b[start:])
	return t.b
}
