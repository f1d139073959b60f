package assembly

import (
	"context"
	"fmt"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// resetDevices returns the names of the devices a reset request selects,
// in the store's order (the request's own order for a list of names).
func (s *Server) resetDevices(ctx context.Context, q admin.ResetRequest) ([]string, error) {
	if len(q.Devices) > 0 {
		return uniqueNames(q.Devices), nil
	}
	devices, err := store.List[*domain.Device](ctx, s.store)
	if err != nil {
		return nil, err
	}
	var changed []store.Change
	switch {
	case q.Pool != "":
		if _, err := store.Get[*domain.Pool](ctx, s.store, q.Pool); err != nil {
			return nil, err
		}
		changed = []store.Change{{Kind: domain.KindPool, Key: q.Pool}}
	case q.ChangedSince > 0:
		if changed, err = changesAfter(ctx, s.store, q.ChangedSince); err != nil {
			return nil, err
		}
	default: // all
		changed = []store.Change{{Kind: everyDevice}}
	}
	var rel related
	if hasKind(changed, domain.KindProfile) {
		if rel.logins, err = store.List[*domain.Login](ctx, s.store); err != nil {
			return nil, err
		}
	}
	if hasKind(changed, domain.KindGroup) {
		if rel.pools, err = store.List[*domain.Pool](ctx, s.store); err != nil {
			return nil, err
		}
	}
	return affected(changed, devices, rel), nil
}

// everyDevice is the kind of a change that touches every device.
const everyDevice domain.Kind = "*"

// related are the records affected reads to follow a change of a device
// profile (the logins with it) or a group (its pools) to devices.
type related struct {
	logins []*domain.Login
	pools  []*domain.Pool
}

func hasKind(cs []store.Change, k domain.Kind) bool {
	for _, c := range cs {
		if c.Kind == k {
			return true
		}
	}
	return false
}

// changesAfter reads the change log from after up to its newest event.
func changesAfter(ctx context.Context, st store.Store, after int64) ([]store.Change, error) {
	last, err := st.LastChange(ctx)
	if err != nil || last <= after {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ch, err := st.Changes(ctx, after)
	if err != nil {
		return nil, err
	}
	var out []store.Change
	for c := range ch {
		out = append(out, c)
		if c.ID >= last {
			return out, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading the changes after #%d: %w", after, err)
	}
	return nil, fmt.Errorf("reading the changes after #%d: %w", after, store.ErrUnavailable)
}

// affected returns, in devices' order, the devices whose files the changes
// may have changed: a device (or its login, its lines) itself; the devices
// of a pool, a group, a model, a line, a SIP profile, a dial plan or a
// softkey template changed; those logged in with a device profile changed;
// every device for a parameter, a server, an enterprise setting or service,
// or a resync (changes lost).
func affected(changes []store.Change, devices []*domain.Device, rel related) []string {
	touched := map[domain.Kind]map[string]bool{}
	touch := func(k domain.Kind, key string) {
		if touched[k] == nil {
			touched[k] = map[string]bool{}
		}
		touched[k][key] = true
	}
	for _, c := range changes {
		switch c.Kind {
		case everyDevice, domain.KindServer, domain.KindEnterprise, domain.KindService, store.KindResync:
			touch(everyDevice, "")
		case domain.KindLogin:
			touch(domain.KindDevice, c.Key)
		case domain.KindProfile:
			for _, l := range rel.logins {
				if l.Profile == c.Key {
					touch(domain.KindDevice, l.Device)
				}
			}
		case domain.KindGroup:
			for _, p := range rel.pools {
				if p.Group == c.Key {
					touch(domain.KindPool, p.Name)
				}
			}
		default:
			touch(c.Kind, c.Key)
		}
	}
	var out []string
	for _, d := range devices {
		if touches(touched, d) {
			out = append(out, d.Name)
		}
	}
	return out
}

// touches reports whether d is one of the devices touched names.
func touches(touched map[domain.Kind]map[string]bool, d *domain.Device) bool {
	if touched[everyDevice] != nil || touched[domain.KindDevice][d.Name] || touched[domain.KindPool][d.Pool] ||
		touched[domain.KindModel][d.Model] || touched[domain.KindSIPProfile][d.SIPProfile] ||
		touched[domain.KindDialPlan][d.DialPlan] || touched[domain.KindSoftkey][d.SoftkeyTemplate] {
		return true
	}
	for _, a := range d.Lines {
		if touched[domain.KindLine][a.Line] {
			return true
		}
	}
	return false
}

// uniqueNames returns names without repeats, in their first order: a name
// given twice is one phone, sent one NOTIFY.
func uniqueNames(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
