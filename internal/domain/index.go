package domain

import (
	"fmt"
	"slices"
)

// Index holds a whole site in memory and assembles DeviceConfigs from it
// without a database: for building every file at once (cmtftp build) and
// for tests. Build it with NewIndex; it is read-only afterwards and safe
// for concurrent use.
type Index struct {
	site     *Site
	servers  map[string]*Server
	groups   map[string]*Group
	pools    map[string]*Pool
	models   map[string]*Model
	lines    map[string]*Line
	sip      map[string]*SIPProfile
	plans    map[string]*DialPlan
	softkeys map[string]*SoftkeyTemplate
	devices  map[string]*Device
	profiles map[string]*DeviceProfile
	logins   map[string]*Login
	gateways map[string]*Gateway
	port2    map[string]*Gateway // ATA 190s by their second port's name
	params   ParamValues
}

func index[T Entity](es []T) map[string]T {
	m := make(map[string]T, len(es))
	for _, e := range es {
		m[e.Key()] = e
	}
	return m
}

// NewIndex indexes a site. Models not in the site come from the built-in
// catalogue.
func NewIndex(s *Site) *Index {
	x := &Index{site: s, servers: index(s.Servers), groups: index(s.Groups), pools: index(s.Pools), models: index(s.Models),
		lines: index(s.Lines), sip: index(s.SIPProfiles), plans: index(s.DialPlans), softkeys: index(s.Softkeys),
		devices: index(s.Devices), profiles: index(s.Profiles), logins: index(s.Logins)}
	for _, m := range Catalogue() {
		if _, ok := x.models[m.Name]; !ok {
			x.models[m.Name] = &m
		}
	}
	x.params = EffectiveParams(s.Params())
	x.indexGateways()
	return x
}

// Params returns the effective parameters.
func (x *Index) Params() ParamValues { return x.params }

// Devices returns the device names in site order.
func (x *Index) Devices() []string {
	out := make([]string, len(x.site.Devices))
	for i, d := range x.site.Devices {
		out[i] = d.Name
	}
	return out
}

// Models returns every model, catalogue and the site's, by name.
func (x *Index) Models() []Model {
	out := make([]Model, 0, len(x.models))
	for _, m := range x.models {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Model) int { return a.TypeID - b.TypeID })
	return out
}

// DialPlan returns a dial plan by name.
func (x *Index) DialPlan(name string) (*DialPlan, error) {
	if p, ok := x.plans[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w: dial plan %q", ErrNotFound, name)
}

// Softkey returns a softkey template by name.
func (x *Index) Softkey(name string) (*SoftkeyTemplate, error) {
	if t, ok := x.softkeys[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("%w: softkey template %q", ErrNotFound, name)
}

// DialPlans returns every dial plan.
func (x *Index) DialPlans() []*DialPlan { return x.site.DialPlans }

// Softkeys returns every softkey template.
func (x *Index) Softkeys() []*SoftkeyTemplate { return x.site.Softkeys }

// GroupServers returns a group and its servers in priority order.
func (x *Index) GroupServers(name string) (Group, []Server, error) {
	g, ok := x.groups[name]
	if !ok {
		return Group{}, nil, fmt.Errorf("%w: group %q", ErrNotFound, name)
	}
	var ss []Server
	for _, n := range g.Servers {
		s, ok := x.servers[n]
		if !ok {
			return Group{}, nil, fmt.Errorf("%w: server %q of group %q", ErrNotFound, n, name)
		}
		ss = append(ss, *s)
	}
	return *g, ss, nil
}

// DefaultGroup returns the group of the auto-registration pool, or the
// first group marked tftpDefault, or the first group.
func (x *Index) DefaultGroup() (Group, []Server, error) {
	if p, ok := x.pools[x.params[ParamAutoRegistrationPool]]; ok {
		return x.GroupServers(p.Group)
	}
	for _, g := range x.site.Groups {
		if g.TFTPDefault {
			return x.GroupServers(g.Name)
		}
	}
	if len(x.site.Groups) > 0 {
		return x.GroupServers(x.site.Groups[0].Name)
	}
	return Group{}, nil, fmt.Errorf("%w: no call-control group", ErrNotFound)
}

// DeviceConfig assembles one device's configuration, as Store.DeviceConfig does.
func (x *Index) DeviceConfig(name string) (*DeviceConfig, error) {
	d, ok := x.devices[name]
	if !ok {
		return nil, fmt.Errorf("%w: device %q", ErrNotFound, name)
	}
	c := &DeviceConfig{Device: *d, Params: x.params}
	missing := func(k Kind, key string) error { return fmt.Errorf("%w: %s %q of device %q", ErrNotFound, k, key, name) }
	m, ok := x.models[d.Model]
	if !ok {
		return nil, missing(KindModel, d.Model)
	}
	c.Model = *m
	p, ok := x.pools[d.Pool]
	if !ok {
		return nil, missing(KindPool, d.Pool)
	}
	c.Pool = *p
	var err error
	if c.Group, c.Servers, err = x.GroupServers(p.Group); err != nil {
		return nil, err
	}
	if d.SIPProfile != "" {
		if c.SIPProfile, ok = x.sip[d.SIPProfile]; !ok {
			return nil, missing(KindSIPProfile, d.SIPProfile)
		}
	}
	lines, plan, softkey := d.Lines, d.DialPlan, d.SoftkeyTemplate
	if l, ok := x.logins[name]; ok {
		c.Login = l
		if c.Profile, ok = x.profiles[l.Profile]; !ok {
			return nil, missing(KindProfile, l.Profile)
		}
		lines = c.Profile.Lines
		if c.Profile.DialPlan != "" {
			plan = c.Profile.DialPlan
		}
		if c.Profile.SoftkeyTemplate != "" {
			softkey = c.Profile.SoftkeyTemplate
		}
	}
	for _, a := range lines {
		l, ok := x.lines[a.Line]
		if !ok {
			return nil, missing(KindLine, a.Line)
		}
		c.Lines = append(c.Lines, ConfigLine{Button: a.Button, Line: *l})
	}
	if plan != "" {
		if c.DialPlan, ok = x.plans[plan]; !ok {
			return nil, missing(KindDialPlan, plan)
		}
	}
	if softkey != "" {
		if c.Softkey, ok = x.softkeys[softkey]; !ok {
			return nil, missing(KindSoftkey, softkey)
		}
	}
	return c, nil
}
