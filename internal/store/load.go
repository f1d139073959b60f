package store

import (
	"cmtftp/internal/domain"
	"context"
)

// Lister lists the records of a kind: a Store, or the admin API's client.
type Lister interface {
	List(ctx context.Context, k domain.Kind) ([]domain.Entity, error)
}

// LoadSite reads every record of the given kinds (every kind when none is
// given) into a Site. Custom files come without their data, as List gives them.
func LoadSite(ctx context.Context, s Lister, kinds ...domain.Kind) (*domain.Site, error) {
	if len(kinds) == 0 {
		kinds = domain.Kinds()
	}
	site := &domain.Site{}
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

// LoadParams reads the stored parameters and returns them with the values
// in effect (stored over defaults).
func LoadParams(ctx context.Context, s Store) (domain.ParamValues, []domain.Param, error) {
	site, err := LoadSite(ctx, s, domain.KindEnterprise, domain.KindService)
	if err != nil {
		return nil, nil, err
	}
	stored := site.Params()
	return domain.EffectiveParams(stored), stored, nil
}
