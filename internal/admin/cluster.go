package admin

import (
	"context"
	"net/http"
	"time"

	"cmtftp/internal/store"
)

// A server is marked in the cluster's status (GET /api/v1/cluster):
//   - silent when its last heartbeat is older than SilentBeats of its
//     heartbeat intervals;
//   - behind when, at its last heartbeat, more than BehindChanges changes
//     were not applied yet, or one committed BehindFor before it was not.
const (
	SilentBeats   = 3
	BehindChanges = 1000
	BehindFor     = 3 * time.Second
)

// ClusterStatus is GET /api/v1/cluster: the servers attached to this
// database, as the answering server sees them at At.
type ClusterStatus struct {
	// At is the answering server's clock.
	At time.Time `json:"at"`
	// NewestChange is the ID of the change log's newest change.
	NewestChange int64 `json:"newestChange"`
	// Servers are the registered servers, oldest first.
	Servers []ClusterServer `json:"servers"`
}

// ClusterServer is one server of ClusterStatus.
type ClusterServer struct {
	store.Member
	// BehindChanges is how many change IDs it has still to apply;
	// BehindSeconds how long the oldest of them had waited at its last
	// heartbeat.
	BehindChanges int64   `json:"behindChanges"`
	BehindSeconds float64 `json:"behindSeconds"`
	// HeartbeatAge is the seconds since its last heartbeat.
	HeartbeatAge float64 `json:"heartbeatAge"`
	// Self is the server that answered; Silent and Behind as the
	// constants above say.
	Self   bool `json:"self"`
	Silent bool `json:"silent"`
	Behind bool `json:"behind"`
}

// memberKey is the context key of the answering server's registry ID.
type memberKey struct{}

// WithMember returns ctx carrying id, the registry ID of the server whose
// admin API serves requests under ctx (an http.Server's BaseContext), so
// GET /api/v1/cluster marks it as itself.
func WithMember(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, memberKey{}, id)
}

// cluster is GET /api/v1/cluster.
func (s *Server) cluster(w http.ResponseWriter, r *http.Request) error {
	reg, ok := s.Store.(store.Registry)
	if !ok {
		return &Error{Code: CodeUnavailable, Message: "this database keeps no registry of servers", Status: http.StatusNotImplemented}
	}
	ms, newest, err := reg.Members(r.Context())
	if err != nil {
		return err
	}
	self, _ := r.Context().Value(memberKey{}).(string)
	writeJSON(w, http.StatusOK, clusterStatus(ms, newest, self, time.Now().UTC()))
	return nil
}

// clusterStatus marks every member as of now.
func clusterStatus(ms []store.MemberState, newest int64, self string, now time.Time) ClusterStatus {
	out := ClusterStatus{At: now, NewestChange: newest, Servers: make([]ClusterServer, 0, len(ms))}
	for _, m := range ms {
		c := ClusterServer{Member: m.Member, BehindChanges: max(0, newest-m.AppliedID), Self: m.ID == self,
			HeartbeatAge: now.Sub(m.Heartbeat).Seconds()}
		if !m.Pending.IsZero() {
			c.BehindSeconds = max(0, m.Heartbeat.Sub(m.Pending).Seconds())
		}
		c.Silent = m.Interval > 0 && now.Sub(m.Heartbeat) > SilentBeats*m.Interval
		// Changes committed after its last heartbeat do not count.
		c.Behind = c.BehindChanges > BehindChanges && !m.Pending.After(m.Heartbeat) || c.BehindSeconds > BehindFor.Seconds()
		out.Servers = append(out.Servers, c)
	}
	return out
}
