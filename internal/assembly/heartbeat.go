package assembly

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// DefaultHeartbeat is how often a server writes its row of the cluster's
// registry (Config.Heartbeat zero): one UPDATE of one row.
const DefaultHeartbeat = 5 * time.Second

// ForgetSilent is how long a server may stay silent before housekeeping
// removes its row of the registry.
const ForgetSilent = 24 * time.Hour

// forgetEvery is how often a server removes the rows of servers silent
// for ForgetSilent.
const forgetEvery = time.Hour

// member is this server in the cluster's registry: its ID for this run,
// the highest change its feed handlers have all processed, and the counts
// its heartbeat reports.
type member struct {
	id      string
	started time.Time
	// applied is the highest change ID handed to every feed handler: its
	// own handler is registered last, so when it sees a change, every
	// other handler has processed it.
	applied atomic.Int64
	// httpRequests counts HTTP file requests (TFTP's are the engine's).
	httpRequests atomic.Uint64
	requests     minuteCount
}

var _ store.ChangeHandler = (*member)(nil)

// newMember returns this run's member: the host name and a random part,
// so two servers on one host (or two runs of one) never share an ID.
func newMember() *member {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &member{id: cmp.Or(host, "cmtftp") + "-" + hex.EncodeToString(b), started: time.Now().UTC()}
}

// HandleChange implements store.ChangeHandler: it records the change's ID
// as applied (a resync carries the position its state was loaded from, or
// none).
func (m *member) HandleChange(_ context.Context, c store.Change) {
	if c.ID > m.applied.Load() {
		m.applied.Store(c.ID)
	}
}

// memberInfo is this server's registry row as it registers.
func (s *Server) memberInfo(every time.Duration) store.Member {
	host, _ := os.Hostname()
	tftp := make([]string, len(s.conns))
	for i, c := range s.conns {
		tftp[i] = c.LocalAddr().String()
	}
	now := time.Now().UTC()
	return store.Member{ID: s.member.id, Host: host, TFTPAddrs: strings.Join(tftp, ","), HTTPAddr: addrString(s.httpLn),
		AdminAddr: addrString(s.adminLn), Version: Version(), Started: s.member.started, Heartbeat: now, Interval: every,
		Beat: s.beatValues(now)}
}

// beatValues is what this server reports now.
func (s *Server) beatValues(now time.Time) store.Beat {
	st := s.configs.Stats()
	total := s.tftp.Stats().Requests + s.member.httpRequests.Load()
	return store.Beat{AppliedID: s.member.applied.Load(), CacheBytes: st.Bytes, CacheEntries: int64(st.Entries),
		Transfers: s.slots.InUse(), RequestsMinute: int64(s.member.requests.add(now, total))}
}

func addrString(ln net.Listener) string {
	if ln == nil {
		return ""
	}
	return ln.Addr().String()
}

// heartbeat registers this server in the cluster's registry and updates
// its row every interval until ctx ends; then it leaves. A database
// outage skips beats: one warning when it starts, one line when the
// database is back. Once an hour it removes the rows of servers silent
// for ForgetSilent.
func (s *Server) heartbeat(ctx context.Context, every time.Duration) {
	reg, ok := s.store.(store.Registry)
	if !ok || every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var registered, down bool
	var forgot time.Time
	for {
		err := s.beatOnce(ctx, reg, every, &registered)
		if err == nil && time.Since(forgot) >= forgetEvery {
			forgot = time.Now()
			if n, ferr := reg.Forget(ctx, forgot.Add(-ForgetSilent)); ferr == nil && n > 0 {
				s.log.Info("cluster registry: silent servers forgotten", "servers", n, "silent_for", ForgetSilent.String())
			}
		}
		switch {
		case ctx.Err() != nil:
			s.leave(reg, registered)
			return
		case err != nil && !down:
			down = true
			s.log.Warn("cluster heartbeat skipped: database unavailable; retrying every interval", "every", every.String(), "err", err)
		case err == nil && down:
			down = false
			s.log.Info("cluster heartbeat back")
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// beatOnce registers this server (again, when its row was removed) or
// writes one heartbeat.
func (s *Server) beatOnce(ctx context.Context, reg store.Registry, every time.Duration, registered *bool) error {
	if *registered {
		err := reg.Heartbeat(ctx, s.member.id, time.Now().UTC(), s.beatValues(time.Now()))
		if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		*registered = false // forgotten while away: register again
	}
	m := s.memberInfo(every)
	if err := reg.Register(ctx, m); err != nil {
		return err
	}
	*registered = true
	s.log.Info("registered in the cluster", "id", m.ID, "version", m.Version, "heartbeat", every.String())
	return nil
}

// leave removes this server's row as it stops, so the registry lists the
// servers that are running or silent, not those stopped on purpose.
func (s *Server) leave(reg store.Registry, registered bool) {
	if !registered {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := reg.Leave(ctx, s.member.id); err != nil {
		s.log.Warn("cluster registry: row not removed at stop (it goes silent)", "id", s.member.id, "err", err)
	}
}

// Version is the binary's version as the Go toolchain recorded it: the
// module version, or "devel" and the VCS revision of a build from a
// working tree ("-dirty" with uncommitted changes).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, dirty string
	for _, st := range bi.Settings {
		switch {
		case st.Key == "vcs.revision":
			rev = st.Value[:min(12, len(st.Value))]
		case st.Key == "vcs.modified" && st.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev != "" && !strings.Contains(v, rev) {
		v += "-" + rev + dirty
	}
	return v
}

// minuteCount turns a growing total into the count of the last minute,
// from samples taken at every heartbeat. Only the heartbeat's goroutine
// uses it.
type minuteCount struct {
	at    []time.Time
	total []uint64
}

// add records total at now and returns its growth over the last minute
// (since the oldest sample not older than a minute).
func (c *minuteCount) add(now time.Time, total uint64) uint64 {
	c.at, c.total = append(c.at, now), append(c.total, total)
	i := 0
	for i < len(c.at)-1 && now.Sub(c.at[i]) > time.Minute {
		i++
	}
	c.at, c.total = c.at[i:], c.total[i:]
	return total - c.total[0]
}
