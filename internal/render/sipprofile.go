package render

import "cmtftp/internal/domain"

// sipProfile writes the sipProfile element of a SIP phone's
// SEP<MAC>.cnf.xml: the SIP settings, the lines and the file names of the
// dial plan and the softkey template.
func sipProfile(w *xmlw, c *domain.DeviceConfig) {
	sp := c.SIPProfile
	if sp == nil {
		sp = defaultSIPProfile()
	}
	w.open("sipProfile")
	sipProxies(w, sp)
	sipCallFeatures(w)
	sipStack(w, sp)
	sipMedia(w, sp)
	w.open("sipLines")
	for i := range c.Lines {
		sipLine(w, i, &c.Lines[i])
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

// sipProxies writes the proxies: all of them the call-control servers.
func sipProxies(w *xmlw, sp *domain.SIPProfile) {
	w.open("sipProxies")
	w.el("backupProxy", "USECALLMANAGER")
	w.int("backupProxyPort", 5060)
	w.el("emergencyProxy", "USECALLMANAGER")
	w.int("emergencyProxyPort", 5060)
	w.el("outboundProxy", "USECALLMANAGER")
	w.int("outboundProxyPort", 5060)
	w.bool("registerWithProxy", sp.RegisterWithProxy)
	w.close("sipProxies")
}

// sipCallFeatures writes the call features, the same for every phone.
func sipCallFeatures(w *xmlw) {
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
}

// sipStack writes the SIP timers and retransmission counts.
func sipStack(w *xmlw, sp *domain.SIPProfile) {
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
}

// sipMedia writes auto-answer, codec, DTMF, label and media-port settings.
func sipMedia(w *xmlw, sp *domain.SIPProfile) {
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
}

// sipLine writes the line on button cl.Button, the i-th of the device.
func sipLine(w *xmlw, i int, cl *domain.ConfigLine) {
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

// defaultSIPProfile is the profile of a SIP phone that names none: every
// setting its default. (Normalize fills the defaults only in a profile
// with a name.)
func defaultSIPProfile() *domain.SIPProfile {
	sp := &domain.SIPProfile{Name: "default"}
	if err := domain.Normalize(sp); err != nil {
		panic("render: the default SIP profile: " + err.Error()) // a test renders it
	}
	return sp
}
