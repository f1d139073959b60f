package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/metrics"
	"cmtftp/internal/source"
	"cmtftp/internal/source/alternate"
	"cmtftp/internal/source/built"
	"cmtftp/internal/source/cache"
	"cmtftp/internal/source/custom"
	"cmtftp/internal/tftpd"
	timelinepkg "cmtftp/internal/timeline"
)

// Addresses of the demo: loopback only and an unprivileged port, so a
// newcomer needs neither root nor set-up.
const demoDir = "cmtftp-demo"

// The demo's TFTP root and database, both under demoDir; the database is
// outside the root so it can never be served.
var (
	demoRoot = demoDir + "/tftp"
	demoDB   = "sqlite:" + demoDir + "/cmtftp.db"
)

// defaultAdminAddr is loopback: without a token the admin API must not be
// reachable from the network.
const defaultAdminAddr = "127.0.0.1:6980"

var demoTFTPAddrs = []string{"127.0.0.1:6969", "[::1]:6969"}

type serveFlags struct {
	root            string
	tftpAddrs       []string
	demo            bool
	maxServing      int
	maxBlksize      int
	maxWindow       int
	timeout         time.Duration
	retries         int
	transferTimeout time.Duration
	shutdownGrace   time.Duration
	logFormat       string
	logLevel        string
	db              string
	adminAddr       string
	adminTokenFile  string
	httpAddr        string
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve files over TFTP",
		Long: `Serve the files of a TFTP root directory over TFTP (RFC 1350 with the
blksize, tsize, timeout and windowsize options), on IPv4 and IPv6.

With --demo, a sample root is written to ./cmtftp-demo/ (if missing) and
served on 127.0.0.1:6969 and [::1]:6969: no root privileges or set-up needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.root, "root", "", "TFTP root directory to serve (required unless --demo)")
	fl.StringArrayVar(&f.tftpAddrs, "tftp-addr", nil, `UDP address to listen on, repeatable; a bare ":PORT" listens on IPv4 and IPv6 (default ":69", with --demo 127.0.0.1:6969 and [::1]:6969)`)
	fl.BoolVar(&f.demo, "demo", false, "write a sample root into ./cmtftp-demo/ if missing and serve it on loopback")
	fl.IntVar(&f.maxServing, "max-serving-count", tftpd.DefaultMaxServingCount, `transfers served at once; past it a client gets ERROR 0 "busy, retry later"`)
	fl.IntVar(&f.maxBlksize, "max-blksize", tftpd.DefaultMaxBlockSize, "largest blksize granted (8–65464)")
	fl.IntVar(&f.maxWindow, "max-windowsize", tftpd.DefaultMaxWindowSize, "largest windowsize granted (1–65535)")
	fl.DurationVar(&f.timeout, "retransmit-timeout", tftpd.DefaultTimeout, "first retransmission timeout when the client asks for none (doubles per retry, up to 8x)")
	fl.IntVar(&f.retries, "retries", tftpd.DefaultRetries, "resends of one window before a transfer is given up")
	fl.DurationVar(&f.transferTimeout, "transfer-timeout", tftpd.DefaultTransferTimeout, "longest a whole transfer may take (TFTP File Transfer Timeout)")
	fl.DurationVar(&f.shutdownGrace, "shutdown-grace", 10*time.Second, "on SIGTERM/SIGINT, how long running transfers may finish before they are aborted")
	fl.StringVar(&f.db, "db", "", "configuration database: sqlite:PATH (default sqlite:cmtftp.db; with --demo "+demoDB+") or postgres://USER@HOST/DB")
	fl.StringVar(&f.httpAddr, "http-addr", ":6970", `HTTP address serving the same files (GET, HEAD, Range, ETag); "" turns it off (with --demo 127.0.0.1:6970)`)
	fl.StringVar(&f.adminAddr, "admin-addr", defaultAdminAddr, `admin API (JSON over HTTP) address; "" turns it off; off loopback it needs a token`)
	fl.StringVar(&f.adminTokenFile, "admin-token-file", "", "file holding the admin API bearer token (or set "+envToken+")")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

func (f serveFlags) validate() error {
	switch {
	case f.maxServing < 1:
		return fmt.Errorf("--max-serving-count %d: must be at least 1", f.maxServing)
	case f.maxBlksize < 8 || f.maxBlksize > 65464:
		return fmt.Errorf("--max-blksize %d: must be 8–65464", f.maxBlksize)
	case f.maxWindow < 1 || f.maxWindow > 65535:
		return fmt.Errorf("--max-windowsize %d: must be 1–65535", f.maxWindow)
	case f.timeout <= 0 || f.transferTimeout <= 0 || f.retries < 1:
		return errors.New("--retransmit-timeout, --transfer-timeout and --retries must be positive")
	}
	return nil
}

func runServe(cmd *cobra.Command, f serveFlags) error {
	log, err := newLogger(cmd.ErrOrStderr(), f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	if err := f.validate(); err != nil {
		return err
	}
	if f.demo {
		if f.root == "" {
			f.root = demoRoot
		}
		if f.db == "" {
			f.db = demoDB
		}
		if !cmd.Flags().Changed("http-addr") {
			f.httpAddr = "127.0.0.1:6970"
		}
		if len(f.tftpAddrs) == 0 {
			f.tftpAddrs = demoTFTPAddrs
		}
		if err := writeDemoRoot(f.root); err != nil {
			return err
		}
	}
	if f.root == "" {
		return errors.New("--root is required (or try --demo)")
	}
	if len(f.tftpAddrs) == 0 {
		f.tftpAddrs = []string{":69"}
	}
	if f.db == "" {
		f.db = "sqlite:cmtftp.db"
	}
	dbs, err := parseDB(f.db)
	if err != nil {
		return err
	}
	if insideRoot(dbs, f.root) {
		return fmt.Errorf("--db %s is inside the TFTP root %s, where any device could download it; keep it outside", f.db, f.root)
	}
	token, err := adminToken(f.adminTokenFile)
	if err != nil {
		return err
	}
	if f.adminAddr != "" && token == "" && !loopbackOnly(f.adminAddr) {
		return fmt.Errorf("--admin-addr %s is reachable from the network: set a token (--admin-token-file or %s) or listen on loopback", f.adminAddr, envToken)
	}
	disk, err := source.NewDisk(f.root)
	if err != nil {
		return err
	}
	defer disk.Close()

	octx, ocancel := context.WithTimeout(context.Background(), 30*time.Second)
	newDB := dbs.driver == "sqlite" && !fileExists(dbs.target)
	st, err := openStore(octx, dbs)
	ocancel()
	if err != nil {
		return fmt.Errorf("open %s: %w", dbs, err)
	}
	defer st.Close()
	log.Info("database open", "db", dbs.String())
	if f.demo && newDB {
		actx, acancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := st.Apply(actx, domain.DemoSite())
		acancel()
		if err != nil {
			return fmt.Errorf("demo site: %w", err)
		}
		log.Info("demo site created", "records", res.Created)
	}
	conns, err := listenAll(f.tftpAddrs, f.demo, log)
	if err != nil {
		return err
	}
	feedCtx, stopFeed := context.WithCancel(context.Background())
	defer stopFeed()
	params, perr := serviceParams(feedCtx, st)
	if perr != nil {
		params = domain.EffectiveParams(nil)
	}
	// One Maximum Serving Count for TFTP and HTTP: the flag when given,
	// else the service parameter, followed as it changes.
	slots := source.NewSlots(params.Int(domain.ParamMaxServingCount))
	if cmd.Flags().Changed("max-serving-count") {
		slots.SetMax(f.maxServing)
	}
	var srv *tftpd.Server
	m := metrics.New(func() tftpd.StatsSnapshot { return srv.Stats() }, slots)
	timeline := timelinepkg.New(100)

	// The serving chain, in this order, fixed here: files built from the
	// database, custom files from the database, the constant and load cache
	// of the TFTP root, the TFTP root on disk, the alternate file locations.
	// (Other clusters' servers come with the centralized-TFTP issue.)
	configs := &built.Source{Store: st, Logger: log, OnBuild: m.Built, OnChange: m.Change}
	customs := &custom.Source{Store: st, Logger: log}
	alternates := &alternate.Locations{Store: st, Logger: log}
	missed := newMissedLog(log)
	// One reader of the change feed for every consumer (each reader holds
	// a database connection).
	fd := &feed{st: st, log: log, built: configs, custom: customs, alternates: alternates, missed: missed, slots: slots}
	if cmd.Flags().Changed("max-serving-count") {
		fd.slots = nil // the flag fixes it
	}
	fd.start(feedCtx, &params)
	chain := []source.Source{configs, customs}
	if !params.Bool(domain.ParamCacheConstantFiles) {
		log.Info("constant and load cache off (EnableCachingOfConstantAndBinFiles = false)")
	} else {
		constants := &cache.Dir{Root: f.root, Logger: log}
		if err := constants.Load(feedCtx); err != nil {
			return fmt.Errorf("cache %s: %w", f.root, err)
		}
		n, size := constants.Files()
		log.Info("constant and load cache", "files", n, "bytes", size)
		chain = append(chain, constants)
	}
	chain = append(chain, m.CountDisk(disk), m.CountDisk(alternates))
	logT := logTransfer(log)
	srv = &tftpd.Server{
		Source:          source.First(chain...),
		Slots:           slots,
		MaxBlockSize:    f.maxBlksize,
		MaxWindowSize:   f.maxWindow,
		Timeout:         f.timeout,
		Retries:         f.retries,
		TransferTimeout: f.transferTimeout,
		Logger:          log,
		OnDone: func(r tftpd.Result) {
			logT(r)
			m.TFTPDone(r)
			timeline.TFTP(r)
			if r.Outcome == tftpd.OutcomeNotFound {
				missed.log("tftp", r.Name, r.Remote)
			}
		},
	}
	httpSrv, err := startHTTP(f.httpAddr, &httpd.Handler{Source: srv.Source, Slots: slots, Logger: log, OnDone: func(r httpd.Result) {
		m.HTTPDone(r)
		timeline.HTTP(r)
		if r.Status == 404 {
			missed.log("http", r.Name, r.Remote)
		}
	}}, m.ConnState, log)
	if err != nil {
		return err
	}
	adminSrv, err := startAdmin(f.adminAddr, st, token, log, func(mux *http.ServeMux) {
		mux.Handle("GET /metrics", m.Handler())
		mux.HandleFunc("GET /api/v1/devices/{name}/timeline", timeline.ServeHTTP)
	})
	if err != nil {
		return err
	}
	errc := make(chan error, len(conns))
	for _, c := range conns {
		log.Info("tftp listening", "addr", c.LocalAddr().String(), "root", f.root)
		go func() { errc <- srv.Serve(c) }()
	}
	if f.demo {
		printDemoHelp(cmd, conns, f.adminAddr, f.httpAddr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case err := <-errc:
		log.Error("tftp listener failed", "err", err)
	}
	stop()
	log.Info("shutting down", "grace", f.shutdownGrace, "in_progress", srv.InProgress())
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownGrace)
	defer cancel()
	if adminSrv != nil {
		go adminSrv.Shutdown(sctx)
	}
	if httpSrv != nil {
		go httpSrv.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("transfers aborted at shutdown", "err", err)
	}
	ts := srv.Stats()
	log.Info("stopped", "requests", ts.Requests, "completed", ts.RequestsProcessed, "not_found", ts.RequestsNotFound, "aborted", ts.RequestsAborted)
	return nil
}

// listenAll opens every address before serving any, so a bad address
// fails start-up as a whole. With --demo, an address family the machine
// lacks (no IPv6) is skipped with a warning.
func listenAll(addrs []string, lenient bool, log *slog.Logger) ([]net.PacketConn, error) {
	var conns []net.PacketConn
	for _, a := range addrs {
		cs, err := tftpd.Listen(a)
		if err != nil {
			if lenient && len(addrs) > 1 {
				log.Warn("not listening", "addr", a, "err", err)
				continue
			}
			for _, c := range conns {
				c.Close()
			}
			return nil, bindError(a, err)
		}
		for _, c := range cs {
			conns = append(conns, c)
		}
	}
	if len(conns) == 0 {
		return nil, errors.New("no address to listen on")
	}
	return conns, nil
}

// bindError explains the usual reason a bind fails: a privileged port.
func bindError(addr string, err error) error {
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		exe, _ := os.Executable()
		return fmt.Errorf(`cannot listen on %s: %w
  Port 69 is privileged. Either grant the binary the capability once:
      sudo setcap cap_net_bind_service=+ep %s
  or listen on an unprivileged port: --tftp-addr :6969`, addr, err, exe)
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: %w (is another TFTP server running?)", addr, err)
	}
	return fmt.Errorf("cannot listen on %s: %w", addr, err)
}

func logTransfer(log *slog.Logger) func(tftpd.Result) {
	return func(r tftpd.Result) {
		if !log.Enabled(context.Background(), slog.LevelDebug) {
			return
		}
		log.Debug("tftp request", "file", r.Name, "client", r.Remote.String(), "outcome", r.Outcome.String(),
			"bytes", r.Bytes, "duration", r.Duration)
	}
}

func printDemoHelp(cmd *cobra.Command, conns []net.PacketConn, adminAddr, httpAddr string) {
	addr := conns[0].LocalAddr().String()
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, `
cmtftp demo is serving %s/ over TFTP on %s,
with the demo site in %s.
Try, in another terminal:
  go run ./cmd/cmtftp get %s RingList.xml -o -
  go run ./cmd/cmtftp get --blksize 1428 --windowsize 16 --tsize %s %s
  curl -s tftp://%s/RingList.xml
  go run ./cmd/cmtftp bench --server %s --file RingList.xml -c 16 -n 2000
  go run ./cmd/cmtftp get %s SEP0000DE000002.cnf.xml -o -      (built from the database)
`, demoRoot, strings.Join(addrList(conns), " and "), demoDB, addr, addr, demoLoad, addr, addr, addr)
	if httpAddr != "" {
		fmt.Fprintf(w, "  curl -s http://%s/SEP0000DE000001.cnf.xml                   (the same files over HTTP)\n", httpAddr)
	}
	if adminAddr != "" {
		fmt.Fprintf(w, `The admin API is at http://%s/api/v1/ — for example:
  go run ./cmd/cmtftp device list
  go run ./cmd/cmtftp line set 4001 --display-name "Ada King"
  go run ./cmd/cmtftp em login SEP0000DE000002 ada-em
`, adminAddr)
	}
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

func addrList(conns []net.PacketConn) []string {
	var out []string
	for _, c := range conns {
		out = append(out, c.LocalAddr().String())
	}
	return out
}
