package render

import (
	"cmtftp/internal/domain"
	"fmt"
)

// SIPCnf renders SIP<MAC>.cnf for a 7940/7960 running SIP (spec §5): the
// proxies from the call-control group, every line key up to the model's
// line count (unused ones UNPROVISIONED), the dial template name and the
// load.
func SIPCnf(c *domain.DeviceConfig) []byte { return appendSIPCnf(make([]byte, 0, 1024), c) }

// appendSIPCnf appends the file SIPCnf renders to b.
func appendSIPCnf(b []byte, c *domain.DeviceConfig) []byte {
	start := len(b)
	t := &textw{b: b}
	t.comment("SIP" + c.Device.MAC + ".cnf built by cmtftp")
	t.kv("image_version", loadID(c))
	sp := c.SIPProfile
	if sp == nil {
		sp = defaultSIPProfile()
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
	stamp(t.b[start:])
	return t.b
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

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
