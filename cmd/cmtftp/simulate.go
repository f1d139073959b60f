package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"cmtftp/internal/device"
	"cmtftp/internal/tftpclient"
)

// simulateLong is simulate's help.
const simulateLong = `Play the boot of one phone or gateway over real sockets, as the device would:
its trust lists, its configuration file (or the default one), the load when it
differs from --load, the locale, dial-plan, softkey and ring-list files — and
print the timeline, the call-control list and the outcome. The exit status is 0
only when the device ends configured.

With --storm N, N devices (MACs --mac-prefix + 000001 …) boot at once, at most
--concurrency at a time; it prints the time until all were configured, p50/p99
per device and the failures by cause.

With --secure the device is a phone of a secure (mixed-mode) cluster: it takes
its trust list (CTL, then ITLSEP<MAC>.tlv or ITLFile.tlv) only when it verifies —
with no list installed on the strength of its own SAST ("leap of faith"), with
--itl FILE (the list it holds from an earlier boot) only when a SAST of that list
signed it — asks for X.sgn instead of X for its configuration, locale, dial-rule,
softkey and ring-list files, and accepts each only when a TFTP certificate of the
list signed it under that name. An encrypted configuration is decrypted with
--phone-key. --save-itl FILE keeps the list accepted, for the next boot's --itl:
a key rollover can be rehearsed boot after boot. The timeline says who signed
each file (subject, SHA-1 fingerprint).` + simulateGatewayLong

func newSimulateCmd() *cobra.Command {
	var (
		c       device.Config
		servers []string
		via     string
		kind    string
		asJSON  bool
		ios     bool
		storm   device.StormConfig
		df      dhcpFlags
		sec     secureFlags
		sf      sipFlags
	)
	cmd := &cobra.Command{
		Use:   "simulate --mac MAC --model MODEL --tftp A[,B] [flags]",
		Short: "Play a device's boot (or a storm of them) against TFTP/HTTP servers",
		Long:  simulateLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.Via, c.Kind = device.Via(via), device.Kind(kind)
			gatewayModel(cmd, &c)
			if ios && (asJSON || storm.N > 0 || c.Kind != device.Gateway) {
				return errors.New("--ios prints one gateway's IOS configuration: not with --json, --storm or a phone")
			}
			if err := sec.apply(&c, storm.N > 0); err != nil {
				return err
			}
			return simulate(cmd, c, &df, servers, storm, output{asJSON, ios}, sec.saveITL, &sf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&c.MAC, "mac", "", "the device's MAC address (12 hex digits)")
	fl.StringVar(&c.Model, "model", "7961", "the device's model, from the built-in catalogue (7961, 7970, 7940, 8841, 12SP+ …; gateways VG224, ISR4321, ATA190, ATA186, WS-X6624 …; a gateway without --model asks for <hostname>.cnf.xml only)")
	fl.StringVar(&c.Protocol, "protocol", "", "sip, sccp or (gateways) mgcp (default: the model's first)")
	fl.StringVar(&kind, "device", "phone", "phone, or gateway (asks for its --model's gateway files; see below)")
	fl.StringVar(&c.Hostname, "hostname", "", "a gateway's host name (MGCP: <hostname>.cnf.xml; Analog Access, Voice Mail Port: <hostname>.cnf)")
	fl.BoolVar(&ios, "ios", false, "with --device gateway: print only the IOS configuration the gateway derives from its files")
	fl.StringSliceVar(&servers, "tftp", nil, "TFTP servers in order, HOST[:PORT] (port 69 unless given), comma-separated or repeated")
	df.register(cmd)
	fl.StringVar(&via, "via", "tftp", "tftp, or http: try http://SERVER:--http-port/ first, fall back to TFTP when it does not connect")
	fl.IntVar(&c.HTTPPort, "http-port", device.DefaultHTTPPort, "the servers' HTTP port")
	fl.StringVar(&c.Load, "load", "", "the load ID the device runs; a configuration naming another makes it fetch that load")
	fl.DurationVar(&c.Timeout, "timeout", device.DefaultTimeout, "how long to wait for an answer before sending again")
	fl.IntVar(&c.Retries, "retries", device.DefaultRetries, "resends before a server counts as not answering (then the next is tried)")
	fl.DurationVar(&c.BusyWait, "busy-wait", device.DefaultBusyWait, "wait after a busy answer (HTTP: Retry-After when given) before asking the same server again")
	fl.IntVar(&c.MaxBusyRetries, "busy-retries", device.DefaultMaxBusyRetries, "busy answers taken for one file before giving up")
	fl.BoolVar(&asJSON, "json", false, "print the timeline and the outcome as JSON")
	fl.IntVar(&storm.N, "storm", 0, "boot this many devices at once")
	fl.StringVar(&storm.MACPrefix, "mac-prefix", "0011AA", "the storm's MAC prefix (6 hex digits)")
	fl.IntVar(&storm.Concurrency, "concurrency", device.DefaultConcurrency, "the storm's devices booting at a time")
	fl.DurationVar(&storm.Deadline, "deadline", device.DefaultDeadline, "bound on the whole storm")
	sec.register(cmd)
	sf.register(cmd)
	fl.Var(prefixFlag{&storm.SourceNet}, "source-net", "the storm's devices each send from an address of this local net, as real phones come from many hosts (e.g. 127.1.0.0/16)")
	return cmd
}

// simulate finds the servers (--tftp, or --dhcp), then plays one boot or
// a storm.
// The lease --dhcp put on the interface is taken off however the run
// ends: an interrupt, a TERM or a HUP ends the context, not the process.
func simulate(cmd *cobra.Command, c device.Config, df *dhcpFlags, servers []string, storm device.StormConfig, out output, saveITL string, sf *sipFlags) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := df.check(cmd, servers); err != nil {
		return err
	}
	if storm.N < 0 || storm.N > 0 && cmd.Flags().Changed("mac") {
		return errors.New("--storm N boots N > 0 devices, naming their MACs from --mac-prefix: leave out --mac")
	}
	release, err := df.servers(ctx, &c, servers)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, release()) }()
	if storm.N > 0 && sf.listen != "" {
		return errors.New("--sip-listen plays one phone: not with --storm")
	}
	if storm.N > 0 {
		storm.Device = c
		return runStorm(ctx, cmd, storm, out.json)
	}
	if sf.listen != "" {
		return runSIPSimulate(ctx, cmd, c, out, saveITL, sf)
	}
	return runSimulate(ctx, cmd, c, out, saveITL)
}

