package render

import (
	"bytes"
	"cmtftp/internal/domain"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// Element sets of real-world files of each family, written out by hand
// from public sources (paths below the root, "/"-separated), and what our
// file is allowed to lack, with the reason. Our files may carry more.

// 79x1 SCCP: wazo-platform/wazo-provd-plugins,
// plugins/wazo-cisco-sccp/common/templates/base.tpl (the 7941G SCCP
// template of Wazo's Cisco SCCP plugin).
var realSCCP79x1 = []string{
	"devicePool/dateTimeSetting/dateTemplate", "devicePool/dateTimeSetting/timeZone",
	"devicePool/dateTimeSetting/ntps",
	"devicePool/callManagerGroup/members/member/callManager/ports/ethernetPhonePort",
	"devicePool/callManagerGroup/members/member/callManager/processNodeName",
	"devicePool/srstInfo/srstOption", "versionStamp", "loadInformation", "addOnModules",
	"userLocale/name", "userLocale/langCode", "networkLocale", "idleTimeout",
	"authenticationURL", "directoryURL", "idleURL", "informationURL", "messagesURL", "proxyServerURL", "servicesURL",
	"vendorConfig/disableSpeaker", "vendorConfig/disableSpeakerAndHeadset", "vendorConfig/enableGroupListen",
	"vendorConfig/g722CodecSupport", "advertiseG722Codec",
}

// 79x1 and 88xx SIP: wazo-platform/wazo-provd-plugins,
// plugins/wazo-cisco-sip/common/templates/base.tpl — the enterprise-SIP
// <device> template Wazo's plugin uses for its 89xx models (8941, 8945),
// the same format the 79x1 and 88xx enterprise SIP loads read (spec §2).
var realSIP = []string{
	"deviceProtocol", "sshUserId", "sshPassword",
	"devicePool/dateTimeSetting/dateTemplate", "devicePool/dateTimeSetting/timeZone", "devicePool/dateTimeSetting/ntps",
	"devicePool/callManagerGroup/members/member/callManager/ports/ethernetPhonePort",
	"devicePool/callManagerGroup/members/member/callManager/ports/sipPort",
	"devicePool/callManagerGroup/members/member/callManager/ports/securedSipPort",
	"devicePool/callManagerGroup/members/member/callManager/processNodeName",
	"sipProfile/sipProxies/backupProxy", "sipProfile/sipProxies/backupProxyPort", "sipProfile/sipProxies/emergencyProxy",
	"sipProfile/sipProxies/emergencyProxyPort", "sipProfile/sipProxies/outboundProxy", "sipProfile/sipProxies/outboundProxyPort",
	"sipProfile/sipProxies/registerWithProxy",
	"sipProfile/sipCallFeatures/cnfJoinEnabled", "sipProfile/sipCallFeatures/callForwardURI", "sipProfile/sipCallFeatures/callPickupURI",
	"sipProfile/sipCallFeatures/callPickupListURI", "sipProfile/sipCallFeatures/callPickupGroupURI", "sipProfile/sipCallFeatures/meetMeServiceURI",
	"sipProfile/sipCallFeatures/abbreviatedDialURI", "sipProfile/sipCallFeatures/rfc2543Hold", "sipProfile/sipCallFeatures/callHoldRingback",
	"sipProfile/sipCallFeatures/localCfwdEnable", "sipProfile/sipCallFeatures/semiAttendedTransfer", "sipProfile/sipCallFeatures/anonymousCallBlock",
	"sipProfile/sipCallFeatures/callerIdBlocking", "sipProfile/sipCallFeatures/dndControl", "sipProfile/sipCallFeatures/remoteCcEnable",
	"sipProfile/sipStack/sipInviteRetx", "sipProfile/sipStack/sipRetx", "sipProfile/sipStack/timerInviteExpires",
	"sipProfile/sipStack/timerRegisterExpires", "sipProfile/sipStack/timerRegisterDelta", "sipProfile/sipStack/timerKeepAliveExpires",
	"sipProfile/sipStack/timerSubscribeExpires", "sipProfile/sipStack/timerSubscribeDelta", "sipProfile/sipStack/timerT1",
	"sipProfile/sipStack/timerT2", "sipProfile/sipStack/maxRedirects", "sipProfile/sipStack/remotePartyID", "sipProfile/sipStack/userInfo",
	"sipProfile/autoAnswerTimer", "sipProfile/autoAnswerAltBehavior", "sipProfile/autoAnswerOverride", "sipProfile/transferOnhookEnabled",
	"sipProfile/enableVad", "sipProfile/dtmfAvtPayload", "sipProfile/dtmfDbLevel", "sipProfile/dtmfOutofBand", "sipProfile/alwaysUsePrimeLine",
	"sipProfile/alwaysUsePrimeLineVoiceMail", "sipProfile/kpml", "sipProfile/phoneLabel", "sipProfile/stutterMsgWaiting", "sipProfile/callStats",
	"sipProfile/silentPeriodBetweenCallWaitingBursts", "sipProfile/disableLocalSpeedDialConfig",
	"sipProfile/sipLines/line/featureID", "sipProfile/sipLines/line/featureLabel", "sipProfile/sipLines/line/proxy", "sipProfile/sipLines/line/port",
	"sipProfile/sipLines/line/name", "sipProfile/sipLines/line/displayName", "sipProfile/sipLines/line/autoAnswer/autoAnswerEnabled",
	"sipProfile/sipLines/line/callWaiting", "sipProfile/sipLines/line/authName", "sipProfile/sipLines/line/authPassword",
	"sipProfile/sipLines/line/sharedLine", "sipProfile/sipLines/line/messageWaitingLampPolicy", "sipProfile/sipLines/line/messagesNumber",
	"sipProfile/sipLines/line/ringSettingIdle", "sipProfile/sipLines/line/ringSettingActive", "sipProfile/sipLines/line/contact",
	"sipProfile/sipLines/line/forwardCallInfoDisplay/callerName", "sipProfile/sipLines/line/forwardCallInfoDisplay/callerNumber",
	"sipProfile/sipLines/line/forwardCallInfoDisplay/redirectedNumber", "sipProfile/sipLines/line/forwardCallInfoDisplay/dialedNumber",
	"sipProfile/voipControlPort", "sipProfile/startMediaPort", "sipProfile/stopMediaPort", "sipProfile/dscpForAudio",
	"sipProfile/ringSettingBusyStationPolicy", "sipProfile/dialTemplate", "sipProfile/softKeyFile",
	"commonProfile/phonePassword", "commonProfile/backgroundImageAccess", "commonProfile/callLogBlfEnabled",
	"loadInformation", "vendorConfig/disableSpeaker", "vendorConfig/pcPort", "vendorConfig/settingsAccess", "vendorConfig/webAccess",
	"userLocale/name", "userLocale/langCode", "networkLocale", "networkLocaleInfo/name", "networkLocaleInfo/uid", "networkLocaleInfo/version",
	"deviceSecurityMode", "authenticationURL", "directoryURL", "servicesURL", "idleURL", "informationURL", "messagesURL", "proxyServerURL",
	"dscpForSCCPPhoneConfig", "dscpForSCCPPhoneServices", "dscpForCm2Dvce", "transportLayerProtocol", "capfAuthMode",
	"capfList/capf/phonePort", "certHash", "encrConfig", "addOnModules",
}

// 7940/7960 SIP: xrobau/elastix,
// apps/core/endpointconfig2/setup/usr/share/elastix/endpoint-classes/tpl/Cisco_local_SIP.tpl
// (Elastix's SIP<MAC>.cnf template), keys of line 1.
var realSIP7940 = []string{"proxy1_address", "proxy1_port", "proxy_emergency", "proxy_emergency_port", "proxy_backup", "proxy_backup_port",
	"outbound_proxy", "outbound_proxy_port", "phone_label", "line1_name", "line1_authname", "line1_shortname", "line1_displayname",
	"line1_password", "sntp_server", "services_url", "logo_url"}

// What we leave out, and why.
var omitted = map[string]string{
	"devicePool/dateTimeSetting/ntps":       "no NTP servers in the data model yet (phones then use the DHCP-supplied ones)",
	"addOnModules":                          "no key-expansion modules in the data model yet",
	"vendorConfig/disableSpeakerAndHeadset": "vendorConfig is model-specific; we emit a common subset",
	"vendorConfig/enableGroupListen":        "vendorConfig is model-specific; we emit a common subset",
	"vendorConfig/g722CodecSupport":         "vendorConfig is model-specific; we emit a common subset",
	"advertiseG722Codec":                    "left at the phone's default",
	"outbound_proxy":                        "no outbound proxy in the SIP profile model yet",
	"outbound_proxy_port":                   "no outbound proxy in the SIP profile model yet",
	"sntp_server":                           "no NTP servers in the data model yet",
	"logo_url":                              "no logo setting in the data model yet",
}

func elementPaths(t *testing.T, b []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack, out []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			if len(stack) > 1 {
				out = append(out, strings.Join(stack[1:], "/"))
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func textKeys(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if k, _, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") {
			out = append(out, k)
		}
	}
	return out
}

func compareSet(t *testing.T, family string, ours, real []string) {
	t.Helper()
	for _, p := range real {
		if slices.Contains(ours, p) {
			if _, listed := omitted[p]; listed {
				t.Errorf("%s: %s is listed as omitted but we emit it: drop it from the list", family, p)
			}
			continue
		}
		if _, ok := omitted[p]; !ok {
			t.Errorf("%s: the real-world file has %s, ours does not", family, p)
		}
	}
}

func TestRealWorldElementSets(t *testing.T) {
	x := demo(t)
	c, _ := x.DeviceConfig("SEP0000DE000001") // 7961 SCCP
	c.Pool.SRST = ""
	compareSet(t, "79x1 SCCP", elementPaths(t, DeviceXML(c)), realSCCP79x1)
	for _, name := range []string{"SEP0000DE000002", "SEP0000DE000006"} { // 7970 SIP, 8841 SIP
		c, _ := x.DeviceConfig(name)
		compareSet(t, c.Model.Name+" SIP", elementPaths(t, DeviceXML(c)), realSIP)
	}
	c, _ = x.DeviceConfig("SEP0000DE000003") // 7940 SIP, with a third server for the emergency proxy
	c.Servers = append(c.Servers, domain.Server{Name: "cm-c", Host: "192.0.2.3", SIPPort: 5060})
	compareSet(t, "7940 SIP", textKeys(SIPCnf(c)), realSIP7940)
}
