package assembly

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/timeline"
)

// knownDevices is the set of MACs of the devices in the database, for the
// boot timeline: loaded at start and on a resync (streamed, one device at
// a time), kept up to date by each device change, asked in O(1). It is
// compact at a million devices: one map slot of two words per MAC, keyed
// by the MAC as a number. A device named SEP<its MAC> — nearly all of them
// — is recorded by that slot alone; only the others are remembered by
// name, so that a change of their MAC or their deletion finds the old one.
type knownDevices struct {
	store  store.Store
	logger *slog.Logger

	mu    sync.RWMutex
	macs  map[uint64]knownMAC
	other map[string]uint64 // a device whose name is not SEP<its MAC> → its MAC
}

// knownMAC is what the set holds of one MAC: how many devices have it,
// and whether the one named SEP<MAC> is one of them.
type knownMAC struct {
	n   uint32
	sep bool
}

var _ store.ChangeHandler = (*knownDevices)(nil)

func newKnownDevices(st store.Store, logger *slog.Logger) *knownDevices {
	return &knownDevices{store: st, logger: logger, macs: map[uint64]knownMAC{}, other: map[string]uint64{}}
}

// Known reports whether a device in the database has mac (as
// timeline.MACNumber gives it).
func (k *knownDevices) Known(mac uint64) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.macs[mac].n > 0
}

// KnownMAC is Known of a MAC of 12 hex digits.
func (k *knownDevices) KnownMAC(mac string) bool {
	n, ok := timeline.MACNumber(mac)
	return ok && k.Known(n)
}

// HandleChange implements store.ChangeHandler.
func (k *knownDevices) HandleChange(ctx context.Context, c store.Change) {
	switch c.Kind {
	case store.KindResync:
		if err := k.reload(ctx); err != nil {
			k.logger.Warn("known devices for the timeline not reloaded", "err", err)
		}
	case domain.KindGateway:
		k.mu.Lock()
		defer k.mu.Unlock()
		k.setGateway(c.Key, c.Op != store.OpDelete)
	case domain.KindDevice:
		if mac, ok := sepMAC(c.Key); ok {
			// A SEP<MAC> device has that MAC (the domain refuses any
			// other), so its change needs no read: an import of a million
			// phones would otherwise cost the server a million reads.
			k.mu.Lock()
			defer k.mu.Unlock()
			k.set(c.Key, mac, c.Op != store.OpDelete)
			return
		}
		d, err := store.Get[*domain.Device](ctx, k.store, c.Key)
		var mac uint64
		has := false
		switch {
		case err == nil:
			mac, has = macOfDevice(d)
		case !errors.Is(err, domain.ErrNotFound):
			k.logger.Warn("known device for the timeline not read", "device", c.Key, "err", err)
			return
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		k.set(c.Key, mac, has)
	}
}

// reload reads every device, one at a time, into a new set, and then
// puts it in place of the old: requests are not held up by the reading.
func (k *knownDevices) reload(ctx context.Context) error {
	k.mu.RLock()
	fresh := &knownDevices{macs: make(map[uint64]knownMAC, len(k.macs)), other: map[string]uint64{}}
	k.mu.RUnlock()
	err := store.Each(ctx, k.store, domain.KindDevice, func(e domain.Entity) error {
		d, ok := e.(*domain.Device)
		if !ok {
			return nil
		}
		mac, has := macOfDevice(d)
		fresh.set(d.Name, mac, has)
		return nil
	})
	if err != nil {
		return err
	}
	err = store.Each(ctx, k.store, domain.KindGateway, func(e domain.Entity) error {
		fresh.setGateway(e.Key(), true)
		return nil
	})
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.macs, k.other = fresh.macs, fresh.other
	return nil
}

// setGateway records the timeline keys of the gateway named name (has
// false: deleted): the key its name gives, and for an ATA its second
// port's; the caller holds mu. Both come from the name alone.
func (k *knownDevices) setGateway(name string, has bool) {
	key, ok := timeline.GatewayKey(name)
	k.set(gatewayPrefix+name, key, has && ok)
	if len(name) == 15 && strings.HasPrefix(name, domain.PrefixATA) {
		p2, ok := timeline.MACNumber(domain.ATAPort2Name(name[3:])[3:])
		k.set(gatewayPrefix+"2:"+name, p2, has && ok)
	}
}

// gatewayPrefix sets gateways apart from devices in other: a gateway and
// a device may share a name.
const gatewayPrefix = "\x00gateway:"

// set records that device name has mac (has false: none, or deleted);
// the caller holds mu.
func (k *knownDevices) set(name string, mac uint64, has bool) {
	sep, isSEP := sepMAC(name)
	if old, ok := k.other[name]; ok {
		k.drop(old, false)
		delete(k.other, name)
	} else if isSEP && k.macs[sep].sep {
		k.drop(sep, true)
	}
	switch {
	case !has:
	case isSEP && sep == mac:
		e := k.macs[mac]
		e.n++
		e.sep = true
		k.macs[mac] = e
	default:
		k.other[name] = mac
		e := k.macs[mac]
		e.n++
		k.macs[mac] = e
	}
}

// drop counts one device fewer with mac: the SEP<MAC> one when sep.
func (k *knownDevices) drop(mac uint64, sep bool) {
	e := k.macs[mac]
	if e.n--; e.n == 0 {
		delete(k.macs, mac)
		return
	}
	if sep {
		e.sep = false
	}
	k.macs[mac] = e
}

// sepMAC is the MAC a device name SEP<12 hex digits> spells.
func sepMAC(name string) (uint64, bool) {
	if len(name) != 15 || !strings.EqualFold(name[:3], "SEP") {
		return 0, false
	}
	return timeline.MACNumber(name[3:])
}

// macOfDevice is a device's MAC, from its MAC field or its SEP<MAC> name;
// has is false when it has none a request could carry.
func macOfDevice(d *domain.Device) (mac uint64, has bool) {
	if d.MAC != "" {
		m, err := domain.ParseMAC(d.MAC)
		if err != nil {
			return 0, false
		}
		return timeline.MACNumber(m)
	}
	return sepMAC(d.Name)
}
