package domain

// kindTable describes every record kind once, in dependency order: a record
// refers only to kinds listed before it. Adding a kind means its struct, its
// entry here, its migration and its renderer.
var kindTable = []KindInfo{
	describe(KindServer, "name", func(v *Server) *string { return &v.Name }, func(s *Site) *[]*Server { return &s.Servers }, normServer, nil).
		withCLI(KindCLI{"Call-control servers (CUCM nodes, CME, Asterisk …)", nil,
			[]string{"name", "host", "sccpPort", "sipPort", "description"},
			"  cmtftp server add cm1 --host 192.0.2.21"}),
	describe(KindGroup, "name", func(v *Group) *string { return &v.Name }, func(s *Site) *[]*Group { return &s.Groups }, normGroup, groupRefs).
		withCLI(KindCLI{"Call-control groups: up to three servers in priority order", []string{"cmgroup"},
			[]string{"name", "servers", "tftpDefault", "description"},
			"  cmtftp group add G1 --servers cm1,cm2"}),
	describe(KindPool, "name", func(v *Pool) *string { return &v.Name }, func(s *Site) *[]*Pool { return &s.Pools }, normPool,
		func(v *Pool) []Ref { return []Ref{{"group", KindGroup, v.Group}} }).
		withCLI(KindCLI{"Device pools: group, time zone, locales", []string{"devicepool"},
			[]string{"name", "group", "timeZone", "userLocale", "networkLocale", "dateTemplate"},
			"  cmtftp pool add HQ --group G1 --time-zone 'GMT Standard/Daylight Time'"}),
	describe(KindModel, "name", func(v *Model) *string { return &v.Name }, func(s *Site) *[]*Model { return &s.Models }, normModel, nil).
		withStored("builtin").
		withCLI(KindCLI{"Device models (the built-in catalogue, and your own)", nil,
			[]string{"name", "typeId", "protocols", "xmlConfig", "buildSelective", "dialFamily", "maxLines", "builtin"},
			"  cmtftp model list"}),
	describe(KindLine, "number", func(v *Line) *string { return &v.Number }, func(s *Site) *[]*Line { return &s.Lines }, normLine, nil).
		withCLI(KindCLI{"Lines (directory numbers)", []string{"dn"},
			[]string{"number", "displayName", "label", "voicemailPilot", "maxCalls"},
			"  cmtftp line add 4001 --display-name 'Ada Lovelace' --label Ada"}),
	describe(KindSIPProfile, "name", func(v *SIPProfile) *string { return &v.Name }, func(s *Site) *[]*SIPProfile { return &s.SIPProfiles }, normSIPProfile, nil).
		withCLI(KindCLI{"SIP profiles", nil,
			[]string{"name", "preferredCodec", "transport", "timerRegisterExpires", "description"},
			"  cmtftp sipprofile add 'Standard SIP' --preferred-codec g711ulaw"}),
	describe(KindDialPlan, "name", func(v *DialPlan) *string { return &v.Name }, func(s *Site) *[]*DialPlan { return &s.DialPlans }, normDialPlan, nil).
		withCLI(KindCLI{"SIP dial plans (dial rules) of the 79x1, 7940 and 7905 families", []string{"dialrules"},
			[]string{"name", "family", "rules", "description"},
			"  cmtftp dialplan add office --family 79x1 --rule 'pattern=4...;timeout=0' --rule 'pattern=*;timeout=5'"}),
	describe(KindSoftkey, "name", func(v *SoftkeyTemplate) *string { return &v.Name }, func(s *Site) *[]*SoftkeyTemplate { return &s.Softkeys }, normSoftkey, nil).
		withCLI(KindCLI{"Softkey templates", []string{"softkeys"},
			[]string{"name", "sets", "description"},
			"  cmtftp softkey add Standard --set 'On Hook=Redial,NewCall' --set 'Connected=Hold,EndCall,Transfer'"}),
	describe(KindDevice, "name", func(v *Device) *string { return &v.Name }, func(s *Site) *[]*Device { return &s.Devices }, normDevice, deviceRefs).
		withCLI(KindCLI{"Phones", []string{"phone"},
			[]string{"name", "model", "protocol", "pool", "lines", "description"},
			"  cmtftp device add 00:11:22:aa:bb:cc --model 7961 --pool HQ --line 1=4001"}),
	describe(KindGateway, "name", func(v *Gateway) *string { return &v.Name }, func(s *Site) *[]*Gateway { return &s.Gateways }, normGateway, gatewayRefs).
		withCLI(KindCLI{"Gateways and analog adapters: SCCP and MGCP voice gateways, ATAs, Catalyst voice modules", []string{"gw"},
			[]string{"name", "model", "protocol", "group", "pool", "description"},
			"  cmtftp gateway add SKIGW1FCAC3DE10 --model VG224 --mac 001f.cac3.de10 --group G1"}),
	describe(KindProfile, "name", func(v *DeviceProfile) *string { return &v.Name }, func(s *Site) *[]*DeviceProfile { return &s.Profiles }, normProfile, profileRefs).
		withCLI(KindCLI{"Device profiles for extension mobility", []string{"deviceprofile"},
			[]string{"name", "lines", "dialPlan", "softkeyTemplate", "description"},
			"  cmtftp profile add ada-em --line 1=4001 --dial-plan office"}),
	describe(KindLogin, "device", func(v *Login) *string { return &v.Device }, func(s *Site) *[]*Login { return &s.Logins }, normLogin,
		func(v *Login) []Ref {
			return []Ref{{"device", KindDevice, v.Device}, {"profile", KindProfile, v.Profile}}
		}).
		withStored("since"),
	paramKind(KindEnterprise, func(s *Site) *[]*Param { return &s.Enterprise }),
	paramKind(KindService, func(s *Site) *[]*Param { return &s.Service }),
	describe(KindFile, "name", func(v *CustomFile) *string { return &v.Name }, func(s *Site) *[]*CustomFile { return &s.Files }, normFile, nil).
		withStored("data", "size", "sha256", "modified"),
	remoteKind(),
}

