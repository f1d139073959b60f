package built

import (
	"context"

	"cmtftp/internal/build"
	"cmtftp/internal/store"
)

// Records lets the builders read records straight from a store.
type Records struct {
	Ctx   context.Context
	Store store.Store
}

var _ build.Records = Records{}

// DeviceConfig implements build.Records.
func (r Records) DeviceConfig(name string) (*store.DeviceConfig, error) {
	return r.Store.DeviceConfig(r.Ctx, name)
}

// DialPlan implements build.Records.
func (r Records) DialPlan(name string) (*store.DialPlan, error) {
	return store.Get[*store.DialPlan](r.Ctx, r.Store, name)
}

// Softkey implements build.Records.
func (r Records) Softkey(name string) (*store.SoftkeyTemplate, error) {
	return store.Get[*store.SoftkeyTemplate](r.Ctx, r.Store, name)
}

// Defaults implements build.Records: the groups, pools, servers, models and
// parameters the default files need.
func (r Records) Defaults() (*build.DefaultConfig, error) {
	site, err := store.LoadSite(r.Ctx, r.Store, store.KindServer, store.KindGroup, store.KindPool, store.KindModel,
		store.KindEnterprise, store.KindService)
	if err != nil {
		return nil, err
	}
	return build.FromIndex(store.NewIndex(site)).Defaults()
}
