package render

import "cmtftp/internal/domain"

// DefaultConfig is what the default files are rendered from: the
// auto-registration pool's group (or the group marked tftpDefault), its
// servers, the model catalogue and the parameters.
type DefaultConfig struct {
	Group   domain.Group
	Servers []domain.Server
	Models  []domain.Model
	Params  domain.ParamValues
}

// NewDefaultConfig collects from x what the default files are rendered
// from. With no call-control group it is domain.ErrNotFound (wrapped): the
// site has no default files.
func NewDefaultConfig(x *domain.Index) (*DefaultConfig, error) {
	g, servers, err := x.DefaultGroup()
	if err != nil {
		return nil, err
	}
	return &DefaultConfig{Group: g, Servers: servers, Models: x.Models(), Params: x.Params()}, nil
}

// XMLDefault renders XMLDefault.cnf.xml (spec §3): the call-control group
// for phones not in the database, and one loadInformation<typeID> per
// model with a load for an XML-reading protocol.
func XMLDefault(d *DefaultConfig) []byte {
	w := &xmlw{b: make([]byte, 0, 4096)}
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.open("Default")
	callManagerGroup(w, &d.Group, d.Servers)
	for _, m := range d.Models {
		load := m.SCCPLoad
		if load == "" {
			load = m.SIPLoad
		}
		if !m.XMLConfig || load == "" {
			continue
		}
		w.el("loadInformation"+itoa(m.TypeID), load, "model", firstOf(m.Description, m.Name))
	}
	w.el("authenticationURL", d.Params["authenticationURL"])
	w.el("directoryURL", d.Params["directoryURL"])
	w.el("idleURL", d.Params["idleURL"])
	w.el("informationURL", d.Params["informationURL"])
	w.el("messagesURL", d.Params["messagesURL"])
	w.el("proxyServerURL", d.Params["proxyServerURL"])
	w.el("servicesURL", d.Params["servicesURL"])
	if d.Params.Bool(domain.ParamAutoRegistration) {
		w.el("autoRegistration", "enabled")
	} else {
		w.el("autoRegistration", "disabled")
	}
	w.el("versionStamp", stampHolder)
	w.close("Default")
	return stamp(w.b)
}

// SEPDefaultCnf renders SEPDefault.cnf: the default group's call-control
// list for .cnf phones that are not in the database.
func SEPDefaultCnf(d *DefaultConfig) []byte {
	t := &textw{b: make([]byte, 0, 256)}
	t.comment("SEPDefault.cnf: default legacy configuration built by cmtftp")
	legacyServers(t, d.Servers)
	t.kv("versionStamp", stampHolder)
	return stamp(t.b)
}

// SIPDefaultCnf renders SIPDefault.cnf: the default group's proxies for
// 7940/7960 SIP phones; per-phone keys in SIP<MAC>.cnf override these.
func SIPDefaultCnf(d *DefaultConfig) []byte {
	t := &textw{b: make([]byte, 0, 512)}
	t.comment("SIPDefault.cnf built by cmtftp")
	sipProxyKeys(t, d.Servers, defaultSIPProfile())
	t.kv("services_url", d.Params["servicesURL"])
	t.kv("directory_url", d.Params["directoryURL"])
	t.comment("version " + stampHolder)
	return stamp(t.b)
}
