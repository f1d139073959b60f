package sqlstore

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"cmtftp/internal/store"
)

// table maps one record kind to its SQL table.
type table struct {
	kind  store.Kind
	name  string
	cols  []string // key column first
	vals  func(store.Entity) []any
	scan  func(scan func(...any) error) (store.Entity, error)
	child *child
	refs  func(store.Entity) []ref
	// list omits these columns (replaced by the given expressions) when listing.
	listCols []string
}

// child maps an ordered list inside a record to a child table.
type child struct {
	name, parent, pos, val string
	get                    func(store.Entity) []pair
	set                    func(store.Entity, []pair)
}

type pair struct {
	pos int
	val string
}

// ref is a reference from a field of a record to another record.
type ref struct {
	field string
	kind  store.Kind
	key   string
}

// user is a column of another table that refers to a record.
type user struct {
	table, col string
	kind       store.Kind
	key        string // key column of the referring table
}

// usedBy lists, for each kind, the places that refer to it (for "in use" errors).
var usedBy = map[store.Kind][]user{
	store.KindServer:     {{"group_members", "server", store.KindGroup, "group_name"}},
	store.KindGroup:      {{"pools", "group_name", store.KindPool, "name"}},
	store.KindPool:       {{"devices", "pool", store.KindDevice, "name"}},
	store.KindModel:      {{"devices", "model", store.KindDevice, "name"}},
	store.KindLine:       {{"device_lines", "line", store.KindDevice, "device"}, {"profile_lines", "line", store.KindProfile, "profile"}},
	store.KindSIPProfile: {{"devices", "sip_profile", store.KindDevice, "name"}},
	store.KindDialPlan:   {{"devices", "dial_plan", store.KindDevice, "name"}, {"device_profiles", "dial_plan", store.KindProfile, "name"}},
	store.KindSoftkey:    {{"devices", "softkey_template", store.KindDevice, "name"}, {"device_profiles", "softkey_template", store.KindProfile, "name"}},
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

var tables = map[store.Kind]*table{
	store.KindServer: {
		kind: store.KindServer, name: "servers",
		cols: []string{"name", "host", "description", "sccp_port", "sccp_tls_port", "sip_port", "sip_tls_port", "mgcp_port", "mgcp_keepalive_port"},
		vals: func(e store.Entity) []any {
			v := e.(*store.Server)
			return []any{v.Name, v.Host, v.Description, v.SCCPPort, v.SCCPTLSPort, v.SIPPort, v.SIPTLSPort, v.MGCPPort, v.MGCPKeepAlivePort}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Server{}
			return v, scan(&v.Name, &v.Host, &v.Description, &v.SCCPPort, &v.SCCPTLSPort, &v.SIPPort, &v.SIPTLSPort, &v.MGCPPort, &v.MGCPKeepAlivePort)
		},
	},
	store.KindGroup: {
		kind: store.KindGroup, name: "call_groups",
		cols: []string{"name", "description", "tftp_default"},
		vals: func(e store.Entity) []any { v := e.(*store.Group); return []any{v.Name, v.Description, v.TFTPDefault} },
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Group{}
			return v, scan(&v.Name, &v.Description, &v.TFTPDefault)
		},
		child: &child{name: "group_members", parent: "group_name", pos: "priority", val: "server",
			get: func(e store.Entity) []pair {
				var ps []pair
				for i, s := range e.(*store.Group).Servers {
					ps = append(ps, pair{i, s})
				}
				return ps
			},
			set: func(e store.Entity, ps []pair) {
				g := e.(*store.Group)
				g.Servers = g.Servers[:0]
				for _, p := range ps {
					g.Servers = append(g.Servers, p.val)
				}
			}},
		refs: func(e store.Entity) []ref {
			var rs []ref
			for _, s := range e.(*store.Group).Servers {
				rs = append(rs, ref{"servers", store.KindServer, s})
			}
			return rs
		},
	},
	store.KindPool: {
		kind: store.KindPool, name: "pools",
		cols: []string{"name", "group_name", "date_template", "time_zone", "olson_time_zone", "user_locale", "network_locale", "region", "srst"},
		vals: func(e store.Entity) []any {
			v := e.(*store.Pool)
			return []any{v.Name, v.Group, v.DateTemplate, v.TimeZone, v.OlsonTimeZone, v.UserLocale, v.NetworkLocale, v.Region, v.SRST}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Pool{}
			return v, scan(&v.Name, &v.Group, &v.DateTemplate, &v.TimeZone, &v.OlsonTimeZone, &v.UserLocale, &v.NetworkLocale, &v.Region, &v.SRST)
		},
		refs: func(e store.Entity) []ref { return []ref{{"group", store.KindGroup, e.(*store.Pool).Group}} },
	},
	store.KindModel: {
		kind: store.KindModel, name: "models",
		cols: []string{"name", "description", "type_id", "class", "protocols", "xml_config", "sip_files", "sccp_files", "build_selective", "dial_family", "sccp_load", "sip_load", "max_lines", "builtin"},
		vals: func(e store.Entity) []any {
			v := e.(*store.Model)
			return []any{v.Name, v.Description, v.TypeID, v.Class, jsonText(v.Protocols), v.XMLConfig, jsonText(v.SIPFiles), jsonText(v.SCCPFiles),
				v.BuildSelective, v.DialFamily, v.SCCPLoad, v.SIPLoad, v.MaxLines, v.Builtin}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Model{}
			var protos, sip, sccp string
			if err := scan(&v.Name, &v.Description, &v.TypeID, &v.Class, &protos, &v.XMLConfig, &sip, &sccp, &v.BuildSelective,
				&v.DialFamily, &v.SCCPLoad, &v.SIPLoad, &v.MaxLines, &v.Builtin); err != nil {
				return nil, err
			}
			if err := fromJSON(protos, &v.Protocols); err != nil {
				return nil, err
			}
			if err := fromJSON(sip, &v.SIPFiles); err != nil {
				return nil, err
			}
			return v, fromJSON(sccp, &v.SCCPFiles)
		},
	},
	store.KindLine: {
		kind: store.KindLine, name: "lines",
		cols: []string{"number", "display_name", "label", "auth_name", "auth_password", "voicemail_pilot", "mwi_policy", "max_calls"},
		vals: func(e store.Entity) []any {
			v := e.(*store.Line)
			return []any{v.Number, v.DisplayName, v.Label, v.AuthName, v.AuthPassword, v.VoicemailPilot, v.MWIPolicy, v.MaxCalls}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Line{}
			return v, scan(&v.Number, &v.DisplayName, &v.Label, &v.AuthName, &v.AuthPassword, &v.VoicemailPilot, &v.MWIPolicy, &v.MaxCalls)
		},
	},
	store.KindSIPProfile: {
		kind: store.KindSIPProfile, name: "sip_profiles",
		cols: []string{"name", "description", "preferred_codec", "register_with_proxy", "timer_register_expires", "start_media_port", "stop_media_port",
			"dtmf_avt_payload", "nat_enabled", "nat_address", "phone_label", "transport", "voip_control_port"},
		vals: func(e store.Entity) []any {
			v := e.(*store.SIPProfile)
			return []any{v.Name, v.Description, v.PreferredCodec, v.RegisterWithProxy, v.TimerRegisterExpires, v.StartMediaPort, v.StopMediaPort,
				v.DTMFAvtPayload, v.NATEnabled, v.NATAddress, v.PhoneLabel, v.Transport, v.VoIPControlPort}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.SIPProfile{}
			return v, scan(&v.Name, &v.Description, &v.PreferredCodec, &v.RegisterWithProxy, &v.TimerRegisterExpires, &v.StartMediaPort, &v.StopMediaPort,
				&v.DTMFAvtPayload, &v.NATEnabled, &v.NATAddress, &v.PhoneLabel, &v.Transport, &v.VoIPControlPort)
		},
	},
	store.KindDialPlan: {
		kind: store.KindDialPlan, name: "dial_plans",
		cols: []string{"name", "description", "family", "rules"},
		vals: func(e store.Entity) []any {
			v := e.(*store.DialPlan)
			return []any{v.Name, v.Description, v.Family, jsonText(v.Rules)}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.DialPlan{}
			var rules string
			if err := scan(&v.Name, &v.Description, &v.Family, &rules); err != nil {
				return nil, err
			}
			return v, fromJSON(rules, &v.Rules)
		},
	},
	store.KindSoftkey: {
		kind: store.KindSoftkey, name: "softkey_templates",
		cols: []string{"name", "description", "sets"},
		vals: func(e store.Entity) []any {
			v := e.(*store.SoftkeyTemplate)
			return []any{v.Name, v.Description, jsonText(v.Sets)}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.SoftkeyTemplate{}
			var sets string
			if err := scan(&v.Name, &v.Description, &sets); err != nil {
				return nil, err
			}
			return v, fromJSON(sets, &v.Sets)
		},
	},
	store.KindDevice: {
		kind: store.KindDevice, name: "devices",
		cols: []string{"name", "mac", "description", "model", "protocol", "pool", "softkey_template", "sip_profile", "dial_plan",
			"security_mode", "load", "user_locale", "network_locale", "urls", "auto_registered"},
		vals: func(e store.Entity) []any {
			v := e.(*store.Device)
			return []any{v.Name, nullable(v.MAC), v.Description, v.Model, v.Protocol, v.Pool, nullable(v.SoftkeyTemplate), nullable(v.SIPProfile),
				nullable(v.DialPlan), v.SecurityMode, v.Load, v.UserLocale, v.NetworkLocale, jsonText(v.URLs), v.AutoRegistered}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Device{}
			var mac, sk, sp, dp sql.NullString
			var urls string
			if err := scan(&v.Name, &mac, &v.Description, &v.Model, &v.Protocol, &v.Pool, &sk, &sp, &dp,
				&v.SecurityMode, &v.Load, &v.UserLocale, &v.NetworkLocale, &urls, &v.AutoRegistered); err != nil {
				return nil, err
			}
			v.MAC, v.SoftkeyTemplate, v.SIPProfile, v.DialPlan = mac.String, sk.String, sp.String, dp.String
			return v, fromJSON(urls, &v.URLs)
		},
		child: appearances("device_lines", "device", func(e store.Entity) *[]store.Appearance { return &e.(*store.Device).Lines }),
		refs: func(e store.Entity) []ref {
			v := e.(*store.Device)
			rs := []ref{{"model", store.KindModel, v.Model}, {"pool", store.KindPool, v.Pool}}
			if v.SoftkeyTemplate != "" {
				rs = append(rs, ref{"softkeyTemplate", store.KindSoftkey, v.SoftkeyTemplate})
			}
			if v.SIPProfile != "" {
				rs = append(rs, ref{"sipProfile", store.KindSIPProfile, v.SIPProfile})
			}
			if v.DialPlan != "" {
				rs = append(rs, ref{"dialPlan", store.KindDialPlan, v.DialPlan})
			}
			return append(rs, lineRefs(v.Lines)...)
		},
	},
	store.KindProfile: {
		kind: store.KindProfile, name: "device_profiles",
		cols: []string{"name", "description", "dial_plan", "softkey_template", "user_locale"},
		vals: func(e store.Entity) []any {
			v := e.(*store.DeviceProfile)
			return []any{v.Name, v.Description, nullable(v.DialPlan), nullable(v.SoftkeyTemplate), v.UserLocale}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.DeviceProfile{}
			var dp, sk sql.NullString
			if err := scan(&v.Name, &v.Description, &dp, &sk, &v.UserLocale); err != nil {
				return nil, err
			}
			v.DialPlan, v.SoftkeyTemplate = dp.String, sk.String
			return v, nil
		},
		child: appearances("profile_lines", "profile", func(e store.Entity) *[]store.Appearance { return &e.(*store.DeviceProfile).Lines }),
		refs: func(e store.Entity) []ref {
			v := e.(*store.DeviceProfile)
			var rs []ref
			if v.DialPlan != "" {
				rs = append(rs, ref{"dialPlan", store.KindDialPlan, v.DialPlan})
			}
			if v.SoftkeyTemplate != "" {
				rs = append(rs, ref{"softkeyTemplate", store.KindSoftkey, v.SoftkeyTemplate})
			}
			return append(rs, lineRefs(v.Lines)...)
		},
	},
	store.KindLogin: {
		kind: store.KindLogin, name: "logins",
		cols: []string{"device", "profile", "since"},
		vals: func(e store.Entity) []any { v := e.(*store.Login); return []any{v.Device, v.Profile, micros(v.Since)} },
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Login{}
			var since int64
			err := scan(&v.Device, &v.Profile, &since)
			v.Since = fromMicros(since)
			return v, err
		},
		refs: func(e store.Entity) []ref {
			v := e.(*store.Login)
			return []ref{{"device", store.KindDevice, v.Device}, {"profile", store.KindProfile, v.Profile}}
		},
	},
	store.KindEnterprise: paramTable(store.KindEnterprise, "enterprise_params"),
	store.KindService:    paramTable(store.KindService, "service_params"),
	store.KindFile: {
		kind: store.KindFile, name: "custom_files",
		cols:     []string{"name", "data", "size", "sha256", "modified"},
		listCols: []string{"name", "NULL", "size", "sha256", "modified"},
		vals: func(e store.Entity) []any {
			v := e.(*store.CustomFile)
			data := v.Data
			if data == nil {
				data = []byte{}
			}
			return []any{v.Name, data, v.Size, v.SHA256, micros(v.Modified)}
		},
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.CustomFile{}
			var mod int64
			err := scan(&v.Name, &v.Data, &v.Size, &v.SHA256, &mod)
			v.Modified = fromMicros(mod)
			return v, err
		},
	},
}

