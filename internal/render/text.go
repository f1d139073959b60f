package render

import (
	"cmtftp/internal/domain"
	"fmt"
	"strings"
)

// textw writes a "key: value" text file; values are made safe for one
// line and quoted when they hold spaces or are empty.
type textw struct{ b []byte }

func (t *textw) comment(s string) { t.b = append(t.b, "# "+textValue(s)+"\n"...) }

func (t *textw) kv(key, value string) {
	v := textValue(value)
	t.b = append(t.b, key...)
	t.b = append(t.b, ": "...)
	if v == "" || strings.ContainsAny(v, " \t;#") {
		t.b = append(t.b, '"')
		t.b = append(t.b, v...)
		t.b = append(t.b, '"')
	} else {
		t.b = append(t.b, v...)
	}
	t.b = append(t.b, '\n')
}

// LegacyCnf renders SEP<MAC>.cnf for phones whose loads do not read XML
// (and for every device under Build All). No public sample of this format
// is known (spec §4, §15), so cmtftp writes a documented key: value text
// of the same data the chapter names: the prioritized call-control list
// with its TCP ports, the load ID and the locales.
func LegacyCnf(c *domain.DeviceConfig) []byte {
	t := &textw{b: make([]byte, 0, 512)}
	t.comment(c.Device.Name + ".cnf: legacy device configuration built by cmtftp (format: README, Legacy .cnf)")
	t.kv("device", c.Device.Name)
	t.kv("model", fmt.Sprintf("%s %d", c.Model.Name, c.Model.TypeID))
	t.kv("protocol", c.Device.Protocol)
	legacyServers(t, c.Servers)
	t.kv("loadInformation", loadID(c))
	t.kv("userLocale", userLocale(c))
	t.kv("networkLocale", networkLocale(c))
	t.kv("versionStamp", stampHolder)
	return stamp(t.b)
}

func legacyServers(t *textw, servers []domain.Server) {
	for i, s := range servers {
		t.kv(fmt.Sprintf("callManager%d", i+1), fmt.Sprintf("%s %d", s.Host, s.SCCPPort))
	}
}

// SEPDefaultCnf renders SEPDefault.cnf: the default group's call-control
// list for .cnf phones that are not in the database.
func SEPDefaultCnf(d *DefaultConfig) []byte {
	t := &textw{b: make([]byte, 0, 256)}
	t.comment("SEPDefault.cnf: default legacy configuration built by cmtftp")
	legacyServers(t, d.Servers)
	t.kv("versionStamp", stampHolder)
	return stamp(t.b)
}

// sipProxyKeys are the settings SIPDefault.cnf and SIP<MAC>.cnf share.
func sipProxyKeys(t *textw, servers []domain.Server, sp *domain.SIPProfile) {
	if len(servers) > 0 {
		t.kv("proxy1_address", servers[0].Host)
		t.kv("proxy1_port", itoa(servers[0].SIPPort))
	}
	if len(servers) > 1 {
		t.kv("proxy_backup", servers[1].Host)
		t.kv("proxy_backup_port", itoa(servers[1].SIPPort))
	}
	if len(servers) > 2 {
		t.kv("proxy_emergency", servers[2].Host)
		t.kv("proxy_emergency_port", itoa(servers[2].SIPPort))
	}
	if sp != nil {
		t.kv("proxy_register", "1") // a 7940/7960 only gets calls once registered
		t.kv("timer_register_expires", itoa(sp.TimerRegisterExpires))
		t.kv("dtmf_avt_payload", itoa(sp.DTMFAvtPayload))
		t.kv("voip_control_port", itoa(sp.VoIPControlPort))
		t.kv("start_media_port", itoa(sp.StartMediaPort))
		t.kv("end_media_port", itoa(sp.StopMediaPort))
		t.kv("nat_enable", b01(sp.NATEnabled))
		if sp.NATAddress != "" {
			t.kv("nat_address", sp.NATAddress)
		}
	}
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// codec7940 maps a SIP profile's codec to the 7940/7960 names.
func codec7940(c string) string {
	switch c {
	case "g711alaw":
		return "g711alaw"
	case "g729a":
		return "g729a"
	}
	return "g711ulaw"
}

// SIPCnf renders SIP<MAC>.cnf for a 7940/7960 running SIP (spec §5): the
// proxies from the call-control group, every line key up to the model's
// line count (unused ones UNPROVISIONED), the dial template name and the
// load.
func SIPCnf(c *domain.DeviceConfig) []byte {
	t := &textw{b: make([]byte, 0, 1024)}
	t.comment("SIP" + c.Device.MAC + ".cnf built by cmtftp")
	t.kv("image_version", loadID(c))
	sp := c.SIPProfile
	if sp == nil {
		sp = &domain.SIPProfile{}
		domain.Normalize(sp)
	}
	sipProxyKeys(t, c.Servers, sp)
	t.kv("preferred_codec", codec7940(sp.PreferredCodec))
	t.kv("phone_label", firstOf(sp.PhoneLabel, c.Device.Description))
	for n := 1; n <= max(c.Model.MaxLines, len(c.Lines)); n++ {
		p := fmt.Sprintf("line%d_", n)
		if n <= len(c.Lines) {
			l := &c.Lines[n-1].Line
			t.kv(p+"name", l.Number)
			t.kv(p+"authname", firstOf(l.AuthName, l.Number))
			t.kv(p+"password", firstOf(l.AuthPassword, "UNPROVISIONED"))
			t.kv(p+"shortname", firstOf(l.Label, l.Number))
			t.kv(p+"displayname", l.DisplayName)
			continue
		}
		t.kv(p+"name", "")
		t.kv(p+"authname", "UNPROVISIONED")
		t.kv(p+"password", "UNPROVISIONED")
	}
	if len(c.Lines) > 0 && c.Lines[0].Line.VoicemailPilot != "" {
		t.kv("messages_uri", c.Lines[0].Line.VoicemailPilot)
	}
	if c.DialPlan != nil && c.DialPlan.Family == domain.DialFamily7940 {
		t.kv("dial_template", c.DialPlan.Name)
	}
	t.kv("date_format", c.Pool.DateTemplate)
	t.kv("services_url", url(c, c.Device.URLs.Services, "servicesURL"))
	t.kv("directory_url", url(c, c.Device.URLs.Directory, "directoryURL"))
	t.comment("version " + stampHolder)
	return stamp(t.b)
}

// SIPDefaultCnf renders SIPDefault.cnf: the default group's proxies for
// 7940/7960 SIP phones; per-phone keys in SIP<MAC>.cnf override these.
func SIPDefaultCnf(d *DefaultConfig) []byte {
	t := &textw{b: make([]byte, 0, 512)}
	t.comment("SIPDefault.cnf built by cmtftp")
	sp := &domain.SIPProfile{}
	domain.Normalize(sp)
	sipProxyKeys(t, d.Servers, sp)
	t.kv("services_url", d.Params["servicesURL"])
	t.kv("directory_url", d.Params["directoryURL"])
	t.comment("version " + stampHolder)
	return stamp(t.b)
}

// Profile79xx renders ld<mac> (7905) or gk<mac> (7912) as the #txt source
// format of Cisco's cfgfmt tool (spec §6), with the dial rules of a 7905
// family plan in a DialPlan parameter, rules separated by "|". The phones
// read the binary cfgfmt output; whether they accept the text is not
// documented (spec §6) — see README.
func Profile79xx(c *domain.DeviceConfig) []byte {
	t := &textw{b: make([]byte, 0, 512)}
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
	return stamp(t.b)
}
