package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// ATAXML renders ATA<MAC>.cnf.xml of an ATA 190/191 (docs/gateways.md):
// the phone-style SIP device of SEP<MAC>.cnf.xml for one port, named
// name (ATA<MAC> for port 0, ATA<shifted MAC> for port 1), whose
// sipLines hold the port's line.
func ATAXML(c *domain.GatewayConfig, e domain.EndpointConfig, name string) []byte {
	return appendATAXML(make([]byte, 0, 6144), c, e, name)
}

func appendATAXML(b []byte, c *domain.GatewayConfig, e domain.EndpointConfig, name string) []byte {
	return appendDeviceXML(b, ataDevice(c, e, name))
}

// ataDevice is the port e of the ATA c as the SIP phone DeviceXML renders.
func ataDevice(c *domain.GatewayConfig, e domain.EndpointConfig, name string) *domain.DeviceConfig {
	l := e.Line
	l.Label = portLabel(e)
	d := &domain.DeviceConfig{
		Device: domain.Device{Name: name, MAC: strings.TrimPrefix(name, domain.PrefixATA), Description: c.Gateway.Description,
			Model: c.Model.Name, Protocol: domain.ProtocolSIP, Load: gatewayLoad(c), NetworkLocale: portLocale(c, e),
			SecurityMode: domain.SecurityNonSecure},
		Model:   c.Model,
		Group:   c.Group,
		Servers: c.Servers,
		Lines:   []domain.ConfigLine{{Button: 1, Line: l}},
		Params:  c.Params,
	}
	if c.Pool != nil {
		d.Pool = *c.Pool
	}
	d.SIPProfile = defaultSIPProfile()
	return d
}

// ATAText renders ata<mac> of an ATA 186/188 (docs/gateways.md): the #txt
// source of Cisco's cfgfmt, Name:Value lines, the ports' lines by the
// gateway's protocol. Values a port without an endpoint, or a gateway
// with fewer servers, lacks are 0 (the adapter's "not set").
func ATAText(c *domain.GatewayConfig) []byte { return appendATAText(make([]byte, 0, 512), c) }

func appendATAText(b []byte, c *domain.GatewayConfig) []byte {
	start := len(b)
	t := &textw{b: append(b, "#txt\n"...)}
	t.comment(domain.ATATextName(c.Gateway.MAC) + " built by cmtftp (format: docs/gateways.md)")
	kv := func(k, v string) {
		t.b = append(t.b, k+":"+textValue(firstOf(v, "0"))+"\n"...) // a Name:Value line splits at its first ':'

	}
	kv("UIPassword", "0")
	kv("UseTftp", "1")
	kv("TftpURL", "0")
	kv("CfgInterval", "3600")
	kv("EncryptKey", "0")
	if load := gatewayLoad(c); load != "" {
		kv("upgradecode", "0,"+load)
	}
	kv("Dhcp", "1")
	ataPorts(c, kv)
	kv("RxCodec", "1")
	kv("TxCodec", "1")
	kv("CfgVersion", stampHolder)
	stamp(t.b[start:])
	return t.b
}

// ataPorts writes an ATA 186/188's call-control and port keys, by its
// protocol, through kv.
func ataPorts(c *domain.GatewayConfig, kv func(k, v string)) {
	server := func(i int) string {
		if i < len(c.Servers) {
			return c.Servers[i].Host
		}
		return ""
	}
	line := func(p int) *domain.Line {
		if e, ok := ataPort(c, p); ok {
			return &e.Line
		}
		return &domain.Line{}
	}
	switch gatewayProtocol(c) {
	case domain.ProtocolMGCP:
		kv("CA0orCM0", server(0))
		kv("CA0UID", c.Gateway.Name)
		for p, k := range []string{"EPID0orSID0", "EPID1orSID1"} {
			if _, ok := ataPort(c, p); ok {
				kv(k, "aaln/"+itoa(p))
			} else {
				kv(k, "")
			}
		}
	case domain.ProtocolSIP:
		kv("GkOrProxy", server(0))
		kv("AltGk", server(1))
		kv("SIPRegOn", "1")
		kv("UID0", line(0).Number)
		kv("UID1", line(1).Number)
		kv("PWD0", line(0).AuthPassword)
		kv("PWD1", line(1).AuthPassword)
		kv("LoginID0", line(0).AuthName)
		kv("LoginID1", line(1).AuthName)
	default: // SCCP
		kv("GkOrProxy", server(0))
		kv("AltGk", server(1))
		kv("UID0", line(0).Number)
		kv("UID1", line(1).Number)
	}
}