func paramTable(k store.Kind, name string) *table {
	return &table{
		kind: k, name: name,
		cols: []string{"name", "value"},
		vals: func(e store.Entity) []any { v := e.(*store.Param); return []any{v.Name, v.Value} },
		scan: func(scan func(...any) error) (store.Entity, error) {
			v := &store.Param{Scope: k}
			return v, scan(&v.Name, &v.Value)
		},
	}
}

func appearances(name, parent string, lines func(store.Entity) *[]store.Appearance) *child {
	return &child{name: name, parent: parent, pos: "button", val: "line",
		get: func(e store.Entity) []pair {
			var ps []pair
			for _, a := range *lines(e) {
				ps = append(ps, pair{a.Button, a.Line})
			}
			return ps
		},
		set: func(e store.Entity, ps []pair) {
			l := lines(e)
			*l = (*l)[:0]
			for _, p := range ps {
				*l = append(*l, store.Appearance{Button: p.pos, Line: p.val})
			}
		}}
}

func lineRefs(as []store.Appearance) []ref {
	rs := make([]ref, 0, len(as))
	for _, a := range as {
		rs = append(rs, ref{"lines", store.KindLine, a.Line})
	}
	return rs
}

func (t *table) selectSQL(list bool) string {
	cols := t.cols
	if list && t.listCols != nil {
		cols = t.listCols
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }
