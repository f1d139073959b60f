package built

import (
	"context"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
)

// Records lets the builders read records straight from a store.
type Records struct {
	Ctx   context.Context
	Store store.Store
}

var _ render.Records = Records{}

// DeviceConfig implements render.Records.
func (r Records) DeviceConfig(name string) (*domain.DeviceConfig, error) {
	return r.Store.DeviceConfig(r.Ctx, name)
}

// DialPlan implements render.Records.
func (r Records) DialPlan(name string) (*domain.DialPlan, error) {
	return store.Get[*domain.DialPlan](r.Ctx, r.Store, name)
}

// Softkey implements render.Records.
func (r Records) Softkey(name string) (*domain.SoftkeyTemplate, error) {
	return store.Get[*domain.SoftkeyTemplate](r.Ctx, r.Store, name)
}

// Defaults implements render.Records: the groups, pools, servers, models and
// parameters the default files need.
func (r Records) Defaults() (*render.DefaultConfig, error) {
	site, err := store.LoadSite(r.Ctx, r.Store, domain.KindServer, domain.KindGroup, domain.KindPool, domain.KindModel,
		domain.KindEnterprise, domain.KindService)
	if err != nil {
		return nil, err
	}
	return render.FromIndex(domain.NewIndex(site)).Defaults()
}
