package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/assembly"
	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/keys"
	"cmtftp/internal/serveconf"
	"cmtftp/internal/source/guard"
	"cmtftp/internal/store"
	"cmtftp/internal/tftpd"
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
	maxPerSource    int
	rcvbuf          int
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
	adminTLSCert    string
	adminTLSKey     string
	httpAddr        string
	httpsAddr       string
	keysSecretFile  string
	httpWrite       time.Duration
	cacheBytes      int64
	heartbeat       time.Duration

	// The enumeration guard (issue 12).
	provisioningNets []string
	deviceReqBurst   int
	deviceReqRate    float64
	notFoundBurst    int
	notFoundRate     float64
	guardSources     int

	remote remoteFlags // centralized TFTP
	mem    memFlags    // the memory limit, profiles, the change log
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			settings, err := loadServeSettings(cmd.Flags())
			if err != nil {
				return err
			}
			return runServe(cmd, f, settings)
		},
	}
	cmd.Long += serveConfigHelp
	fl := cmd.Flags()
	fl.String(serveconf.ConfigFlag, serveconf.DefaultPath, `YAML configuration file of these settings (or set CMTFTP_CONFIG); a missing default file is none, "" reads none`)
	fl.StringVar(&f.root, "root", "", "TFTP root directory to serve (required unless --demo)")
	fl.StringArrayVar(&f.tftpAddrs, "tftp-addr", nil, `UDP address to listen on, repeatable; a bare ":PORT" listens on IPv4 and IPv6 (default ":69", with --demo 127.0.0.1:6969 and [::1]:6969)`)
	fl.BoolVar(&f.demo, "demo", false, "write a sample root into ./cmtftp-demo/ if missing and serve it on loopback")
	fl.IntVar(&f.maxServing, "max-serving-count", tftpd.DefaultMaxServingCount, `transfers served at once; past it a client gets ERROR 0 "busy, retry later"`)
	fl.IntVar(&f.maxPerSource, "max-per-source", 0, "transfers (TFTP and HTTP) one client address (IPv4 or IPv6, each whole) may hold at once; 0: a twentieth of --max-serving-count, at least 4; -1: no cap and no budget of unverified bytes (a load generator, many clients behind one address)")
	fl.IntVar(&f.rcvbuf, "tftp-rcvbuf", tftpd.DefaultReceiveBuffer, "receive buffer asked for each TFTP listener, in bytes (SO_RCVBUFFORCE as root, else capped by net.core.rmem_max); 0 keeps the system's")
	fl.IntVar(&f.maxBlksize, "max-blksize", tftpd.DefaultMaxBlockSize, "largest blksize granted (8–65464)")
	fl.IntVar(&f.maxWindow, "max-windowsize", tftpd.DefaultMaxWindowSize, "largest windowsize granted (1–65535)")
	fl.DurationVar(&f.timeout, "retransmit-timeout", tftpd.DefaultTimeout, "first retransmission timeout when the client asks for none (doubles per retry, up to 8x)")
	fl.IntVar(&f.retries, "retries", tftpd.DefaultRetries, "resends of one window before a transfer is given up")
	fl.DurationVar(&f.transferTimeout, "transfer-timeout", tftpd.DefaultTransferTimeout, "longest a whole transfer may take (TFTP File Transfer Timeout)")
	fl.DurationVar(&f.shutdownGrace, "shutdown-grace", 10*time.Second, "on SIGTERM/SIGINT, how long running transfers may finish before they are aborted")
	fl.StringVar(&f.db, "db", "", "configuration database: sqlite:PATH (default sqlite:cmtftp.db; with --demo "+demoDB+") or postgres://USER@HOST/DB")
	fl.StringVar(&f.httpAddr, "http-addr", ":6970", `HTTP address serving the same files (GET, HEAD, Range, ETag); "" turns it off (with --demo 127.0.0.1:6970)`)
	fl.StringVar(&f.httpsAddr, "https-addr", "", `HTTPS address with the TFTP key's certificate (cmtftp keys init), :6971 in a mixed-mode cluster: X.sgn is answered with the unsigned X there; "" (the default) turns it off`)
	fl.StringVar(&f.keysSecretFile, "keys-secret-file", "", "file holding the secret that unseals the signing keys (or set CMTFTP_KEYS_SECRET_FILE or CMTFTP_KEYS_SECRET); needed to sign in a mixed-mode cluster")
	fl.DurationVar(&f.httpWrite, "http-write-timeout", httpd.DefaultWriteTimeout, "how long an HTTP response may make no progress (a client not reading) before it is dropped and its serving slot freed")
	fl.StringVar(&f.adminAddr, "admin-addr", defaultAdminAddr, `admin API (JSON over HTTP) address; "" turns it off; off loopback it needs a token`)
	fl.StringVar(&f.adminTokenFile, "admin-token-file", "", "file holding the admin API bearer token (or set "+envToken+"); read again on SIGHUP")
	fl.StringVar(&f.adminTLSCert, "admin-tls-cert", "", "PEM certificate file of the admin API: with --admin-tls-key it is served over HTTPS; read again on SIGHUP")
	fl.StringVar(&f.adminTLSKey, "admin-tls-key", "", "PEM key file of --admin-tls-cert; read again on SIGHUP")
	fl.Int64Var(&f.cacheBytes, "config-cache-bytes", 0, "byte budget of the built configuration files kept in memory (least recently served dropped first, built again when asked for); 0: an eighth of memory, at most 512 MiB; -1: no budget")
	fl.DurationVar(&f.heartbeat, "heartbeat", assembly.DefaultHeartbeat, "how often this server updates its row of the cluster's registry (cmtftp cluster status), one UPDATE each; past three intervals without one it is shown silent; 0: not registered")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error; set again on SIGHUP")

	// The enumeration guard (issue 12).
	fl.StringSliceVar(&f.provisioningNets, "provisioning-nets", []string{"127.0.0.1/32", "::1/128"}, `networks (CIDR or address) never throttled for device-specific names, whose proxied requests (other clusters' masters) are not held to one address's share of the slots; "" for none`)
	fl.IntVar(&f.deviceReqBurst, "device-requests-burst", guard.DefaultRequestBurst, "requests for device-specific names (SEP…, SIP…, ld…, gk…, CTL/ITL…) one source may make at once")
	fl.Float64Var(&f.deviceReqRate, "device-requests-rate", guard.DefaultRequestRate, "…and per second after that; past the budget it is answered busy")
	fl.IntVar(&f.notFoundBurst, "device-not-found-burst", guard.DefaultNotFoundBurst, `"not found" answers for device-specific names one source may get at once`)
	fl.Float64Var(&f.notFoundRate, "device-not-found-rate", guard.DefaultNotFoundRate, "…and per second after that; past the budget it is answered busy")
	fl.IntVar(&f.guardSources, "guard-max-sources", guard.DefaultMaxSources, "source addresses whose budgets are remembered (least recently heard forgotten first)")
	f.remote.bind(fl)
	f.mem.bind(fl)
	return cmd
}

