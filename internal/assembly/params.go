package assembly

import (
	"context"
	"log/slog"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// paramFollower is the feed consumer for everything that follows the
// parameters (the Maximum Serving Count, Enable Caching of Configuration
// Files, Log Missed Files, auto-registration): on a parameter change or a
// resync it reads them once and hands them to each setter.
type paramFollower struct {
	store  store.Store
	logger *slog.Logger
	apply  []func(domain.ParamValues)
}

var _ store.ChangeHandler = (*paramFollower)(nil)

// HandleChange implements store.ChangeHandler.
func (p *paramFollower) HandleChange(ctx context.Context, c store.Change) {
	if c.Kind != domain.KindService && c.Kind != domain.KindEnterprise && c.Kind != store.KindResync {
		return
	}
	v, _, err := store.LoadParams(ctx, p.store)
	if err != nil {
		if p.logger != nil {
			p.logger.Warn("service parameters unreadable; keeping the current values", "err", err)
		}
		return
	}
	for _, f := range p.apply {
		f(v)
	}
}
