package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
)

// ChangeHandler consumes the change feed. A server has one Feed; every
// consumer (the built files, the custom files, the alternate locations,
// whatever follows the service parameters) registers with it.
type ChangeHandler interface {
	// HandleChange is called for each committed change, in order, from the
	// feed's goroutine. A KindResync change means "anything may have
	// changed": the handler reloads what it keeps.
	HandleChange(ctx context.Context, c Change)
}

// Feed is a server's one reader of the change feed (each reader holds a
// database connection): it hands every change to every registered handler.
type Feed struct {
	store    Store
	logger   *slog.Logger
	handlers []ChangeHandler
	changes  *prometheus.CounterVec
}

// NewFeed returns a feed over s that counts its notifications by kind in
// reg (ChangeNotifications); logger may be nil.
func NewFeed(s Store, logger *slog.Logger, reg prometheus.Registerer) *Feed {
	changes := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "change_notifications_total",
		Help: "Change notifications from the database, by kind of record (ChangeNotifications, DeviceChangeNotifications, DialruleChangeNotifications, SoftkeyChangeNotifications, UnitChangeNotifications)."},
		[]string{"kind"})
	for _, k := range domain.Kinds() {
		changes.WithLabelValues(string(k))
	}
	reg.MustRegister(changes)
	return &Feed{store: s, logger: logger, changes: changes}
}

// Register adds handlers; call it before Start.
func (f *Feed) Register(hs ...ChangeHandler) { f.handlers = append(f.handlers, hs...) }

// Start hands every handler a KindResync change (its ID the feed's
// position), so each loads its state before the server serves, then follows the feed until ctx ends. The
// subscription is made before Start returns. The feed's position is read
// before the handlers load: a change committed while they do (seconds, at
// a large site) is delivered after, never lost.
func (f *Feed) Start(ctx context.Context) {
	last, err := f.store.LastChange(ctx)
	// The resync carries the position its state is loaded from (at least):
	// a handler that tracks what it applied takes it as applied.
	f.deliver(ctx, Change{ID: last, Kind: KindResync, Op: OpUpdate, At: time.Now().UTC()})
	each := func(c Change) {
		f.changes.WithLabelValues(string(c.Kind)).Inc()
		f.deliver(ctx, c)
	}
	if err != nil { // the database is away: Follow resyncs when it opens
		Follow(ctx, f.store, f.logger, each)
		return
	}
	FollowFrom(ctx, f.store, last, f.logger, each)
}

func (f *Feed) deliver(ctx context.Context, c Change) {
	for _, h := range f.handlers {
		h.HandleChange(ctx, c)
	}
}
