// Package storetest is the conformance suite every store.Store backend
// must pass: records, constraints, transactions, the change feed and
// concurrent writers, all through the Store interface (and plain SQL where
// the suite checks that any writer reaches the feed).
package storetest

import "cmtftp/internal/store"

// Site returns a small but complete site: every kind of record, one dial
// plan of each family, a shared line and an extension-mobility login.
func Site() *store.Site {
	return &store.Site{
		Servers: []*store.Server{
			{Name: "cm1", Host: "192.0.2.21", Description: "publisher"},
			{Name: "cm2", Host: "2001:db8::22"},
			{Name: "cm3", Host: "cm3.example.net", SIPPort: 5080},
		},
		Groups: []*store.Group{{Name: "G1", TFTPDefault: true, Servers: []string{"cm2", "cm1"}}},
		Pools: []*store.Pool{{Name: "HQ", Group: "G1", DateTemplate: "D/M/Y", TimeZone: "GMT Standard/Daylight Time",
			UserLocale: "English_United_States", NetworkLocale: "United_Kingdom"}},
		Lines: []*store.Line{
			{Number: "4001", DisplayName: "Ada & <Bob> \"O'Neil\"", Label: "Ada"},
			{Number: "4002", DisplayName: "Zoë Ünïcode", MaxCalls: 4},
			{Number: "4100", DisplayName: "Shared desk"},
		},
		SIPProfiles: []*store.SIPProfile{{Name: "Standard SIP", PreferredCodec: "g711ulaw"}},
		DialPlans: []*store.DialPlan{
			{Name: "dp79x1", Family: store.DialFamily79x1, Rules: []store.DialRule{{Pattern: "4...", Timeout: 0}, {Pattern: "0,.........", Timeout: 2, Tone: "Bellcore-Outside"}}},
			{Name: "dp7940", Family: store.DialFamily7940, Rules: []store.DialRule{{Pattern: "112", User: "phone"}, {Pattern: "*", Timeout: 8}}},
			{Name: "dp7905", Family: store.DialFamily7905, Rules: []store.DialRule{{Pattern: ".t7>#......t4-"}}},
		},
		Softkeys: []*store.SoftkeyTemplate{{Name: "Standard", Sets: []store.SoftkeySet{
			{State: "On Hook", Keys: []string{"Redial", "NewCall", "CFwdAll"}},
			{State: "Connected", Keys: []string{"Hold", "EndCall", "Transfer"}},
		}}},
		Devices: []*store.Device{
			{MAC: "00:11:22:aa:bb:01", Model: "7961", Protocol: "SCCP", Pool: "HQ", Lines: []store.Appearance{{Button: 1, Line: "4001"}, {Button: 2, Line: "4100"}}},
			{Name: "SEP001122AABB02", Model: "7970", Protocol: "SIP", Pool: "HQ", SIPProfile: "Standard SIP", DialPlan: "dp79x1",
				SoftkeyTemplate: "Standard", Lines: []store.Appearance{{Button: 1, Line: "4002"}, {Button: 2, Line: "4100"}}},
			{MAC: "0011.22aa.bb03", Model: "7940", Protocol: "SIP", Pool: "HQ", DialPlan: "dp7940"},
			{Name: "VMPORT1", Model: "Voice Mail Port", Pool: "HQ"},
		},
		Profiles:   []*store.DeviceProfile{{Name: "ada-em", DialPlan: "dp79x1", Lines: []store.Appearance{{Button: 1, Line: "4100"}}}},
		Logins:     []*store.Login{{Device: "SEP001122AABB02", Profile: "ada-em"}},
		Enterprise: []*store.Param{{Name: "servicesURL", Value: "http://192.0.2.30/services"}},
		Service:    []*store.Param{{Name: "BuildCNFFiles", Value: "build all"}},
		Files:      []*store.CustomFile{{Name: "Desktops/320x212x12/List.xml", Data: []byte("<CiscoIPPhoneImageList/>")}},
	}
}