// remoteKind describes remote clusters. In a site document the list order
// is the search order: a cluster without a priority gets its 1-based
// position when the site's records are listed (Site.Entities, which apply
// writes).
func remoteKind() KindInfo {
	ki := describe(KindRemote, "name", func(v *RemoteCluster) *string { return &v.Name }, func(s *Site) *[]*RemoteCluster { return &s.RemoteClusters }, normRemote, nil).
		withCLI(KindCLI{"Other clusters' TFTP servers, asked over HTTP for files this cluster lacks (centralized TFTP)", nil,
			[]string{"name", "enabled", "priority", "servers", "description"},
			"  cmtftp remote add B --servers 192.0.2.31,192.0.2.32:6970"})
	list := ki.list
	ki.list = func(s *Site) []Entity {
		for i, r := range s.RemoteClusters {
			if r.Priority == 0 {
				r.Priority = i + 1
			}
		}
		return list(s)
	}
	return ki
}

// paramKind describes one scope of parameters: its records are *Param with
// Scope set to the kind.
func paramKind(k Kind, site func(*Site) *[]*Param) KindInfo {
	ki := describe(k, "name", func(v *Param) *string { return &v.Name }, site, normParam, nil).withStored("scope")
	ki.new = func() Entity { return &Param{Scope: k} }
	list := ki.list
	ki.list = func(s *Site) []Entity {
		for _, p := range *site(s) {
			p.Scope = k
		}
		return list(s)
	}
	return ki
}

func groupRefs(g *Group) []Ref {
	rs := make([]Ref, 0, len(g.Servers))
	for _, s := range g.Servers {
		rs = append(rs, Ref{"servers", KindServer, s})
	}
	return rs
}

func deviceRefs(v *Device) []Ref {
	rs := []Ref{{"model", KindModel, v.Model}, {"pool", KindPool, v.Pool}}
	if v.SoftkeyTemplate != "" {
		rs = append(rs, Ref{"softkeyTemplate", KindSoftkey, v.SoftkeyTemplate})
	}
	if v.SIPProfile != "" {
		rs = append(rs, Ref{"sipProfile", KindSIPProfile, v.SIPProfile})
	}
	if v.DialPlan != "" {
		rs = append(rs, Ref{"dialPlan", KindDialPlan, v.DialPlan})
	}
	return append(rs, lineRefs(v.Lines)...)
}

func gatewayRefs(v *Gateway) []Ref {
	rs := []Ref{{"model", KindModel, v.Model}, {"group", KindGroup, v.Group}}
	if v.Pool != "" {
		rs = append(rs, Ref{"pool", KindPool, v.Pool})
	}
	for _, e := range v.Endpoints {
		rs = append(rs, Ref{"endpoints", KindLine, e.Line})
	}
	return rs
}

func profileRefs(v *DeviceProfile) []Ref {
	var rs []Ref
	if v.DialPlan != "" {
		rs = append(rs, Ref{"dialPlan", KindDialPlan, v.DialPlan})
	}
	if v.SoftkeyTemplate != "" {
		rs = append(rs, Ref{"softkeyTemplate", KindSoftkey, v.SoftkeyTemplate})
	}
	return append(rs, lineRefs(v.Lines)...)
}

func lineRefs(as []Appearance) []Ref {
	rs := make([]Ref, 0, len(as))
	for _, a := range as {
		rs = append(rs, Ref{"lines", KindLine, a.Line})
	}
	return rs
}
