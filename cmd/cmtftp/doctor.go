package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/doctor"
	"cmtftp/internal/tftpclient"
)

func newDoctorCmd() *cobra.Command {
	var (
		cf     clientFlags
		c      doctor.Config
		tftp   string
		db     string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "doctor [--server ADMIN] [--tftp HOST:PORT] [--root DIR --db DSN]",
		Short: "Check a running site and print what to fix before the phones arrive",
		Long: `doctor checks a running cmtftp site: the admin API, TFTP and HTTP answer; every
device in the database boots (the device emulator plays each against --tftp) and
ends configured, with the files its configuration names; each load the
configurations name is there with every archive; no SIP password goes out in a
device file over plain TFTP; an admin API other hosts reach asks for a token.
With --root (and --db), run on the server's host, it also checks that the
database is outside the TFTP root and nothing in the root is writable by others.
Run it on the server's host or from a network in serve's --provisioning-nets: it
boots every device from this host's address, which the enumeration guard
throttles elsewhere. The exit status is 1 when anything fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ap, err := tftpclient.Resolve(cmd.Context(), tftp)
			if err != nil {
				return err
			}
			c.Admin, c.TFTP, c.DB = cf.client(), ap, strings.TrimPrefix(db, "sqlite:")
			r, err := doctor.Run(cmd.Context(), c)
			if err != nil {
				return fmt.Errorf("doctor: the admin API at %s: %w", cf.server, err)
			}
			if err := printDoctor(cmd.OutOrStdout(), r, asJSON); err != nil {
				return err
			}
			if !r.OK() {
				return fmt.Errorf("doctor: %d of %d devices and %d of %d gateways configured; fix what failed above",
					r.Configured, r.Devices, r.GatewaysConfigured, r.Gateways)
			}
			return nil
		},
	}
	cf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&tftp, "tftp", "127.0.0.1:69", "the TFTP server the devices use, HOST[:PORT]")
	fl.IntVar(&c.HTTPPort, "http-port", 6970, "its HTTP port (-1: do not check)")
	fl.StringVar(&c.Root, "root", "", "the server's TFTP root, to check on this host")
	fl.StringVar(&db, "db", "", "the server's SQLite database (sqlite:PATH), to check it is outside the root")
	fl.StringVar(&c.DHCPIface, "dhcp", "", "run a phone's DHCP exchange on this interface (root; the lease is on it while doctor runs) and check the answer leads to --tftp")
	fl.BoolVar(&c.DHCPv6, "v6", false, "with --dhcp: DHCPv6")
	fl.IntVar(&c.Concurrency, "concurrency", 20, "devices booting at a time")
	fl.DurationVar(&c.Timeout, "timeout", 2*time.Second, "the emulated devices' wait for an answer")
	fl.BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return cmd
}

// printDoctor prints the findings, the failures first.
func printDoctor(w io.Writer, r *doctor.Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	for _, s := range []doctor.Severity{doctor.Fail, doctor.Warn, doctor.OK} {
		for _, f := range r.Findings {
			if f.Severity != s {
				continue
			}
			fmt.Fprintf(w, "%-4s  %-12s %s\n", f.Severity, f.Check, f.Detail)
			if f.Fix != "" {
				fmt.Fprintf(w, "      %-12s fix: %s\n", "", f.Fix)
			}
		}
	}
	fmt.Fprintf(w, "%d of %d devices configured\n", r.Configured, r.Devices)
	if r.Gateways > 0 {
		fmt.Fprintf(w, "%d of %d gateways configured\n", r.GatewaysConfigured, r.Gateways)
	}
	return nil
}
