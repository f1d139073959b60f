package remote

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
)

// Defaults for the zero values of Config's fields.
const (
	DefaultTimeout     = 1500 * time.Millisecond
	DefaultBudget      = 3 * time.Second
	DefaultDownFor     = 30 * time.Second
	DefaultKeep        = 10 * time.Second
	DefaultNegativeTTL = 2 * time.Second
	DefaultConcurrency = 32
	DefaultMaxFileSize = 128 << 20
	DefaultCacheBytes  = 256 << 20
	DefaultAffinityTTL = 30 * time.Minute
	// maxNegative bounds the remembered misses of one cluster (a scan of
	// random names).
	maxNegative = 100000
	// maxAffinity bounds the remembered device addresses.
	maxAffinity = 200000
)

// defaultCommonFiles are the names (path.Match patterns, matched without
// regard to case against the cleaned name; a pattern without '/' also
// against its last element) of the files every cluster has its own signed
// copy of: ring lists, softkey and dial-rule files, locale files, their
// .sgn. A device whose configuration came from another cluster gets these
// from that cluster first (home-cluster affinity). Not the trust lists:
// a phone asks them before its configuration, so the address it asks from
// may still be a phone of another cluster's that had it before, and a
// phone that installed the wrong cluster's list takes no file of its own
// until the list is erased by hand. A phone of another cluster holding its
// list refuses this cluster's and keeps its own; one without a list takes
// this cluster's, which names the other cluster's TFTP certificate once
// it is imported (cmtftp keys trust add).
var defaultCommonFiles = []string{
	"ringlist*.xml*", "distinctiveringlist*.xml*", // ring lists
	"sk*.xml*", "dr*.xml*", // softkey and dial-rule files
	"g3-tones.xml*", "*_*/*", // locales: tones, and the files of a Language_Country directory
}

// DefaultCommonFiles returns the default common-file patterns.
func DefaultCommonFiles() []string { return append([]string(nil), defaultCommonFiles...) }

// Config configures Clusters. Zero fields take the defaults named.
type Config struct {
	// Load returns the remote clusters as configured; it is called at
	// start and again for every change of them (HandleChange).
	Load func(ctx context.Context) ([]*domain.RemoteCluster, error)
	// ID names this server in the ViaHeader of the requests it sends.
	ID string
	// Client sends the requests; default: one of its own, with no proxy.
	Client *http.Client
	// Timeout bounds one request to one remote server until its answer
	// begins, and each pause in its body. Default 1.5 s.
	Timeout time.Duration
	// Budget bounds all that one device request waits for remote servers;
	// past it the device is told busy. Default 3 s.
	Budget time.Duration
	// DownFor is how long a server that timed out or refused a connection
	// is not asked (it is probed when that has passed). Default 30 s.
	DownFor time.Duration
	// Keep is how long a file fetched from a remote is served as it is;
	// past it, the next request revalidates it (If-None-Match). Default 10 s.
	Keep time.Duration
	// NegativeTTL is how long "no remote has it" is remembered. Default 2 s.
	NegativeTTL time.Duration
	// Concurrency bounds the requests to remote servers in flight at once.
	// Default 32.
	Concurrency int
	// MaxFileSize is the largest remote file fetched. Default 128 MiB.
	MaxFileSize int64
	// CacheBytes bounds the bytes of remote files kept. Default 256 MiB.
	CacheBytes int64
	// CommonFiles are the home-cluster affinity patterns; nil means
	// DefaultCommonFiles, empty turns affinity off.
	CommonFiles []string
	// AffinityTTL is how long a device address is sent to the cluster its
	// configuration came from. Default 30 min.
	AffinityTTL time.Duration
	// Logger receives health changes and loops; nil discards.
	Logger *slog.Logger
	// Registry, when set, gets the per-server metrics.
	Registry prometheus.Registerer
}

func (c *Config) fill() {
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.Budget = cmp.Or(c.Budget, DefaultBudget)
	c.DownFor = cmp.Or(c.DownFor, DefaultDownFor)
	c.Keep = cmp.Or(c.Keep, DefaultKeep)
	c.NegativeTTL = cmp.Or(c.NegativeTTL, DefaultNegativeTTL)
	c.Concurrency = cmp.Or(c.Concurrency, DefaultConcurrency)
	c.MaxFileSize = cmp.Or(c.MaxFileSize, DefaultMaxFileSize)
	c.CacheBytes = cmp.Or(c.CacheBytes, DefaultCacheBytes)
	c.AffinityTTL = cmp.Or(c.AffinityTTL, DefaultAffinityTTL)
	if c.CommonFiles == nil {
		c.CommonFiles = DefaultCommonFiles()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Client == nil {
		c.Client = &http.Client{Transport: &http.Transport{
			Proxy:                 nil, // never the environment's proxy: the remotes are named as they are
			MaxIdleConnsPerHost:   c.Concurrency,
			MaxConnsPerHost:       c.Concurrency,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: c.Timeout,
			DisableCompression:    true,
		}}
	}
}
