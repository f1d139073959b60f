// Package store owns cmtftp's configuration database: the Store interface
// both backends implement, the change feed that tells the serving chain what
// to rebuild, and helpers over any Store. The records themselves are the
// domain package's.
package store

import (
	"cmtftp/internal/domain"
	"context"
	"fmt"
	"time"
)

// Store is the configuration database. Both backends (sqlite, postgres)
// implement it and pass the storetest suite. Every write validates with
// Normalize, checks references, and is one transaction.
type Store interface {
	// Get returns the record of kind k with key.
	Get(ctx context.Context, k domain.Kind, key string) (domain.Entity, error)
	// List returns every record of kind k, ordered by key. Custom files are
	// listed without their data.
	List(ctx context.Context, k domain.Kind) ([]domain.Entity, error)
	// Put creates or replaces a record; changed is false when the stored
	// record already had these values (nothing was written, no event).
	Put(ctx context.Context, e domain.Entity) (changed bool, err error)
	// Create adds a record that must not exist yet (ErrExists otherwise).
	Create(ctx context.Context, e domain.Entity) error
	// Delete removes a record (ErrNotFound, ErrInUse when referred to).
	Delete(ctx context.Context, k domain.Kind, key string) error
	// Apply writes a whole site document in one transaction: every record
	// is created or replaced; nothing is written if any record fails.
	Apply(ctx context.Context, s *domain.Site) (ApplyResult, error)
	// DeviceConfig loads one device with everything its files need.
	DeviceConfig(ctx context.Context, device string) (*domain.DeviceConfig, error)
	// GatewayConfig loads one gateway with everything its files need;
	// name may also be an ATA 190's second port's (ATA<shifted MAC>).
	GatewayConfig(ctx context.Context, name string) (*domain.GatewayConfig, error)
	// Changes streams change events with IDs above after, until ctx ends
	// or the database fails (the channel closes: reopen from the last ID
	// received, as Follow does). A writer anywhere — this process, another
	// server, plain SQL — causes events. If the log was pruned past after,
	// or is pruned past the reader while it follows, a KindResync event
	// comes first.
	Changes(ctx context.Context, after int64) (<-chan Change, error)
	// LastChange returns the ID of the newest change event (0 if none).
	LastChange(ctx context.Context) (int64, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Op is what happened to a record.
type Op string

// Change operations.
const (
	OpInsert Op = "insert"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Change is one committed change to the configuration: kind and key of the
// record (for a device's lines, the device; for a login, the device).
type Change struct {
	ID   int64       `json:"id"`
	Kind domain.Kind `json:"kind"`
	Key  string      `json:"key"`
	Op   Op          `json:"op"`
	At   time.Time   `json:"at"`
}

func (c Change) String() string { return fmt.Sprintf("#%d %s %s %q", c.ID, c.Op, c.Kind, c.Key) }

// ApplyResult counts what Apply did.
type ApplyResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Get is the typed form of Store.Get: store.Get[*domain.Device](ctx, s, name).
// Parameters have two kinds; read them with Store.Get.
func Get[T domain.Entity](ctx context.Context, s Store, key string) (T, error) {
	var zero T
	k := zero.Kind()
	e, err := s.Get(ctx, k, key)
	if err != nil {
		return zero, err
	}
	return e.(T), nil
}

// List is the typed form of Store.List.
func List[T domain.Entity](ctx context.Context, s Store) ([]T, error) {
	var zero T
	es, err := s.List(ctx, zero.Kind())
	if err != nil {
		return nil, err
	}
	out := make([]T, len(es))
	for i, e := range es {
		out[i] = e.(T)
	}
	return out, nil
}
