package render

import "cmtftp/internal/domain"

// DeviceXML renders SEP<MAC>.cnf.xml (spec §2) for an XML-capable phone,
// SCCP or SIP: the prioritized call-control list with its ports, the load
// ID, locales, enterprise URLs and, for SIP, the sipProfile with the lines
// and the dial-plan and softkey file names. With an extension-mobility
// login the lines and dial plan are the profile's (the store resolves that).
func DeviceXML(c *domain.DeviceConfig) []byte {
	w := &xmlw{b: make([]byte, 0, 6144)}
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
	w.el("deviceSecurityMode", securityMode(c.Device.SecurityMode))
	w.el("idleTimeout", c.Params[domain.ParamIdleTimeout])
	u := c.Device.URLs
	w.el("authenticationURL", url(c, u.Authentication, "authenticationURL"))
	w.el("directoryURL", url(c, u.Directory, "directoryURL"))
	w.el("idleURL", url(c, u.Idle, "idleURL"))
	w.el("informationURL", url(c, u.Information, "informationURL"))
	w.el("messagesURL", url(c, u.Messages, "messagesURL"))
	w.el("proxyServerURL", url(c, u.ProxyServer, "proxyServerURL"))
	w.el("servicesURL", url(c, u.Services, "servicesURL"))
	w.int("dscpForSCCPPhoneConfig", 96)
	w.int("dscpForSCCPPhoneServices", 0)
	w.int("dscpForCm2Dvce", 96)
	if sip && c.SIPProfile != nil {
		w.el("transportLayerProtocol", map[string]string{"tcp": "1", "udp": "2", "tls": "3"}[c.SIPProfile.Transport])
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
	w.close("device")
	return stamp(w.b)
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

// sipProfile writes the SIP settings, the lines and the file names of the
// dial plan and the softkey template.
func sipProfile(w *xmlw, c *domain.DeviceConfig) {
	sp := c.SIPProfile
	if sp == nil {
		sp = &domain.SIPProfile{}
		domain.Normalize(sp) // the defaults
	}
	w.open("sipProfile")
	w.open("sipProxies")
	w.el("backupProxy", "USECALLMANAGER")
	w.int("backupProxyPort", 5060)
	w.el("emergencyProxy", "USECALLMANAGER")
	w.int("emergencyProxyPort", 5060)
	w.el("outboundProxy", "USECALLMANAGER")
	w.int("outboundProxyPort", 5060)
	w.bool("registerWithProxy", sp.RegisterWithProxy)
	w.close("sipProxies")
	w.open("sipCallFeatures")
	w.bool("cnfJoinEnabled", true)
	w.el("callForwardURI", "x-cisco-serviceuri-cfwdall")
	w.el("callPickupURI", "x-cisco-serviceuri-pickup")
	w.el("callPickupListURI", "x-cisco-serviceuri-opickup")
	w.el("callPickupGroupURI", "x-cisco-serviceuri-gpickup")
	w.el("meetMeServiceURI", "x-cisco-serviceuri-meetme")
	w.el("abbreviatedDialURI", "x-cisco-serviceuri-abbrdial")
	w.bool("rfc2543Hold", false)
	w.int("callHoldRingback", 2)
	w.bool("localCfwdEnable", true)
	w.bool("semiAttendedTransfer", true)
	w.int("anonymousCallBlock", 2)
	w.int("callerIdBlocking", 2)
	w.int("dndControl", 0)
	w.bool("remoteCcEnable", true)
	w.close("sipCallFeatures")
	w.open("sipStack")
	w.int("sipInviteRetx", 6)
	w.int("sipRetx", 10)
	w.int("timerInviteExpires", 180)
	w.int("timerRegisterExpires", sp.TimerRegisterExpires)
	w.int("timerRegisterDelta", 5)
	w.int("timerKeepAliveExpires", 120)
	w.int("timerSubscribeExpires", 120)
	w.int("timerSubscribeDelta", 5)
	w.int("timerT1", 500)
	w.int("timerT2", 4000)
	w.int("maxRedirects", 70)
	w.bool("remotePartyID", true)
	w.el("userInfo", "None")
	w.close("sipStack")
	w.int("autoAnswerTimer", 1)
	w.bool("autoAnswerAltBehavior", false)
	w.bool("autoAnswerOverride", true)
	w.bool("transferOnhookEnabled", false)
	w.bool("enableVad", false)
	w.el("preferredCodec", sp.PreferredCodec)
	w.int("dtmfAvtPayload", sp.DTMFAvtPayload)
	w.int("dtmfDbLevel", 3)
	w.el("dtmfOutofBand", "avt")
	w.bool("alwaysUsePrimeLine", false)
	w.bool("alwaysUsePrimeLineVoiceMail", false)
	w.int("kpml", 3)
	w.el("phoneLabel", sp.PhoneLabel)
	w.int("stutterMsgWaiting", 2)
	w.bool("callStats", false)
	w.int("silentPeriodBetweenCallWaitingBursts", 10)
	w.bool("disableLocalSpeedDialConfig", false)
	w.int("startMediaPort", sp.StartMediaPort)
	w.int("stopMediaPort", sp.StopMediaPort)
	w.bool("natEnabled", sp.NATEnabled)
	w.el("natAddress", sp.NATAddress)
	w.open("sipLines")
	for i, cl := range c.Lines {
		l := &cl.Line
		w.open("line", "button", itoa(cl.Button), "lineIndex", itoa(i+1))
		w.int("featureID", 9)
		w.el("featureLabel", firstOf(l.Label, l.DisplayName, l.Number))
		w.el("proxy", "USECALLMANAGER")
		w.int("port", 5060)
		w.el("name", l.Number)
		w.el("displayName", l.DisplayName)
		w.open("autoAnswer")
		w.int("autoAnswerEnabled", 2)
		w.close("autoAnswer")
		w.int("callWaiting", 3)
		w.el("authName", l.AuthName)
		w.el("authPassword", l.AuthPassword)
		w.bool("sharedLine", false)
		w.int("messageWaitingLampPolicy", l.MWIPolicy)
		w.el("messagesNumber", l.VoicemailPilot)
		w.int("ringSettingIdle", 4)
		w.int("ringSettingActive", 5)
		w.el("contact", l.Number)
		w.open("forwardCallInfoDisplay")
		w.bool("callerName", true)
		w.bool("callerNumber", false)
		w.bool("redirectedNumber", false)
		w.bool("dialedNumber", true)
		w.close("forwardCallInfoDisplay")
		w.int("maxNumCalls", l.MaxCalls)
		w.int("busyTrigger", l.MaxCalls)
		w.close("line")
	}
	w.close("sipLines")
	w.int("voipControlPort", sp.VoIPControlPort)
	w.int("dscpForAudio", 184)
	w.int("ringSettingBusyStationPolicy", 0)
	dial, sk := "", ""
	if c.DialPlan != nil {
		dial = DialPlanFile(c.DialPlan)
	}
	if c.Softkey != nil {
		sk = SoftkeyFile(c.Softkey)
	}
	w.el("dialTemplate", dial)
	w.el("softKeyFile", sk)
	w.close("sipProfile")
}
