package store

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
	Profiles    []*DeviceProfile   `json:"deviceProfiles,omitempty" yaml:"deviceProfiles,omitempty"`
	Logins      []*Login           `json:"logins,omitempty" yaml:"logins,omitempty"`
	Enterprise  []*Param           `json:"enterpriseParameters,omitempty" yaml:"enterpriseParameters,omitempty"`
	Service     []*Param           `json:"serviceParameters,omitempty" yaml:"serviceParameters,omitempty"`
	Files       []*CustomFile      `json:"files,omitempty" yaml:"files,omitempty"`
}

// Entities returns the site's records in dependency order. Parameters get
// their scope set from the list they are in.
func (s *Site) Entities() []Entity {
	var out []Entity
	add := func(es ...Entity) { out = append(out, es...) }
	for _, e := range s.Servers {
		add(e)
	}
	for _, e := range s.Groups {
		add(e)
	}
	for _, e := range s.Pools {
		add(e)
	}
	for _, e := range s.Models {
		add(e)
	}
	for _, e := range s.Lines {
		add(e)
	}
	for _, e := range s.SIPProfiles {
		add(e)
	}
	for _, e := range s.DialPlans {
		add(e)
	}
	for _, e := range s.Softkeys {
		add(e)
	}
	for _, e := range s.Devices {
		add(e)
	}
	for _, e := range s.Profiles {
		add(e)
	}
	for _, e := range s.Logins {
		add(e)
	}
	for _, e := range s.Enterprise {
		e.Scope = KindEnterprise
		add(e)
	}
	for _, e := range s.Service {
		e.Scope = KindService
		add(e)
	}
	for _, e := range s.Files {
		add(e)
	}
	return out
}

// Add puts a record into the site's list for its kind.
func (s *Site) Add(e Entity) {
	switch v := e.(type) {
	case *Server:
		s.Servers = append(s.Servers, v)
	case *Group:
		s.Groups = append(s.Groups, v)
	case *Pool:
		s.Pools = append(s.Pools, v)
	case *Model:
		s.Models = append(s.Models, v)
	case *Line:
		s.Lines = append(s.Lines, v)
	case *SIPProfile:
		s.SIPProfiles = append(s.SIPProfiles, v)
	case *DialPlan:
		s.DialPlans = append(s.DialPlans, v)
	case *SoftkeyTemplate:
		s.Softkeys = append(s.Softkeys, v)
	case *Device:
		s.Devices = append(s.Devices, v)
	case *DeviceProfile:
		s.Profiles = append(s.Profiles, v)
	case *Login:
		s.Logins = append(s.Logins, v)
	case *Param:
		if v.Scope == KindService {
			s.Service = append(s.Service, v)
		} else {
			s.Enterprise = append(s.Enterprise, v)
		}
	case *CustomFile:
		s.Files = append(s.Files, v)
	}
}
