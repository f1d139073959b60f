package built

import (
	"context"
	"errors"
	"fmt"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
)

// Load reads from st the records the file t is rendered from (what
// t.Kind.Needs names), and nothing else: one device's or gateway's
// configuration, one dial plan or softkey template, or the records of the
// default files. A
// record that does not exist is render.ErrNotBuilt (wrapping the store's
// error); any other error is the store's.
func Load(ctx context.Context, st store.Store, t render.Target) (render.Records, error) {
	var r render.Records
	var err error
	switch t.Kind.Needs() {
	case render.NeedDevice:
		r.Device, err = st.DeviceConfig(ctx, t.Key)
	case render.NeedDialPlan:
		r.DialPlan, err = store.Get[*domain.DialPlan](ctx, st, t.Key)
	case render.NeedSoftkey:
		r.Softkey, err = store.Get[*domain.SoftkeyTemplate](ctx, st, t.Key)
	case render.NeedDefaults:
		r.Defaults, err = loadDefaults(ctx, st)
	case render.NeedGateway:
		r.Gateway, err = st.GatewayConfig(ctx, t.Key)
	default:
		return r, fmt.Errorf("%w: %q", render.ErrNotBuilt, t.Name)
	}
	if errors.Is(err, domain.ErrNotFound) {
		return render.Records{}, fmt.Errorf("%w: %w", render.ErrNotBuilt, err)
	}
	return r, err
}

// loadDefaults reads the groups, pools, servers, models and parameters
// the default files need.
func loadDefaults(ctx context.Context, st store.Store) (*render.DefaultConfig, error) {
	site, err := store.LoadSite(ctx, st, domain.KindServer, domain.KindGroup, domain.KindPool, domain.KindModel,
		domain.KindEnterprise, domain.KindService)
	if err != nil {
		return nil, err
	}
	return render.NewDefaultConfig(domain.NewIndex(site))
}

// Render renders the file a request for name gets from st, with the
// records it came from (for "cmtftp show -v"): Resolve, Load and
// render.Render, the path the Source serves. A name that is not a built
// file is render.ErrNotBuilt.
func Render(ctx context.Context, st store.Store, name string) ([]byte, []string, error) {
	t, ok := render.Resolve(name)
	if !ok {
		return nil, nil, render.ErrNotBuilt
	}
	r, err := Load(ctx, st, t)
	if err != nil {
		return nil, nil, err
	}
	b, err := render.Render(t, r)
	if err != nil {
		return nil, nil, err
	}
	return b, render.Sources(t, r), nil
}
