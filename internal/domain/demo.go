package domain

// DemoSite is the sample configuration serve --demo puts into a new
// database: one group of two servers, one pool, one device of each file
// family, a dial plan of each family, a softkey template and two device
// profiles (one logged in nowhere yet), and three gateways: a VG224 under
// SCCP, an ATA 190 and an MGCP ISR 4321.
func DemoSite() *Site {
	on := func(ns ...string) []Appearance {
		var as []Appearance
		for i, n := range ns {
			as = append(as, Appearance{Button: i + 1, Line: n})
		}
		return as
	}
	return &Site{
		Servers: []*Server{
			{Name: "cm-a", Host: "127.0.0.1", Description: "demo call control, first choice"},
			{Name: "cm-b", Host: "::1", Description: "demo call control, fallback"},
		},
		Groups: []*Group{{Name: "Demo-Group", TFTPDefault: true, Servers: []string{"cm-a", "cm-b"}}},
		Pools: []*Pool{{Name: "Demo-Pool", Group: "Demo-Group", DateTemplate: "M/D/Y",
			TimeZone: "Pacific Standard/Daylight Time", OlsonTimeZone: "America/Los_Angeles",
			UserLocale: "English_United_States", NetworkLocale: "United_States", Region: "Default"}},
		Lines:       demoLines(),
		SIPProfiles: []*SIPProfile{{Name: "Standard SIP Profile", PreferredCodec: "g711ulaw", PhoneLabel: "cmtftp demo"}},
		DialPlans: []*DialPlan{
			{Name: "demo-79x1", Family: DialFamily79x1, Description: "7970/7961/88xx SIP", Rules: []DialRule{
				{Pattern: "4...", Timeout: 0}, {Pattern: "9,1..........", Timeout: 0, Tone: "Bellcore-Outside"},
				{Pattern: "911", Timeout: 0}, {Pattern: "*", Timeout: 5}}},
			{Name: "demo-7940", Family: DialFamily7940, Description: "7940/7960 SIP", Rules: []DialRule{
				{Pattern: "911", Timeout: 0, User: "phone"}, {Pattern: "4...", Timeout: 0}, {Pattern: "9,*", Timeout: 5, User: "phone"}, {Pattern: "*", Timeout: 8}}},
			{Name: "demo-7905", Family: DialFamily7905, Description: "7905/7912 SIP", Rules: []DialRule{
				{Pattern: "4...t0"}, {Pattern: "911t0S"}, {Pattern: ".t7>#......t4-"}}},
		},
		Softkeys: demoSoftkeys(),
		Devices: []*Device{
			{MAC: "0000DE000001", Description: "7961 SCCP, lobby", Model: "7961", Protocol: "SCCP", Pool: "Demo-Pool", Lines: on("4001", "4100")},
			{MAC: "0000DE000002", Description: "7970 SIP", Model: "7970", Protocol: "SIP", Pool: "Demo-Pool", SIPProfile: "Standard SIP Profile",
				DialPlan: "demo-79x1", SoftkeyTemplate: "Standard-User", Lines: on("4002", "4100")},
			{MAC: "0000DE000003", Description: "7940 SIP", Model: "7940", Protocol: "SIP", Pool: "Demo-Pool", SIPProfile: "Standard SIP Profile",
				DialPlan: "demo-7940", Lines: on("4003")},
			{MAC: "0000DE000004", Description: "7905 SIP", Model: "7905", Protocol: "SIP", Pool: "Demo-Pool", SIPProfile: "Standard SIP Profile",
				DialPlan: "demo-7905", Lines: on("4004")},
			{MAC: "0000DE000005", Description: "7912 SIP", Model: "7912", Protocol: "SIP", Pool: "Demo-Pool", SIPProfile: "Standard SIP Profile",
				DialPlan: "demo-7905", Lines: on("4005")},
			{MAC: "0000DE000006", Description: "8841 SIP", Model: "8841", Protocol: "SIP", Pool: "Demo-Pool", SIPProfile: "Standard SIP Profile",
				DialPlan: "demo-79x1", SoftkeyTemplate: "Standard-User", Lines: on("4006")},
			{MAC: "0000DE000007", Description: "12 SP+ (legacy .cnf under Build Selective)", Model: "12SP+", Protocol: "SCCP", Pool: "Demo-Pool", Lines: on("4007")},
		},
		Gateways: demoGateways(),
		Profiles: []*DeviceProfile{
			{Name: "ada-em", Description: "Ada's extension-mobility profile", DialPlan: "demo-79x1", SoftkeyTemplate: "Standard-User", Lines: on("4001")},
			{Name: "grace-em", Description: "Grace's extension-mobility profile", DialPlan: "demo-79x1", Lines: on("4007", "4100")},
		},
		Enterprise: []*Param{
			{Name: "servicesURL", Value: "http://127.0.0.1:6970/services.xml"},
			{Name: "directoryURL", Value: "http://127.0.0.1:6970/directory.xml"},
			{Name: ParamAutoRegistrationPool, Value: "Demo-Pool"},
		},
	}
}

