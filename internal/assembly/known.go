package assembly

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// knownDevices is the set of MACs of the devices in the database, for the
// boot timeline: loaded at start and on a resync, kept up to date by each
// device change, asked in O(1).
type knownDevices struct {
	store  store.Store
	logger *slog.Logger

	mu     sync.RWMutex
	byName map[string]string // device name → its MAC
	macs   map[string]int    // MAC → devices that have it
}

var _ store.ChangeHandler = (*knownDevices)(nil)

func newKnownDevices(st store.Store, logger *slog.Logger) *knownDevices {
	return &knownDevices{store: st, logger: logger, byName: map[string]string{}, macs: map[string]int{}}
}

// Known reports whether a device in the database has mac (12 upper-case
// hex digits).
func (k *knownDevices) Known(mac string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.macs[mac] > 0
}

// HandleChange implements store.ChangeHandler.
func (k *knownDevices) HandleChange(ctx context.Context, c store.Change) {
	switch c.Kind {
	case store.KindResync:
		devices, err := store.List[*domain.Device](ctx, k.store)
		if err != nil {
			k.logger.Warn("known devices for the timeline not reloaded", "err", err)
			return
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		clear(k.byName)
		clear(k.macs)
		for _, d := range devices {
			k.set(d.Name, macOfDevice(d))
		}
	case domain.KindDevice:
		d, err := store.Get[*domain.Device](ctx, k.store, c.Key)
		mac := ""
		switch {
		case err == nil:
			mac = macOfDevice(d)
		case !errors.Is(err, domain.ErrNotFound):
			k.logger.Warn("known device for the timeline not read", "device", c.Key, "err", err)
			return
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		k.set(c.Key, mac)
	}
}

// set records that device name has mac ("" for none or deleted); the
// caller holds mu.
func (k *knownDevices) set(name, mac string) {
	if old, ok := k.byName[name]; ok {
		if k.macs[old]--; k.macs[old] <= 0 {
			delete(k.macs, old)
		}
		delete(k.byName, name)
	}
	if mac != "" {
		k.byName[name] = mac
		k.macs[mac]++
	}
}

// macOfDevice is a device's MAC, from its MAC field or its SEP<MAC> name.
func macOfDevice(d *domain.Device) string {
	if d.MAC != "" {
		if m, err := domain.ParseMAC(d.MAC); err == nil && len(m) == 12 {
			return m
		}
		return strings.ToUpper(d.MAC)
	}
	if len(d.Name) == 15 && strings.EqualFold(d.Name[:3], "SEP") {
		if m, err := domain.ParseMAC(d.Name[3:]); err == nil {
			return m
		}
	}
	return ""
}