func resolveServers(ctx context.Context, servers []string) ([]netip.AddrPort, error) {
	if len(servers) == 0 {
		return nil, errors.New("give the TFTP servers: --tftp HOST[:PORT][,HOST[:PORT]], or find them with --dhcp IFACE")
	}
	var out []netip.AddrPort
	for _, s := range servers {
		a, err := tftpclient.Resolve(ctx, strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// output is how simulate prints one boot: text, JSON, or a gateway's IOS
// configuration only.
type output struct{ json, ios bool }

func runSimulate(ctx context.Context, cmd *cobra.Command, c device.Config, out output, saveITL string) error {
	r, err := device.Boot(ctx, c)
	if err != nil {
		return err
	}
	if out.ios && r.OK() {
		err = printIOS(cmd.OutOrStdout(), r)
	} else {
		err = printSimulated(cmd.OutOrStdout(), r, out.json)
	}
	if err != nil {
		return err
	}
	if err := saveTrustList(cmd, r, saveITL); err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("%s not configured: %s", r.Device, r.Cause)
	}
	return nil
}

func runStorm(ctx context.Context, cmd *cobra.Command, sc device.StormConfig, asJSON bool) error {
	errw := cmd.ErrOrStderr()
	sc.Progress = func(p device.StormProgress) { drawProgress(errw, p) }
	r, err := device.Storm(ctx, sc)
	fmt.Fprintln(errw)
	if err != nil {
		return err
	}
	if err := printSimulated(cmd.OutOrStdout(), r, asJSON); err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("%d of %d devices not configured", r.Failed, r.Total)
	}
	return nil
}

// printSimulated prints a Report or a StormReport as text or JSON.
func printSimulated(w io.Writer, r interface{ WriteText(io.Writer) error }, asJSON bool) error {
	if !asJSON {
		return r.WriteText(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// drawProgress redraws the storm's progress bar in place.
func drawProgress(w io.Writer, p device.StormProgress) {
	const width = 40
	fill := 0
	if p.Total > 0 {
		fill = p.Done * width / p.Total
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d done, %d configured, %.1fs", strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		p.Done, p.Total, p.Configured, p.Elapsed.Seconds())
}

// prefixFlag is a netip.Prefix as a flag.
type prefixFlag struct{ p *netip.Prefix }

func (f prefixFlag) String() string {
	if f.p == nil || !f.p.IsValid() {
		return ""
	}
	return f.p.String()
}

func (f prefixFlag) Set(s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Errorf("want a net such as 127.1.0.0/16: %w", err)
	}
	*f.p = p
	return nil
}

func (f prefixFlag) Type() string { return "net" }