// demoGateways are the demo site's gateways, one of each way of asking
// for files: SKIGW/AN (SCCP), ATA<MAC> (ATA 190) and <hostname> (MGCP).
func demoGateways() []*Gateway {
	return []*Gateway{
		{Name: "SKIGW00DE0000A1", MAC: "0000DE0000A1", Description: "VG224 SCCP, lobby analog ports", Model: "VG224",
			Protocol: ProtocolSCCP, Group: "Demo-Group", Pool: "Demo-Pool", Endpoints: []GatewayEndpoint{
				{Unit: 2, Port: 0, Line: "4201"}, {Unit: 2, Port: 1, Line: "4202"}, {Unit: 2, Port: 2, Line: "4203", Label: "Lift phone"}}},
		{Name: "ATA0000DE0000B1", MAC: "0000DE0000B1", Description: "ATA 190, kitchen and guard house", Model: "ATA190",
			Protocol: ProtocolSIP, Group: "Demo-Group", Pool: "Demo-Pool", Endpoints: []GatewayEndpoint{
				{Port: 0, Line: "4301"}, {Port: 1, Line: "4302"}}},
		{Name: "isr4321.demo.example", Description: "ISR 4321 MGCP, branch fax and door", Model: "ISR4321",
			Protocol: ProtocolMGCP, Group: "Demo-Group", Pool: "Demo-Pool",
			VendorConfig: map[string]string{"DtmfRelay": "nte-ca", "T38FaxRelay": "Enable"},
			Units:        []GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []GatewaySubunit{{Index: 1, Product: "NIM-4FXS"}}}},
			Endpoints:    []GatewayEndpoint{{Unit: 0, Subunit: 1, Port: 0, Line: "4401"}, {Unit: 0, Subunit: 1, Port: 1, Line: "4402"}}},
	}
}

// demoLines are the demo site's directory numbers.
func demoLines() []*Line {
	line := func(n, name, label string) *Line {
		return &Line{Number: n, DisplayName: name, Label: label, VoicemailPilot: "4999"}
	}
	return []*Line{
		line("4001", "Ada Lovelace", "Ada"), line("4002", "Blaise Pascal", "Blaise"),
		line("4003", "Charles Babbage", "Charles"), line("4004", "Dorothy Vaughan", "Dorothy"),
		line("4005", "Edsger Dijkstra", "Edsger"), line("4006", "Frances Allen", "Frances"),
		line("4007", "Grace Hopper", "Grace"), line("4100", "Front Desk", "Desk"),
		line("4201", "Lobby Fax", "Fax"), line("4202", "Loading Dock", "Dock"), line("4203", "Elevator", "Lift"),
		line("4301", "Kitchen", "Kitchen"), line("4302", "Guard House", "Guard"),
		line("4401", "Branch Fax", "BrFax"), line("4402", "Branch Door", "Door"),
	}
}

// demoSoftkeys is the demo site's softkey template.
func demoSoftkeys() []*SoftkeyTemplate {
	return []*SoftkeyTemplate{{Name: "Standard-User", Description: "demo softkeys", Sets: []SoftkeySet{
		{State: "On Hook", Keys: []string{"Redial", "NewCall", "CFwdAll", "PickUp"}},
		{State: "Off Hook", Keys: []string{"Redial", "EndCall"}},
		{State: "Digits After First", Keys: []string{"<<", "EndCall"}},
		{State: "Ring Out", Keys: []string{"EndCall"}},
		{State: "Connected", Keys: []string{"Hold", "EndCall", "Transfer", "Confrn"}},
		{State: "Connected Transfer", Keys: []string{"EndCall", "Transfer"}},
		{State: "Connected Conference", Keys: []string{"EndCall", "Confrn"}},
		{State: "On Hold", Keys: []string{"Resume", "NewCall", "EndCall"}},
		{State: "Ring In", Keys: []string{"Answer", "iDivert"}},
	}}}
}
