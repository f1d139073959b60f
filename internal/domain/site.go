package domain

// Site is a whole configuration as one document: what `cmtftp apply` takes
// and `cmtftp export` writes. Lists are applied in field order, which is the
// dependency order.
type Site struct {
	Servers     []*Server          `json:"servers,omitempty" yaml:"servers,omitempty"`
	Groups      []*Group           `json:"groups,omitempty" yaml:"groups,omitempty"`
	Pools       []*Pool            `json:"pools,omitempty" yaml:"pools,omitempty"`
	Models      []*Model           `json:"models,omitempty" yaml:"models,omitempty"`
	Lines       []*Line            `json:"lines,omitempty" yaml:"lines,omitempty"`
	SIPProfiles []*SIPProfile      `json:"sipProfiles,omitempty" yaml:"sipProfiles,omitempty"`
	DialPlans   []*DialPlan        `json:"dialPlans,omitempty" yaml:"dialPlans,omitempty"`
	Softkeys    []*SoftkeyTemplate `json:"softkeyTemplates,omitempty" yaml:"softkeyTemplates,omitempty"`
	Devices     []*Device          `json:"devices,omitempty" yaml:"devices,omitempty"`
	Gateways    []*Gateway         `json:"gateways,omitempty" yaml:"gateways,omitempty"`
	Profiles    []*DeviceProfile   `json:"deviceProfiles,omitempty" yaml:"deviceProfiles,omitempty"`
	Logins      []*Login           `json:"logins,omitempty" yaml:"logins,omitempty"`
	Enterprise  []*Param           `json:"enterpriseParameters,omitempty" yaml:"enterpriseParameters,omitempty"`
	Service     []*Param           `json:"serviceParameters,omitempty" yaml:"serviceParameters,omitempty"`
	Files       []*CustomFile      `json:"files,omitempty" yaml:"files,omitempty"`
	// RemoteClusters are listed in search order: one without a priority
	// gets its 1-based position in the list.
	RemoteClusters []*RemoteCluster `json:"remoteClusters,omitempty" yaml:"remoteClusters,omitempty"`
}

// Entities returns the site's records in dependency order. Parameters get
// their scope set from the list they are in.
func (s *Site) Entities() []Entity {
	var out []Entity
	for _, ki := range kindTable {
		out = append(out, ki.list(s)...)
	}
	return out
}

// Add puts a record into the site's list for its kind.
func (s *Site) Add(e Entity) {
	if p, ok := e.(*Param); ok && p.Scope == "" {
		p.Scope = KindEnterprise
	}
	if ki, ok := Describe(e.Kind()); ok {
		ki.add(s, e)
	}
}

// Params returns the site's stored parameters, both scopes.
func (s *Site) Params() []Param {
	out := make([]Param, 0, len(s.Enterprise)+len(s.Service))
	for _, p := range s.Enterprise {
		out = append(out, Param{Scope: KindEnterprise, Name: p.Name, Value: p.Value})
	}
	for _, p := range s.Service {
		out = append(out, Param{Scope: KindService, Name: p.Name, Value: p.Value})
	}
	return out
}
