package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/pflag"

	"cmtftp/internal/assembly"
	"cmtftp/internal/source/custom"
	"cmtftp/internal/timeline"
)

// memFlags are serve's flags for the process's memory: the Go soft memory
// limit and the opt-in profiling endpoint.
type memFlags struct {
	limit    int64 // --memory-limit; -1 (unset): derived from the cache budget
	pprof    string
	pruneAge time.Duration
	timeline int64 // --timeline-bytes
	custom   int64 // --custom-file-bytes
}

func (f *memFlags) bind(fl *pflag.FlagSet) {
	fl.Int64Var(&f.limit, "memory-limit", -1, "soft memory limit of the Go runtime in bytes (runtime/debug.SetMemoryLimit): past it the garbage collector works harder and returns freed memory sooner; -1: GOMEMLIMIT when set, else the bytes of the built files kept (at most --config-cache-bytes) plus "+fmt.Sprint(assembly.MemoryAllowance>>20)+" MiB, followed as the cache fills; 0: none")
	fl.StringVar(&f.pprof, "pprof", "", `serve the Go runtime's profiles (net/http/pprof, /debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060; "" (the default) turns it off`)
	fl.Int64Var(&f.timeline, "timeline-bytes", timeline.DefaultMaxBytes, "memory bound of the boot timeline, in bytes (an eighth of it for MACs not in the database): past it the devices heard from longest ago are forgotten first")
	fl.Int64Var(&f.custom, "custom-file-bytes", custom.DefaultMaxBytes, "byte budget of the custom files (cmtftp file put) kept in memory, one verified copy each: past it the least recently served are dropped and read from the database again when asked for (the file read last is kept even alone above it)")
	fl.DurationVar(&f.pruneAge, "change-log-keep", assembly.DefaultChangeLogKeep, "how long the database's change log keeps a change before the server prunes it (a server or follower behind the pruned part reloads everything); 0: never prune")
}

func (f memFlags) validate() error {
	switch {
	case f.limit < -1:
		return fmt.Errorf("--memory-limit %d: must be 0 (none) or a number of bytes", f.limit)
	case f.pprof != "" && !loopbackOnly(f.pprof):
		return fmt.Errorf("--pprof %s: profiles show the server's memory, so they are served on loopback only", f.pprof)
	case f.timeline != 0 && f.timeline < 64<<10:
		return fmt.Errorf("--timeline-bytes %d: at least 65536 (0: the default)", f.timeline)
	case f.custom != 0 && f.custom < 1<<20:
		return fmt.Errorf("--custom-file-bytes %d: at least 1048576 (0: the default)", f.custom)
	case f.pruneAge < 0:
		return errors.New("--change-log-keep must be 0 (never prune) or positive")
	}
	return nil
}

// memoryLimitEvery is how often the derived memory limit is set again as
// the built-file cache fills.
const memoryLimitEvery = 5 * time.Second

// applyMemoryLimit sets the Go soft memory limit: GOMEMLIMIT wins when the
// environment sets it and --memory-limit was not given; otherwise the
// flag's, or the limit derived from the built-file cache
// (assembly.MemoryLimit), set again every few seconds until ctx ends.
func (f memFlags) applyMemoryLimit(ctx context.Context, srv *assembly.Server, log *slog.Logger) {
	switch env := os.Getenv("GOMEMLIMIT"); {
	case env != "" && f.limit < 0:
		log.Info("memory limit from GOMEMLIMIT", "limit", env)
	case f.limit == 0:
		log.Info("no memory limit (--memory-limit 0)")
	case f.limit > 0:
		debug.SetMemoryLimit(f.limit)
		log.Info("memory limit", "bytes", f.limit, "mib", f.limit>>20, "from", "--memory-limit")
	default:
		limit := srv.MemoryLimit()
		debug.SetMemoryLimit(limit)
		log.Info("memory limit", "bytes", limit, "mib", limit>>20, "from", "built files kept + allowance",
			"allowance_mib", assembly.MemoryAllowance>>20, "cache_budget", srv.CacheBudget(), "at_most_mib", assembly.MemoryLimit(srv.CacheBudget(), 1<<62, 0)>>20)
		go followMemoryLimit(ctx, srv)
	}
}

// followMemoryLimit sets the derived memory limit again every
// memoryLimitEvery until ctx ends.
func followMemoryLimit(ctx context.Context, srv *assembly.Server) {
	t := time.NewTicker(memoryLimitEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			debug.SetMemoryLimit(srv.MemoryLimit())
		}
	}
}

// servePprof serves net/http/pprof on f.pprof until the process ends; ""
// serves nothing. The listener is opened before serve starts, so a bad
// address fails start-up.
func (f memFlags) servePprof(log *slog.Logger) error {
	if f.pprof == "" {
		return nil
	}
	ln, err := net.Listen("tcp", f.pprof)
	if err != nil {
		return fmt.Errorf("--pprof %s: %w", f.pprof, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("pprof listening", "addr", ln.Addr().String())
	go func() {
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		if err := srv.Serve(ln); err != nil {
			log.Warn("pprof stopped", "err", err)
		}
	}()
	return nil
}
