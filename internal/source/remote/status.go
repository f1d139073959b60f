package remote

import (
	"encoding/json"
	"net/http"
	"time"
)

// ClusterStatus is one remote cluster as `cmtftp remote status` and
// GET /api/v1/remotes/status show it.
type ClusterStatus struct {
	Cluster  string         `json:"cluster"`
	Enabled  bool           `json:"enabled"`
	Priority int            `json:"priority"`
	Servers  []ServerStatus `json:"servers"`
}

// ServerStatus is one configured server of a remote cluster: its health
// and what it answered since the service started.
type ServerStatus struct {
	// Server is the address as configured ("host[:port]").
	Server string `json:"server"`
	// URL is the base URL it is asked at.
	URL string `json:"url"`
	// Up is false while the server is marked down (after a timeout or a
	// connection error): it is not asked until DownUntil, when it is probed.
	Up        bool      `json:"up"`
	DownUntil time.Time `json:"downUntil,omitzero"`
	// Requests, Hits, NotFound, Busy and Errors count its answers: every
	// request, 200, 404, 503, and the rest (timeouts, connection errors,
	// other statuses, refused loops).
	Requests uint64 `json:"requests"`
	Hits     uint64 `json:"hits"`
	NotFound uint64 `json:"notFound"`
	Busy     uint64 `json:"busy"`
	Errors   uint64 `json:"errors"`
	// LastError is the last error met and when.
	LastError   string    `json:"lastError,omitempty"`
	LastErrorAt time.Time `json:"lastErrorAt,omitzero"`
}

// ServeStatus is the admin API's GET /api/v1/remotes/status: Status as
// JSON.
func (c *Clusters) ServeStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(c.Status())
}