func (f serveFlags) validate() error {
	switch {
	case f.maxServing < 1:
		return fmt.Errorf("--max-serving-count %d: must be at least 1", f.maxServing)
	case f.maxPerSource < -1:
		return fmt.Errorf("--max-per-source %d: must be -1 (no cap), 0 (default) or more", f.maxPerSource)
	case f.rcvbuf < 0:
		return fmt.Errorf("--tftp-rcvbuf %d: must be 0 (the system's) or more", f.rcvbuf)
	case f.maxBlksize < 8 || f.maxBlksize > 65464:
		return fmt.Errorf("--max-blksize %d: must be 8–65464", f.maxBlksize)
	case f.maxWindow < 1 || f.maxWindow > 65535:
		return fmt.Errorf("--max-windowsize %d: must be 1–65535", f.maxWindow)
	case f.heartbeat < 0:
		return fmt.Errorf("--heartbeat %s: must be 0 (not registered) or positive", f.heartbeat)
	case f.timeout <= 0 || f.transferTimeout <= 0 || f.retries < 1 || f.httpWrite <= 0:
		return errors.New("--retransmit-timeout, --transfer-timeout, --retries and --http-write-timeout must be positive")
	}
	return f.mem.validate()
}

func runServe(cmd *cobra.Command, f serveFlags, settings serveconf.Result) error {
	log, level, err := newLogger(cmd.ErrOrStderr(), f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	if settings.File != "" {
		log.Info("configuration file read", "file", settings.File)
	}
	cfg, dbs, err := f.config(cmd, log)
	if err != nil {
		return err
	}
	cfg.LogLevel, cfg.Notify = level, true
	if err := f.mem.servePprof(log); err != nil {
		return err
	}
	st, err := openServeStore(dbs, f.demo, log)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := assembly.New(cfg, st)
	if err != nil {
		return err
	}
	if f.demo {
		printDemoHelp(cmd, srv.TFTPAddrs(), cfg.AdminAddr, cfg.HTTPAddr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	f.mem.applyMemoryLimit(ctx, srv, log)
	return srv.Supervise(ctx, hup, serveReloader(settings))
}

// config resolves the flags (and the demo's defaults) into the assembly's
// Config and the database to open.
func (f serveFlags) config(cmd *cobra.Command, log *slog.Logger) (assembly.Config, dbSpec, error) {
	if err := f.validate(); err != nil {
		return assembly.Config{}, dbSpec{}, err
	}
	if f.demo {
		f.root = cmp.Or(f.root, demoRoot)
		f.db = cmp.Or(f.db, demoDB)
		if !cmd.Flags().Changed("http-addr") {
			f.httpAddr = "127.0.0.1:6970"
		}
		if len(f.tftpAddrs) == 0 {
			f.tftpAddrs = demoTFTPAddrs
		}
		if err := writeDemoRoot(f.root); err != nil {
			return assembly.Config{}, dbSpec{}, err
		}
	}
	if f.root == "" {
		return assembly.Config{}, dbSpec{}, errors.New("--root is required (or try --demo)")
	}
	if len(f.tftpAddrs) == 0 {
		f.tftpAddrs = []string{":69"}
	}
	dbs, err := parseDB(cmp.Or(f.db, "sqlite:cmtftp.db"))
	if err != nil {
		return assembly.Config{}, dbSpec{}, err
	}
	if insideRoot(dbs, f.root) {
		return assembly.Config{}, dbSpec{}, fmt.Errorf("--db %s is inside the TFTP root %s, where any device could download it; keep it outside", dbs, f.root)
	}
	token, err := adminToken(f.adminTokenFile)
	if err != nil {
		return assembly.Config{}, dbSpec{}, err
	}
	if f.adminAddr != "" && token == "" && !loopbackOnly(f.adminAddr) {
		return assembly.Config{}, dbSpec{}, fmt.Errorf("--admin-addr %s is reachable from the network: set a token (--admin-token-file or %s) or listen on loopback", f.adminAddr, envToken)
	}
	cfg := assembly.Config{Root: f.root, TFTPAddrs: f.tftpAddrs, SkipUnavailable: f.demo, HTTPAddr: f.httpAddr,
		AdminAddr: f.adminAddr, AdminToken: token, MaxBlockSize: f.maxBlksize, MaxWindowSize: f.maxWindow,
		Timeout: f.timeout, Retries: f.retries, TransferTimeout: f.transferTimeout, ShutdownGrace: f.shutdownGrace, Logger: log}
	cfg.HTTPWriteTimeout, cfg.ConfigCacheBytes = f.httpWrite, f.cacheBytes
	cfg.AdminTLSCert, cfg.AdminTLSKey = f.adminTLSCert, f.adminTLSKey
	cfg.ChangeLogKeep = f.mem.pruneAge
	cfg.TimelineBytes = f.mem.timeline
	cfg.CustomFileBytes = f.mem.custom
	cfg.Heartbeat = cmp.Or(f.heartbeat, -1) // 0: not registered
	if f.mem.pruneAge == 0 {
		cfg.ChangeLogKeep = -1 // never
	}
	if cmd.Flags().Changed("max-serving-count") {
		cfg.MaxServingCount = f.maxServing
	}
	cfg.MaxPerSource, cfg.TFTPReceiveBuffer = f.maxPerSource, cmp.Or(f.rcvbuf, -1)
	if err := f.applyGroups(&cfg); err != nil {
		return assembly.Config{}, dbSpec{}, err
	}
	return cfg, dbs, nil
}

// applyGroups puts the flags of security, the enumeration guard and the
// remote clusters into cfg.
func (f serveFlags) applyGroups(cfg *assembly.Config) (err error) {
	cfg.HTTPSAddr = f.httpsAddr
	if cfg.KeysSecret, err = serveSecret(f.keysSecretFile); err != nil {
		return err
	}
	if err := f.guardConfig(cfg); err != nil {
		return err
	}
	return f.remote.apply(cfg)
}

// guardConfig puts the enumeration guard's flags into cfg.
func (f serveFlags) guardConfig(cfg *assembly.Config) error {
	if f.deviceReqBurst < 1 || f.notFoundBurst < 1 || f.deviceReqRate <= 0 || f.notFoundRate <= 0 || f.guardSources < 1 {
		return errors.New("--device-requests-*, --device-not-found-* and --guard-max-sources must be positive")
	}
	cfg.DeviceRequests = guard.Budget{Burst: f.deviceReqBurst, Rate: f.deviceReqRate}
	cfg.DeviceNotFound = guard.Budget{Burst: f.notFoundBurst, Rate: f.notFoundRate}
	cfg.GuardSources = f.guardSources
	cfg.ProvisioningNets = []netip.Prefix{}
	for _, n := range f.provisioningNets {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		p, err := netip.ParsePrefix(n)
		if err != nil {
			a, aerr := netip.ParseAddr(n)
			if aerr != nil {
				return fmt.Errorf("--provisioning-nets %q: not a network (CIDR) or an address", n)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		cfg.ProvisioningNets = append(cfg.ProvisioningNets, p.Masked())
	}
	return nil
}

// openServeStore opens the database; a new demo database gets the demo site.
func openServeStore(dbs dbSpec, demo bool, log *slog.Logger) (store.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	newDB := dbs.driver == "sqlite" && !fileExists(dbs.target)
	st, err := openStore(ctx, dbs)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbs, err)
	}
	log.Info("database open", "db", dbs.String())
	if demo && newDB {
		res, err := st.Apply(ctx, domain.DemoSite())
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("demo site: %w", err)
		}
		log.Info("demo site created", "records", res.Created)
	}
	return st, nil
}

func printDemoHelp(cmd *cobra.Command, addrs []net.Addr, adminAddr, httpAddr string) {
	addr := addrs[0].String()
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
  go run ./cmd/cmtftp simulate --mac 0000DE000002 --model 7970 --protocol sip --tftp %s   (a phone's boot)
`, demoRoot, strings.Join(addrList(addrs), " and "), demoDB, addr, addr, demoLoad, addr, addr, addr, addr)
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

func addrList(addrs []net.Addr) []string {
	var out []string
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

// serveSecret is the secret that unseals the signing keys, nil when none
// is set (a non-secure cluster needs none).
func serveSecret(file string) ([]byte, error) {
	if file == "" && os.Getenv("CMTFTP_KEYS_SECRET_FILE") == "" && os.Getenv("CMTFTP_KEYS_SECRET") == "" {
		return nil, nil
	}
	return keys.LoadSecret(file, os.Getenv)
}
