package sitebuild

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// buildSite is what build reads from the store before it streams the
// devices: the records many devices share, whole (pools, groups, servers,
// models, profiles, dial plans, softkey templates, gateways, parameters
// …) with the lines the gateways carry, the lines packed (lineTable), and
// the logins by device.
type buildSite struct {
	shared   *domain.Site
	lines    lineTable
	logins   map[string]*domain.Login
	profiles map[string]*domain.DeviceProfile
}

// sharedKinds are the kinds build loads whole: every kind but devices,
// lines and logins (read apart) and custom files (served as they are).
func sharedKinds() []domain.Kind {
	var out []domain.Kind
	for _, k := range domain.Kinds() {
		switch k {
		case domain.KindDevice, domain.KindLine, domain.KindLogin, domain.KindFile:
		default:
			out = append(out, k)
		}
	}
	return out
}

// loadBuildSite reads everything but the devices from s: the shared
// records, the logins and the lines at once, the lines by one reader per
// core, each into its own table, joined when all are in.
func loadBuildSite(ctx context.Context, s store.Lister) (*buildSite, error) {
	b := &buildSite{logins: map[string]*domain.Login{}, profiles: map[string]*domain.DeviceProfile{}}
	var sharedErr, loginErr, lineErr error
	var wg sync.WaitGroup
	wg.Go(func() { b.shared, sharedErr = store.LoadSite(ctx, s, sharedKinds()...) })
	wg.Go(func() {
		loginErr = store.Each(ctx, s, domain.KindLogin, func(e domain.Entity) error {
			l := e.(*domain.Login)
			b.logins[l.Key()] = l
			return nil
		})
	})
	wg.Go(func() { lineErr = b.loadLines(ctx, s) })
	wg.Wait()
	if sharedErr != nil {
		return nil, sharedErr
	}
	if loginErr != nil {
		return nil, fmt.Errorf("build: reading the logins: %w", loginErr)
	}
	if lineErr != nil {
		return nil, fmt.Errorf("build: reading the lines: %w", lineErr)
	}
	for _, p := range b.shared.Profiles {
		b.profiles[p.Key()] = p
	}
	b.addGatewayLines()
	return b, nil
}

// addGatewayLines adds to the shared records the lines the gateways'
// endpoints carry, so that the gateways' files (listed with the shared
// files) are rendered from them; a line not held stays missing, and the
// gateway's GatewayConfig reports it.
func (b *buildSite) addGatewayLines() {
	seen := map[string]bool{}
	for _, g := range b.shared.Gateways {
		for _, e := range g.Endpoints {
			if seen[e.Line] {
				continue
			}
			seen[e.Line] = true
			if l, ok := b.lines.get(e.Line); ok {
				b.shared.Lines = append(b.shared.Lines, l)
			}
		}
	}
}

// loadLines reads the lines of s into b.lines, by one reader per core.
func (b *buildSite) loadLines(ctx context.Context, s store.Lister) error {
	tables := make([]lineTable, runtime.GOMAXPROCS(0))
	err := store.EachSplit(ctx, s, domain.KindLine, len(tables), func(r int, e domain.Entity) error {
		return tables[r].add(e.(*domain.Line))
	})
	if err != nil {
		return err
	}
	b.lines = tables[0]
	for i := range tables[1:] {
		if err := b.lines.merge(&tables[1+i]); err != nil {
			return err
		}
	}
	b.lines.index()
	return nil
}

// index returns an Index of the shared records with devs and the lines and
// logins they need, so that its DeviceConfig assembles each of devs as the
// store would (a line not held stays missing: DeviceConfig reports it).
func (b *buildSite) index(devs []*domain.Device) *domain.Index {
	site := *b.shared
	site.Devices = devs
	site.Lines, site.Logins = nil, nil
	seen := make(map[string]bool, 2*len(devs))
	addLines := func(as []domain.Appearance) {
		for _, a := range as {
			if seen[a.Line] {
				continue
			}
			seen[a.Line] = true
			if l, ok := b.lines.get(a.Line); ok {
				site.Lines = append(site.Lines, l)
			}
		}
	}
	for _, d := range devs {
		addLines(d.Lines)
		if l, ok := b.logins[d.Name]; ok {
			site.Logins = append(site.Logins, l)
			if p, ok := b.profiles[l.Profile]; ok {
				addLines(p.Lines)
			}
		}
	}
	return domain.NewIndex(&site)
}
