package sqlstore_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// twoServers opens two stores on one new database of the backend, as two
// cmtftp servers would share it, storetest.Site written through the first.
func twoServers(t *testing.T, make func(testing.TB) opener) (a, b *sqlstore.DB) {
	open := make(t)
	return siteStore(t, open), openStore(t, open)
}

// sharedDevice is the fixture's SIP phone with a profile logged in.
const sharedDevice = "SEP001122AABB02"

// sharedCase is one change, written by the second server, that the first
// server's next DeviceConfig must show.
type sharedCase struct {
	name   string
	device string
	write  func(ctx context.Context, b *sqlstore.DB) error
	check  func(c *domain.DeviceConfig) error
}

// put returns a write that stores es through the store.
func put(es ...domain.Entity) func(context.Context, *sqlstore.DB) error {
	return func(ctx context.Context, b *sqlstore.DB) error {
		for _, e := range es {
			if _, err := b.Put(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}
}

// plainSQL returns a write that runs qs as an admin in a SQL shell would.
func plainSQL(qs ...string) func(context.Context, *sqlstore.DB) error {
	return func(ctx context.Context, b *sqlstore.DB) error {
		for _, q := range qs {
			if _, err := b.SQL().ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
}

func want(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

func site() *domain.Site { return storetest.Site() }

// sharedCases covers every kind of record DeviceConfig keeps in memory.
func sharedCases() []sharedCase {
	pool := site().Pools[0]
	pool.Region = "Region-B"
	group := site().Groups[0]
	group.Servers = []string{"cm1", "cm2"}
	server := site().Servers[1]
	server.Host = "192.0.2.99"
	plan := site().DialPlans[0]
	plan.Rules = append(plan.Rules, domain.DialRule{Pattern: "9..", Timeout: 3})
	softkey := site().Softkeys[0]
	softkey.Sets = softkey.Sets[:1]
	sp := site().SIPProfiles[0]
	sp.PreferredCodec = "g722"
	profile := site().Profiles[0]
	profile.Description = "moved desk"
	model := &domain.Model{Name: "8865NR", TypeID: 36225, Protocols: []string{"SIP"}, XMLConfig: true,
		SIPFiles: []string{"cnf.xml"}, DialFamily: "79x1", SIPLoad: "sip8845_65.14-2-1", MaxLines: 10}
	model2 := *model
	model2.MaxLines = 4
	return []sharedCase{
		{name: "pool", write: put(pool), check: func(c *domain.DeviceConfig) error {
			return want(c.Pool.Region == "Region-B", "pool region %q", c.Pool.Region)
		}},
		{name: "group members order", write: put(group), check: func(c *domain.DeviceConfig) error {
			return want(len(c.Servers) == 2 && c.Servers[0].Name == "cm1" && slices.Equal(c.Group.Servers, []string{"cm1", "cm2"}),
				"servers %v, group %v", c.Servers, c.Group.Servers)
		}},
		{name: "server", write: put(server), check: func(c *domain.DeviceConfig) error {
			return want(c.Servers[0].Host == "192.0.2.99", "server %+v", c.Servers[0])
		}},
		{name: "server renamed by plain SQL", write: plainSQL("UPDATE servers SET name = 'cm9' WHERE name = 'cm2'"),
			check: func(c *domain.DeviceConfig) error {
				return want(c.Servers[0].Name == "cm9" && c.Group.Servers[0] == "cm9", "servers %v, group %v", c.Servers, c.Group.Servers)
			}},
		{name: "dial plan", write: put(plan), check: func(c *domain.DeviceConfig) error {
			return want(len(c.DialPlan.Rules) == 3, "dial plan rules %v", c.DialPlan.Rules)
		}},
		{name: "softkey template", write: put(softkey), check: func(c *domain.DeviceConfig) error {
			return want(len(c.Softkey.Sets) == 1, "softkey sets %v", c.Softkey.Sets)
		}},
		{name: "enterprise parameter", write: put(&domain.Param{Scope: domain.KindEnterprise, Name: "servicesURL", Value: "http://192.0.2.77/s"}),
			check: func(c *domain.DeviceConfig) error {
				return want(c.Params["servicesURL"] == "http://192.0.2.77/s", "servicesURL %q", c.Params["servicesURL"])
			}},
		{name: "service parameter deleted", write: func(ctx context.Context, b *sqlstore.DB) error {
			return b.Delete(ctx, domain.KindService, "BuildCNFFiles")
		}, check: func(c *domain.DeviceConfig) error {
			return want(c.Params["BuildCNFFiles"] != domain.BuildAll, "BuildCNFFiles %q", c.Params["BuildCNFFiles"])
		}},
		{name: "SIP profile", write: put(sp), check: func(c *domain.DeviceConfig) error {
			return want(c.SIPProfile.PreferredCodec == "g722", "SIP profile %+v", c.SIPProfile)
		}},
		{name: "device profile", write: put(profile), check: func(c *domain.DeviceConfig) error {
			return want(c.Profile.Description == "moved desk", "profile %+v", c.Profile)
		}},
		{name: "model", device: "SEP0011220088AA", write: put(&model2), check: func(c *domain.DeviceConfig) error {
			return want(c.Model.MaxLines == 4, "model %+v", c.Model)
		}},
		{name: "pool, then the log pruned past the copy", write: func(ctx context.Context, b *sqlstore.DB) error {
			line := site().Lines[0]
			line.Label = "pruned"
			if err := put(pool, line)(ctx, b); err != nil {
				return err
			}
			_, err := b.Prune(ctx, -time.Hour) // every row but the newest
			return err
		}, check: func(c *domain.DeviceConfig) error {
			return want(c.Pool.Region == "Region-B", "pool region %q", c.Pool.Region)
		}},
		{name: "pool among many changes", write: func(ctx context.Context, b *sqlstore.DB) error {
			var many domain.Site
			for i := range 1100 {
				many.SIPProfiles = append(many.SIPProfiles, &domain.SIPProfile{Name: fmt.Sprintf("sp-%d", i)})
			}
			many.Pools = []*domain.Pool{pool}
			_, err := b.Apply(ctx, &many)
			return err
		}, check: func(c *domain.DeviceConfig) error {
			return want(c.Pool.Region == "Region-B", "pool region %q", c.Pool.Region)
		}},
	}
}

// modelDevice is a device of a model the admin added (built-in models
// cannot change), for the model case.
func modelDevice() []domain.Entity {
	return []domain.Entity{
		&domain.Model{Name: "8865NR", TypeID: 36225, Protocols: []string{"SIP"}, XMLConfig: true,
			SIPFiles: []string{"cnf.xml"}, DialFamily: "79x1", SIPLoad: "sip8845_65.14-2-1", MaxLines: 10},
		&domain.Device{Name: "SEP0011220088AA", Model: "8865NR", Protocol: "SIP", Pool: "HQ"},
	}
}

// TestSharedChangesOtherServer: a change to each shared kind, committed by
// another store on the same database (another server, or plain SQL), is in
// the first store's next DeviceConfig, though the first store's copy was
// loaded before and it never saw the change through its own feed.
func TestSharedChangesOtherServer(t *testing.T) {
	for _, be := range backends {
		for _, tc := range sharedCases() {
			t.Run(be.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				a, b := twoServers(t, be.make)
				if err := put(modelDevice()...)(ctx, a); err != nil {
					t.Fatal(err)
				}
				device := cmp.Or(tc.device, sharedDevice)
				before, err := a.DeviceConfig(ctx, device)
				if err != nil {
					t.Fatal(err)
				}
				if tc.check(before) == nil {
					t.Fatalf("the check passes before the change: %+v", before)
				}
				if err := tc.write(ctx, b); err != nil {
					t.Fatal(err)
				}
				after, err := a.DeviceConfig(ctx, device)
				if err != nil {
					t.Fatal(err)
				}
				if err := tc.check(after); err != nil {
					t.Errorf("after the other server's change: %v", err)
				}
			})
		}
	}
}

// TestSharedConcurrent: while readers load configurations without pause,
// every change the other server has committed is in the next
// DeviceConfig (run with -race).
func TestSharedConcurrent(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a, b := twoServers(t, be.make)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Go(func() {
					for ctx.Err() == nil {
						if _, err := a.DeviceConfig(ctx, sharedDevice); err != nil && ctx.Err() == nil {
							errs <- err
							return
						}
					}
				})
			}
			pool := site().Pools[0]
			for i := range 30 {
				pool.Region = fmt.Sprintf("R%d", i)
				if _, err := b.Put(ctx, pool); err != nil {
					t.Fatal(err)
				}
				c, err := a.DeviceConfig(ctx, sharedDevice)
				if err != nil {
					t.Fatal(err)
				}
				if c.Pool.Region != pool.Region {
					t.Fatalf("after commit %d: region %q, want %q", i, c.Pool.Region, pool.Region)
				}
			}
			cancel()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestDeviceConfigOwned: what a caller changes in a DeviceConfig it got
// (servers, lines, the device) is not in the next one.
func TestDeviceConfigOwned(t *testing.T) {
	ctx := context.Background()
	a, _ := twoServers(t, backends[0].make)
	c, err := a.DeviceConfig(ctx, sharedDevice)
	if err != nil {
		t.Fatal(err)
	}
	c.Servers[0].Host = "scribbled"
	c.Servers = append(c.Servers, domain.Server{Name: "extra"})
	c.Lines[0].Line.DisplayName = "scribbled"
	c.Device.Lines[0].Line = "scribbled"
	c.Pool.Region = "scribbled"
	c.Model.MaxLines = 99
	again, err := a.DeviceConfig(ctx, sharedDevice)
	if err != nil {
		t.Fatal(err)
	}
	if again.Servers[0].Host == "scribbled" || len(again.Servers) != 2 || again.Lines[0].Line.DisplayName == "scribbled" ||
		again.Device.Lines[0].Line == "scribbled" || again.Pool.Region == "scribbled" || again.Model.MaxLines == 99 {
		t.Errorf("a caller's changes reached the next config: %+v", again)
	}
}

// TestSharedRefreshWaitEnds: a caller waiting for another's refresh of the
// shared records stops waiting when its context ends.
func TestSharedRefreshWaitEnds(t *testing.T) {
	ctx := context.Background()
	a, b := twoServers(t, backends[0].make)
	if _, err := a.DeviceConfig(ctx, sharedDevice); err != nil {
		t.Fatal(err)
	}
	pool := site().Pools[0]
	pool.Region = "waited"
	if _, err := b.Put(ctx, pool); err != nil {
		t.Fatal(err)
	}
	release := sqlstore.HoldRefresh(a)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := a.DeviceConfig(short, sharedDevice); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a held refresh: %v, want the context's deadline", err)
	}
	release()
	c, err := a.DeviceConfig(ctx, sharedDevice)
	if err != nil || c.Pool.Region != "waited" {
		t.Fatalf("after the refresh lock is free: %+v %v", c, err)
	}
}
