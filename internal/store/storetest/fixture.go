// Package storetest is the conformance suite every store.Store backend
// must pass: records, constraints, transactions, the change feed and
// concurrent writers, all through the Store interface (and plain SQL where
// the suite checks that any writer reaches the feed).
package storetest

import "cmtftp/internal/domain"

// Site returns a small but complete site: every kind of record, one dial
// plan of each family, a shared line, an extension-mobility login, two
// remote clusters (one disabled) and two gateways (a Voice Mail Port and
// an SCCP VG204 with vendor configuration).
func Site() *domain.Site {
	return &domain.Site{
		Servers: []*domain.Server{
			{Name: "cm1", Host: "192.0.2.21", Description: "publisher"},
			{Name: "cm2", Host: "2001:db8::22"},
			{Name: "cm3", Host: "cm3.example.net", SIPPort: 5080},
		},
		Groups: []*domain.Group{{Name: "G1", TFTPDefault: true, Servers: []string{"cm2", "cm1"}}},
		Pools: []*domain.Pool{{Name: "HQ", Group: "G1", DateTemplate: "D/M/Y", TimeZone: "GMT Standard/Daylight Time",
			UserLocale: "English_United_States", NetworkLocale: "United_Kingdom"}},
		Lines: []*domain.Line{
			{Number: "4001", DisplayName: "Ada & <Bob> \"O'Neil\"", Label: "Ada"},
			{Number: "4002", DisplayName: "Zoë Ünïcode", MaxCalls: 4},
			{Number: "4100", DisplayName: "Shared desk"},
		},
		SIPProfiles: []*domain.SIPProfile{{Name: "Standard SIP", PreferredCodec: "g711ulaw"}},
		DialPlans: []*domain.DialPlan{
			{Name: "dp79x1", Family: domain.DialFamily79x1, Rules: []domain.DialRule{{Pattern: "4...", Timeout: 0}, {Pattern: "0,.........", Timeout: 2, Tone: "Bellcore-Outside"}}},
			{Name: "dp7940", Family: domain.DialFamily7940, Rules: []domain.DialRule{{Pattern: "112", User: "phone"}, {Pattern: "*", Timeout: 8}}},
			{Name: "dp7905", Family: domain.DialFamily7905, Rules: []domain.DialRule{{Pattern: ".t7>#......t4-"}}},
		},
		Softkeys: []*domain.SoftkeyTemplate{{Name: "Standard", Sets: []domain.SoftkeySet{
			{State: "On Hook", Keys: []string{"Redial", "NewCall", "CFwdAll"}},
			{State: "Connected", Keys: []string{"Hold", "EndCall", "Transfer"}},
		}}},
		Devices: []*domain.Device{
			{MAC: "00:11:22:aa:bb:01", Model: "7961", Protocol: "SCCP", Pool: "HQ", Lines: []domain.Appearance{{Button: 1, Line: "4001"}, {Button: 2, Line: "4100"}}},
			{Name: "SEP001122AABB02", Model: "7970", Protocol: "SIP", Pool: "HQ", SIPProfile: "Standard SIP", DialPlan: "dp79x1",
				SoftkeyTemplate: "Standard", Lines: []domain.Appearance{{Button: 1, Line: "4002"}, {Button: 2, Line: "4100"}}},
			{MAC: "0011.22aa.bb03", Model: "7940", Protocol: "SIP", Pool: "HQ", DialPlan: "dp7940"},
		},
		Gateways: []*domain.Gateway{
			{Name: "VMPORT1", Model: "Voice Mail Port", Group: "G1", Pool: "HQ", Endpoints: []domain.GatewayEndpoint{{Line: "4001"}}},
			{Name: "SKIGW1FCAC3DE10", MAC: "001f.cac3.de10", Model: "VG204", Protocol: "SCCP", Group: "G1",
				VendorConfig: map[string]string{"DtmfRelay": "nte-ca"},
				Endpoints:    []domain.GatewayEndpoint{{Port: 0, Line: "4100", Label: "Lobby"}, {Port: 1, Line: "4001", Locale: "Germany"}}},
		},
		Profiles:   []*domain.DeviceProfile{{Name: "ada-em", DialPlan: "dp79x1", Lines: []domain.Appearance{{Button: 1, Line: "4100"}}}},
		Logins:     []*domain.Login{{Device: "SEP001122AABB02", Profile: "ada-em"}},
		Enterprise: []*domain.Param{{Name: "servicesURL", Value: "http://192.0.2.30/services"}},
		Service:    []*domain.Param{{Name: "BuildCNFFiles", Value: "build all"}},
		Files:      []*domain.CustomFile{{Name: "Desktops/320x212x12/List.xml", Data: []byte("<CiscoIPPhoneImageList/>")}},
		RemoteClusters: []*domain.RemoteCluster{
			{Name: "B", Servers: []string{"tftp-b.example.net", "192.0.2.31", "[2001:db8::31]:6970"}, Description: "building B"},
			{Name: "C", Disabled: true, Servers: []string{"192.0.2.41:8080"}},
		},
	}
}
