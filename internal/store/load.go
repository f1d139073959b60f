package store

import "context"

// LoadSite reads every record of the given kinds (every kind when none is
// given) into a Site. Custom files come without their data, as List gives them.
func LoadSite(ctx context.Context, s Store, kinds ...Kind) (*Site, error) {
	if len(kinds) == 0 {
		kinds = Kinds
	}
	site := &Site{}
	for _, k := range kinds {
		es, err := s.List(ctx, k)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			site.Add(e)
		}
	}
	return site, nil
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

// LoadParams reads the stored parameters and returns them with the values
// in effect (stored over defaults).
func LoadParams(ctx context.Context, s Store) (ParamValues, []Param, error) {
	site, err := LoadSite(ctx, s, KindEnterprise, KindService)
	if err != nil {
		return nil, nil, err
	}
	stored := site.Params()
	return EffectiveParams(stored), stored, nil
}
