package main

import (
	"context"
	"log/slog"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/source/alternate"
	"cmtftp/internal/source/built"
	"cmtftp/internal/source/custom"
	"cmtftp/internal/store"
)

// feed is the server's one reader of the change feed, handing each event
// to every consumer: the chain's sources, and the things that follow the
// service parameters (serving slots, config caching, missed-file logging,
// alternate locations). Any consumer may be nil.
type feed struct {
	st         store.Store
	log        *slog.Logger
	built      *built.Source
	custom     *custom.Source
	alternates *alternate.Locations
	missed     *missedLog
	slots      *source.Slots // nil when --max-serving-count fixes it
}

// start applies the parameters (read now if p is nil) and follows the feed
// until ctx ends.
func (f *feed) start(ctx context.Context, p *domain.ParamValues) {
	if p == nil {
		if v, err := serviceParams(ctx, f.st); err == nil {
			p = &v
		}
	}
	if p != nil {
		f.params(*p)
	}
	if f.built != nil {
		f.built.Invalidate()
	}
	if f.alternates != nil {
		f.alternates.Refresh(ctx)
	}
	store.Follow(ctx, f.st, f.log, func(c store.Change) {
		if f.built != nil {
			f.built.HandleChange(c)
		}
		if f.custom != nil {
			f.custom.HandleChange(c)
		}
		if c.Kind == domain.KindService || c.Kind == store.KindResync {
			if v, err := serviceParams(ctx, f.st); err == nil {
				f.params(v)
			}
			if f.alternates != nil {
				f.alternates.Refresh(ctx)
			}
		}
	})
}

func (f *feed) params(p domain.ParamValues) {
	if f.slots != nil {
		f.slots.SetMax(p.Int(domain.ParamMaxServingCount))
	}
	if f.built != nil {
		f.built.NoCache.Store(!p.Bool(domain.ParamCacheConfigFiles))
	}
	if f.missed != nil {
		f.missed.setParams(p)
	}
}
