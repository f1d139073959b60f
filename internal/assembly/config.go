// Package assembly builds a running cmtftp from a Config: the serving chain
// in its one order, the TFTP, HTTP and admin listeners, the consumers of the
// change feed and the metrics registry. Run serves them as one group and, when
// its context ends or one listener fails, shuts every one down and waits for
// all of them. The command line and the end-to-end tests both start servers
// through it.
package assembly

import (
	"log/slog"
	"net/netip"
	"time"

	"cmtftp/internal/source/guard"
	"cmtftp/internal/source/remote"
)

// Config is what a server is assembled from, resolved by the caller (the
// command line's flags, a test).
type Config struct {
	// Root is the TFTP root directory.
	Root string
	// TFTPAddrs are the UDP addresses; a bare ":PORT" listens on IPv4 and
	// IPv6.
	TFTPAddrs []string
	// SkipUnavailable skips, with a warning, an address that cannot be
	// bound when others can (the demo on a machine without IPv6).
	SkipUnavailable bool
	// HTTPAddr serves the same files over HTTP; "" turns it off.
	HTTPAddr string
	// HTTPSAddr serves the same files over HTTPS with the TFTP key's
	// certificate (port 6971: a request for X.sgn there is answered with
	// the unsigned X); "" turns it off.
	HTTPSAddr string
	// KeysSecret unseals the signing keys in the database (keys.LoadSecret);
	// nil: none can be used, and a mixed-mode cluster signs nothing.
	KeysSecret []byte
	// HTTPWriteTimeout is how long a chunk of an HTTP response may make no
	// progress before the connection is dropped and its slot freed; zero
	// means httpd.DefaultWriteTimeout.
	HTTPWriteTimeout time.Duration
	// AdminAddr serves the admin API and /metrics; "" turns it off.
	AdminAddr string
	// AdminToken is the bearer token of the admin API; "" for none. A
	// Reload may replace it (Update.AdminTokenFile).
	AdminToken string
	// AdminTLSCert and AdminTLSKey are the PEM files of the admin API's
	// certificate and key: when both are set it is served over HTTPS, and
	// a Reload reads them again; both "" is plain HTTP.
	AdminTLSCert, AdminTLSKey string
	// LogLevel is the level of Logger's handler, which a Reload sets
	// (Update.LogLevel); nil: the level is not reloadable.
	LogLevel *slog.LevelVar
	// Notify makes Supervise tell the service manager (systemd's
	// sd_notify, when NOTIFY_SOCKET is set) of readiness, reloads and the
	// stop, and keep its watchdog fed.
	Notify bool
	// MaxServingCount fixes the Maximum Serving Count shared by TFTP and
	// HTTP; 0 follows the service parameter.
	MaxServingCount int
	// MaxPerSource is how many slots one client address (IPv4 or IPv6,
	// each whole) may hold at once; 0: source.DefaultPerSource of the
	// Maximum Serving Count; negative: no cap, and no budget of unverified
	// bytes either (one address may be many clients: a load generator, a
	// NAT).
	MaxPerSource int
	// TFTPReceiveBuffer is the receive buffer asked for each TFTP
	// listener; 0: tftpd.DefaultReceiveBuffer; negative: the system's.
	TFTPReceiveBuffer int
	// MaxBlockSize, MaxWindowSize, Timeout, Retries and TransferTimeout
	// are the TFTP engine's (zero: its defaults).
	MaxBlockSize, MaxWindowSize int
	Timeout                     time.Duration
	Retries                     int
	TransferTimeout             time.Duration
	// ShutdownGrace is how long transfers in flight may finish when Run
	// stops; zero means 10 s.
	ShutdownGrace time.Duration
	// Logger receives the server's log; nil discards.
	Logger *slog.Logger
	// ConfigCacheBytes is the byte budget of the built files kept in
	// memory (built.Source.MaxBytes): zero an eighth of memory, at most
	// 512 MiB; negative none.
	ConfigCacheBytes int64
	// CustomFileBytes is the byte budget of the custom files kept in
	// memory (custom.Source.MaxBytes): zero or negative
	// custom.DefaultMaxBytes.
	CustomFileBytes int64
	// TimelineBytes bounds the memory of the boot timeline (timeline.New):
	// zero is timeline.DefaultMaxBytes.
	TimelineBytes int64
	// ChangeLogKeep is how long the database's change log keeps a change
	// before the server prunes it: zero DefaultChangeLogKeep, negative
	// never.
	ChangeLogKeep time.Duration
	// Heartbeat is how often the server writes its row of the cluster's
	// registry (cmtftp cluster status): zero DefaultHeartbeat, negative
	// never (the server is not listed).
	Heartbeat time.Duration
	// pruneEvery is how often the change log is pruned (zero:
	// defaultPruneEvery); tests shorten it.
	pruneEvery time.Duration

	// The enumeration guard, the first step of the chain (issue 12):
	// budgets per source address for device-specific names, over TFTP and
	// HTTP alike; zero values take internal/source/guard's defaults.
	// DeviceRequests bounds the requests, DeviceNotFound the "not found"
	// answers; past either the source is answered busy.
	DeviceRequests, DeviceNotFound guard.Budget
	// ProvisioningNets are never throttled; nil means 127.0.0.1 and ::1,
	// an empty slice none.
	ProvisioningNets []netip.Prefix
	// GuardSources bounds the source addresses remembered (0: 65,536).
	GuardSources int

	// ServerID names this server to other clusters' servers (the via
	// header of proxied requests); "" means a random one per start.
	ServerID string
	// Remote configures the last step of the chain, other clusters' TFTP
	// servers (centralized TFTP); its Load, ID, Logger and Registry are
	// set by the assembly, zero fields take internal/source/remote's
	// defaults.
	Remote remote.Config
}

func (c Config) grace() time.Duration {
	if c.ShutdownGrace > 0 {
		return c.ShutdownGrace
	}
	return 10 * time.Second
}
