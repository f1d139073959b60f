package render

import "cmtftp/internal/domain"

// DeviceXML renders SEP<MAC>.cnf.xml (spec §2) for an XML-capable phone,
// SCCP or SIP: the prioritized call-control list with its ports, the load
// ID, locales, enterprise URLs and, for SIP, the sipProfile with the lines
// and the dial-plan and softkey file names. With an extension-mobility
// login the lines and dial plan are the profile's (c carries them).
func DeviceXML(c *domain.DeviceConfig) []byte { return appendDeviceXML(make([]byte, 0, 6144), c) }

// appendDeviceXML appends the file DeviceXML renders to b.
func appendDeviceXML(b []byte, c *domain.DeviceConfig) []byte {
	start := len(b)
	w := &xmlw{b: b}
	sip := c.Device.Protocol == domain.ProtocolSIP
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.open("device")
	w.bool("fullConfig", true)
	w.el("deviceProtocol", c.Device.Protocol)
	w.el("sshUserId", "")
	w.el("sshPassword", "")
	w.int("ipAddressMode", 2)
	devicePool(w, c)
	if sip {
		sipProfile(w, c)
	}
	w.open("commonProfile")
	w.el("phonePassword", "")
	w.bool("backgroundImageAccess", true)
	w.int("callLogBlfEnabled", 2)
	w.close("commonProfile")
	w.el("loadInformation", loadID(c))
	w.open("vendorConfig")
	w.int("disableSpeaker", 0)
	w.int("pcPort", 0)
	w.int("settingsAccess", 1)
	w.int("webAccess", 1)
	w.close("vendorConfig")
	w.el("versionStamp", stampHolder)
	deviceLocales(w, c)
	w.el("deviceSecurityMode", securityMode(c.Device.SecurityMode))
	w.el("idleTimeout", c.Params[domain.ParamIdleTimeout])
	enterpriseURLs(w, c)
	deviceTransport(w, c, sip)
	w.close("device")
	stamp(w.b[start:])
	return w.b
}

// deviceLocales writes the user and network locales.
func deviceLocales(w *xmlw, c *domain.DeviceConfig) {
	ul := userLocale(c)
	w.open("userLocale")
	w.el("name", ul)
	w.int("uid", 1)
	w.el("langCode", langCode(ul))
	w.el("version", "1.0.0.0-1")
	w.el("winCharSet", winCharSet(ul))
	w.close("userLocale")
	w.el("networkLocale", networkLocale(c))
	w.open("networkLocaleInfo")
	w.el("name", networkLocale(c))
	w.int("uid", 64)
	w.el("version", "1.0.0.0-1")
	w.close("networkLocaleInfo")
}

// enterpriseURLs writes the enterprise URLs, the device's overrides first.
func enterpriseURLs(w *xmlw, c *domain.DeviceConfig) {
	u := c.Device.URLs
	w.el("authenticationURL", url(c, u.Authentication, "authenticationURL"))
	w.el("directoryURL", url(c, u.Directory, "directoryURL"))
	w.el("idleURL", url(c, u.Idle, "idleURL"))
	w.el("informationURL", url(c, u.Information, "informationURL"))
	w.el("messagesURL", url(c, u.Messages, "messagesURL"))
	w.el("proxyServerURL", url(c, u.ProxyServer, "proxyServerURL"))
	w.el("servicesURL", url(c, u.Services, "servicesURL"))
}

// deviceTransport writes the QoS marks, the transport of a SIP phone's
// signalling and the (unused) security settings.
func deviceTransport(w *xmlw, c *domain.DeviceConfig, sip bool) {
	w.int("dscpForSCCPPhoneConfig", 96)
	w.int("dscpForSCCPPhoneServices", 0)
	w.int("dscpForCm2Dvce", 96)
	if sip && c.SIPProfile != nil {
		w.el("transportLayerProtocol", transportCode(c.SIPProfile.Transport))
	} else {
		w.int("transportLayerProtocol", 1)
	}
	w.int("capfAuthMode", 0)
	w.open("capfList")
	w.open("capf")
	w.int("phonePort", 3804)
	w.close("capf")
	w.close("capfList")
	w.el("certHash", "")
	w.bool("encrConfig", false)
}

// transportCode is the transportLayerProtocol of a SIP profile's
// transport: 1 TCP, 2 UDP, 3 TLS; "" for none of those.
func transportCode(t string) string {
	switch t {
	case "tcp":
		return "1"
	case "udp":
		return "2"
	case "tls":
		return "3"
	}
	return ""
}

// devicePool writes the pool with its date/time settings, the call-control
// group in priority order with every port, and the SRST reference.
func devicePool(w *xmlw, c *domain.DeviceConfig) {
	p := &c.Pool
	w.open("devicePool")
	w.int("revertPriority", 0)
	w.el("name", p.Name)
	w.open("dateTimeSetting")
	w.el("name", p.Name)
	w.el("dateTemplate", p.DateTemplate)
	w.el("timeZone", p.TimeZone)
	if p.OlsonTimeZone != "" {
		w.el("olsonTimeZone", p.OlsonTimeZone)
	}
	w.close("dateTimeSetting")
	callManagerGroup(w, &c.Group, c.Servers)
	w.open("srstInfo")
	if p.SRST == "" {
		w.el("name", "Disable")
		w.el("srstOption", "Disable")
	} else {
		w.el("name", "SRST")
		w.el("srstOption", "User Specific")
		w.el("ipAddr1", p.SRST)
		w.int("port1", 2000)
		w.el("sipIpAddr1", p.SRST)
		w.int("sipPort1", 5060)
	}
	w.bool("isSecure", false)
	w.close("srstInfo")
	w.int("connectionMonitorDuration", 120)
	w.close("devicePool")
}

func callManagerGroup(w *xmlw, g *domain.Group, servers []domain.Server) {
	w.open("callManagerGroup")
	w.el("name", g.Name)
	w.bool("tftpDefault", g.TFTPDefault)
	w.open("members")
	for i, s := range servers {
		w.open("member", "priority", itoa(i))
		w.open("callManager")
		w.el("name", s.Name)
		w.el("description", s.Description)
		w.open("ports")
		w.int("ethernetPhonePort", s.SCCPPort)
		w.int("sipPort", s.SIPPort)
		w.int("securedSipPort", s.SIPTLSPort)
		w.open("mgcpPorts")
		w.int("listen", s.MGCPPort)
		w.int("keepAlive", s.MGCPKeepAlivePort)
		w.close("mgcpPorts")
		w.close("ports")
		w.el("processNodeName", s.Host)
		w.close("callManager")
		w.close("member")
	}
	w.close("members")
	w.close("callManagerGroup")
}
