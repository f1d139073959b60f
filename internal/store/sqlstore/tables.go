package sqlstore

import (
	"cmtftp/internal/domain"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// table maps one record kind to its SQL table.
type table struct {
	kind  domain.Kind
	name  string
	cols  []string // key column first
	vals  func(domain.Entity) []any
	scan  func(scan func(...any) error) (domain.Entity, error)
	child *child
	// list omits these columns (replaced by the given expressions) when listing.
	listCols []string
}

// child maps an ordered list inside a record to a child table.
type child struct {
	name, parent, pos, val string
	get                    func(domain.Entity) []pair
	set                    func(domain.Entity, []pair)
}

type pair struct {
	pos int
	val string
}

// user is a column of another table that refers to a record.
type user struct {
	table, col string
	kind       domain.Kind
	key        string // key column of the referring table
}

// usedBy lists, for each kind, the places that refer to it (for "in use" errors).
var usedBy = map[domain.Kind][]user{
	domain.KindServer:     {{"group_members", "server", domain.KindGroup, "group_name"}},
	domain.KindGroup:      {{"pools", "group_name", domain.KindPool, "name"}},
	domain.KindPool:       {{"devices", "pool", domain.KindDevice, "name"}},
	domain.KindModel:      {{"devices", "model", domain.KindDevice, "name"}},
	domain.KindLine:       {{"device_lines", "line", domain.KindDevice, "device"}, {"profile_lines", "line", domain.KindProfile, "profile"}},
	domain.KindSIPProfile: {{"devices", "sip_profile", domain.KindDevice, "name"}},
	domain.KindDialPlan:   {{"devices", "dial_plan", domain.KindDevice, "name"}, {"device_profiles", "dial_plan", domain.KindProfile, "name"}},
	domain.KindSoftkey:    {{"devices", "softkey_template", domain.KindDevice, "name"}, {"device_profiles", "softkey_template", domain.KindProfile, "name"}},
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

var tables = map[domain.Kind]*table{
	domain.KindServer: {
		kind: domain.KindServer, name: "servers",
		cols: []string{"name", "host", "description", "sccp_port", "sccp_tls_port", "sip_port", "sip_tls_port", "mgcp_port", "mgcp_keepalive_port"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Server)
			return []any{v.Name, v.Host, v.Description, v.SCCPPort, v.SCCPTLSPort, v.SIPPort, v.SIPTLSPort, v.MGCPPort, v.MGCPKeepAlivePort}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Server{}
			return v, scan(&v.Name, &v.Host, &v.Description, &v.SCCPPort, &v.SCCPTLSPort, &v.SIPPort, &v.SIPTLSPort, &v.MGCPPort, &v.MGCPKeepAlivePort)
		},
	},
	domain.KindGroup: {
		kind: domain.KindGroup, name: "call_groups",
		cols: []string{"name", "description", "tftp_default"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Group)
			return []any{v.Name, v.Description, v.TFTPDefault}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Group{}
			return v, scan(&v.Name, &v.Description, &v.TFTPDefault)
		},
		child: &child{name: "group_members", parent: "group_name", pos: "priority", val: "server",
			get: func(e domain.Entity) []pair {
				var ps []pair
				for i, s := range e.(*domain.Group).Servers {
					ps = append(ps, pair{i, s})
				}
				return ps
			},
			set: func(e domain.Entity, ps []pair) {
				g := e.(*domain.Group)
				g.Servers = g.Servers[:0]
				for _, p := range ps {
					g.Servers = append(g.Servers, p.val)
				}
			}},
	},
	domain.KindPool: {
		kind: domain.KindPool, name: "pools",
		cols: []string{"name", "group_name", "date_template", "time_zone", "olson_time_zone", "user_locale", "network_locale", "region", "srst"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Pool)
			return []any{v.Name, v.Group, v.DateTemplate, v.TimeZone, v.OlsonTimeZone, v.UserLocale, v.NetworkLocale, v.Region, v.SRST}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Pool{}
			return v, scan(&v.Name, &v.Group, &v.DateTemplate, &v.TimeZone, &v.OlsonTimeZone, &v.UserLocale, &v.NetworkLocale, &v.Region, &v.SRST)
		},
	},
	domain.KindModel: {
		kind: domain.KindModel, name: "models",
		cols: []string{"name", "description", "type_id", "class", "protocols", "xml_config", "sip_files", "sccp_files", "build_selective", "dial_family", "sccp_load", "sip_load", "max_lines", "builtin"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Model)
			return []any{v.Name, v.Description, v.TypeID, v.Class, jsonText(v.Protocols), v.XMLConfig, jsonText(v.SIPFiles), jsonText(v.SCCPFiles),
				v.BuildSelective, v.DialFamily, v.SCCPLoad, v.SIPLoad, v.MaxLines, v.Builtin}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Model{}
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
	domain.KindLine: {
		kind: domain.KindLine, name: "lines",
		cols: []string{"number", "display_name", "label", "auth_name", "auth_password", "voicemail_pilot", "mwi_policy", "max_calls"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Line)
			return []any{v.Number, v.DisplayName, v.Label, v.AuthName, v.AuthPassword, v.VoicemailPilot, v.MWIPolicy, v.MaxCalls}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Line{}
			return v, scan(&v.Number, &v.DisplayName, &v.Label, &v.AuthName, &v.AuthPassword, &v.VoicemailPilot, &v.MWIPolicy, &v.MaxCalls)
		},
	},
	domain.KindSIPProfile: {
		kind: domain.KindSIPProfile, name: "sip_profiles",
		cols: []string{"name", "description", "preferred_codec", "register_with_proxy", "timer_register_expires", "start_media_port", "stop_media_port",
			"dtmf_avt_payload", "nat_enabled", "nat_address", "phone_label", "transport", "voip_control_port"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.SIPProfile)
			return []any{v.Name, v.Description, v.PreferredCodec, v.RegisterWithProxy, v.TimerRegisterExpires, v.StartMediaPort, v.StopMediaPort,
				v.DTMFAvtPayload, v.NATEnabled, v.NATAddress, v.PhoneLabel, v.Transport, v.VoIPControlPort}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.SIPProfile{}
			return v, scan(&v.Name, &v.Description, &v.PreferredCodec, &v.RegisterWithProxy, &v.TimerRegisterExpires, &v.StartMediaPort, &v.StopMediaPort,
				&v.DTMFAvtPayload, &v.NATEnabled, &v.NATAddress, &v.PhoneLabel, &v.Transport, &v.VoIPControlPort)
		},
	},
	domain.KindDialPlan: {
		kind: domain.KindDialPlan, name: "dial_plans",
		cols: []string{"name", "description", "family", "rules"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.DialPlan)
			return []any{v.Name, v.Description, v.Family, jsonText(v.Rules)}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.DialPlan{}
			var rules string
			if err := scan(&v.Name, &v.Description, &v.Family, &rules); err != nil {
				return nil, err
			}
			return v, fromJSON(rules, &v.Rules)
		},
	},
	domain.KindSoftkey: {
		kind: domain.KindSoftkey, name: "softkey_templates",
		cols: []string{"name", "description", "sets"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.SoftkeyTemplate)
			return []any{v.Name, v.Description, jsonText(v.Sets)}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.SoftkeyTemplate{}
			var sets string
			if err := scan(&v.Name, &v.Description, &sets); err != nil {
				return nil, err
			}
			return v, fromJSON(sets, &v.Sets)
		},
	},
	domain.KindDevice: {
		kind: domain.KindDevice, name: "devices",
		cols: []string{"name", "mac", "description", "model", "protocol", "pool", "softkey_template", "sip_profile", "dial_plan",
			"security_mode", "load", "user_locale", "network_locale", "urls", "auto_registered"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Device)
			return []any{v.Name, nullable(v.MAC), v.Description, v.Model, v.Protocol, v.Pool, nullable(v.SoftkeyTemplate), nullable(v.SIPProfile),
				nullable(v.DialPlan), v.SecurityMode, v.Load, v.UserLocale, v.NetworkLocale, jsonText(v.URLs), v.AutoRegistered}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Device{}
			var mac, sk, sp, dp sql.NullString
			var urls string
			if err := scan(&v.Name, &mac, &v.Description, &v.Model, &v.Protocol, &v.Pool, &sk, &sp, &dp,
				&v.SecurityMode, &v.Load, &v.UserLocale, &v.NetworkLocale, &urls, &v.AutoRegistered); err != nil {
				return nil, err
			}
			v.MAC, v.SoftkeyTemplate, v.SIPProfile, v.DialPlan = mac.String, sk.String, sp.String, dp.String
			return v, fromJSON(urls, &v.URLs)
		},
		child: appearances("device_lines", "device", func(e domain.Entity) *[]domain.Appearance { return &e.(*domain.Device).Lines }),
	},
	domain.KindProfile: {
		kind: domain.KindProfile, name: "device_profiles",
		cols: []string{"name", "description", "dial_plan", "softkey_template", "user_locale"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.DeviceProfile)
			return []any{v.Name, v.Description, nullable(v.DialPlan), nullable(v.SoftkeyTemplate), v.UserLocale}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.DeviceProfile{}
			var dp, sk sql.NullString
			if err := scan(&v.Name, &v.Description, &dp, &sk, &v.UserLocale); err != nil {
				return nil, err
			}
			v.DialPlan, v.SoftkeyTemplate = dp.String, sk.String
			return v, nil
		},
		child: appearances("profile_lines", "profile", func(e domain.Entity) *[]domain.Appearance { return &e.(*domain.DeviceProfile).Lines }),
	},
	domain.KindLogin: {
		kind: domain.KindLogin, name: "logins",
		cols: []string{"device", "profile", "since"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.Login)
			return []any{v.Device, v.Profile, micros(v.Since)}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Login{}
			var since int64
			err := scan(&v.Device, &v.Profile, &since)
			v.Since = fromMicros(since)
			return v, err
		},
	},
	domain.KindEnterprise: paramTable(domain.KindEnterprise, "enterprise_params"),
	domain.KindService:    paramTable(domain.KindService, "service_params"),
	domain.KindFile: {
		kind: domain.KindFile, name: "custom_files",
		cols:     []string{"name", "data", "size", "sha256", "modified"},
		listCols: []string{"name", "NULL", "size", "sha256", "modified"},
		vals: func(e domain.Entity) []any {
			v := e.(*domain.CustomFile)
			data := v.Data
			if data == nil {
				data = []byte{}
			}
			return []any{v.Name, data, v.Size, v.SHA256, micros(v.Modified)}
		},
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.CustomFile{}
			var mod int64
			err := scan(&v.Name, &v.Data, &v.Size, &v.SHA256, &mod)
			v.Modified = fromMicros(mod)
			return v, err
		},
	},
}

func paramTable(k domain.Kind, name string) *table {
	return &table{
		kind: k, name: name,
		cols: []string{"name", "value"},
		vals: func(e domain.Entity) []any { v := e.(*domain.Param); return []any{v.Name, v.Value} },
		scan: func(scan func(...any) error) (domain.Entity, error) {
			v := &domain.Param{Scope: k}
			return v, scan(&v.Name, &v.Value)
		},
	}
}

func appearances(name, parent string, lines func(domain.Entity) *[]domain.Appearance) *child {
	return &child{name: name, parent: parent, pos: "button", val: "line",
		get: func(e domain.Entity) []pair {
			var ps []pair
			for _, a := range *lines(e) {
				ps = append(ps, pair{a.Button, a.Line})
			}
			return ps
		},
		set: func(e domain.Entity, ps []pair) {
			l := lines(e)
			*l = (*l)[:0]
			for _, p := range ps {
				*l = append(*l, domain.Appearance{Button: p.pos, Line: p.val})
			}
		}}
}

func (t *table) selectSQL(list bool) string {
	cols := t.cols
	if list && t.listCols != nil {
		cols = t.listCols
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }
