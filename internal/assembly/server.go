package assembly

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/source"
	"cmtftp/internal/source/built"
	"cmtftp/internal/source/custom"
	"cmtftp/internal/source/guard"
	"cmtftp/internal/store"
	"cmtftp/internal/tftpd"
	"cmtftp/internal/timeline"
)

// Server is an assembled cmtftp: its listeners are open once New returns;
// Run serves them.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    store.Store
	registry *prometheus.Registry
	feed     *store.Feed
	disk     *source.Disk
	rootMem  source.Source // the constant and load cache, asked by the console which root files it holds
	slots    *source.Slots
	timeline *timeline.Timeline
	known    *knownDevices // the MACs in the database, for the timeline
	missed   *missedLog
	requests *requestCounters
	id       string       // this server in the via header of proxied requests
	guard    *guard.Guard // the chain's first step
	configs  *built.Source
	customs  *custom.Source // the custom files kept (their bytes count in MemoryLimit)
	member   *member        // this server in the cluster's registry (heartbeat.go)
	security *security      // the mode and the signing keys (security.go)
	live     live           // what a reload changes: the admin token and certificate (reload.go)
	// remoteStatus and cacheStatus serve GET /api/v1/remotes/status and
	// GET /api/v1/cache/status.
	remoteStatus, cacheStatus http.HandlerFunc
	// notFound counts not-found answers by device (health_metrics.go).
	notFound *notFoundCounter

	tftp     *tftpd.Server
	conns    []net.PacketConn
	httpSrv  *httpd.Server // 6970: the file service's own HTTP/1.1 server
	httpLn   net.Listener
	httpsSrv *http.Server // 6971
	httpsLn  net.Listener
	adminSrv *http.Server
	adminLn  net.Listener

	bg     context.Context // lives until Run has stopped every listener
	stopBG context.CancelFunc
	bgDone sync.WaitGroup // the background work started on bg (the pruner)
}

// New assembles a server over st, which the caller opened and closes after
// Run returns. Every listener is open when New returns, so a bad address
// fails start-up as a whole.
func New(cfg Config, st store.Store) (_ *Server, err error) {
	s := &Server{cfg: cfg, log: cfg.Logger, store: st, registry: prometheus.NewRegistry(),
		timeline: timeline.New(100, cfg.TimelineBytes), id: serverID(cfg.ServerID), member: newMember()}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.bg, s.stopBG = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if s.disk, err = source.NewDisk(cfg.Root); err != nil {
		return nil, err
	}
	params, _, err := store.LoadParams(s.bg, st)
	if err != nil {
		s.log.Warn("service parameters unreadable at start; using the defaults until the database answers", "err", err)
		params = domain.EffectiveParams(nil)
	}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.feed = store.NewFeed(st, s.log, s.registry)
	s.requests = newRequestCounters(s.registry)
	s.registerHealthMetrics()
	s.missed = newMissedLog(s.log)
	chain, err := s.chain(params)
	if err != nil {
		return nil, err
	}
	if err := s.listen(chain); err != nil {
		return nil, err
	}
	s.feed.Register(s.member) // last: it sees a change once every other handler has
	s.feed.Start(s.bg)        // its first resync carries the position loaded from
	s.bgDone.Go(func() {
		s.pruneChanges(s.bg, cmp.Or(cfg.ChangeLogKeep, DefaultChangeLogKeep), cmp.Or(cfg.pruneEvery, defaultPruneEvery))
	})
	s.bgDone.Go(func() { s.heartbeat(s.bg, cmp.Or(cfg.Heartbeat, DefaultHeartbeat)) })
	return s, nil
}

// TFTPAddrs returns the addresses the TFTP engine listens on.
func (s *Server) TFTPAddrs() []net.Addr {
	out := make([]net.Addr, len(s.conns))
	for i, c := range s.conns {
		out[i] = c.LocalAddr()
	}
	return out
}

// HTTPAddr returns the HTTP listener's address (nil when off).
func (s *Server) HTTPAddr() net.Addr { return addrOf(s.httpLn) }

// HTTPSAddr returns the HTTPS listener's address (nil when off).
func (s *Server) HTTPSAddr() net.Addr { return addrOf(s.httpsLn) }

// AdminAddr returns the admin listener's address (nil when off).
func (s *Server) AdminAddr() net.Addr { return addrOf(s.adminLn) }

// MemberID returns this server's ID in the cluster's registry.
func (s *Server) MemberID() string { return s.member.id }

// Registry returns the registry /metrics serves.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

func addrOf(ln net.Listener) net.Addr {
	if ln == nil {
		return nil
	}
	return ln.Addr()
}

// close releases what New opened when it fails, and the background work
// after Run.
func (s *Server) close() {
	s.stopBG()
	s.bgDone.Wait()
	closeAll(s.conns)
	for _, ln := range []net.Listener{s.httpLn, s.httpsLn, s.adminLn} {
		if ln != nil {
			ln.Close()
		}
	}
	if s.disk != nil {
		s.disk.Close()
	}
}
