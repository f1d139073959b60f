package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/loadgen"
)

func newBenchCmd() *cobra.Command {
	var (
		cfg     loadgen.Config
		asJSON  bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "bench --server HOST:PORT --file NAME [-c CONC] [-n COUNT | -d DURATION]",
		Short: "Load a TFTP server with many concurrent transfers and report figures",
		Long: `Run transfers of one file against a TFTP server, each on a fresh socket as
real phones do, and report transfers/s, MiB/s, latency percentiles and errors
by code. Fails if any transfer's bytes differ from the first transfer's
(unless --any-bytes, for --names runs over files that differ).
The run stops at -n transfers or after -d, whichever comes first, and never
runs longer than 20 minutes. Point it only at servers you run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Server == "" || cfg.File == "" {
				return fmt.Errorf("--server and --file are required")
			}
			cfg.Client.Timeout = timeout
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			rep, err := loadgen.Run(ctx, cfg)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(rep); jerr != nil {
					return jerr
				}
			} else {
				printReport(cmd, rep)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfg.Server, "server", "", "server address HOST:PORT")
	fl.StringVar(&cfg.File, "file", "", "file name to fetch (with --names, a pattern with one %d)")
	fl.IntVar(&cfg.Names, "names", 0, "ask for N files in turn: --file is a pattern such as r%05d.bin and transfer k asks for k mod N (the files must hold the same bytes unless --any-bytes); the pattern takes any integer verb, e.g. SEP0022AA%06X.cnf.xml")
	fl.BoolVar(&cfg.AnyBytes, "any-bytes", false, "do not check that every transfer's bytes equal the first's (files that differ, one per device)")
	fl.IntVarP(&cfg.Concurrency, "concurrency", "c", 1, "transfers at once")
	fl.IntVarP(&cfg.Count, "count", "n", 0, "transfers in all (default 1000 when -d is not given)")
	fl.DurationVarP(&cfg.Duration, "duration", "d", 0, "how long to run")
	fl.IntVar(&cfg.Client.BlockSize, "blksize", 0, "ask for this block size")
	fl.IntVar(&cfg.Client.WindowSize, "windowsize", 0, "ask for this window size")
	fl.IntVar(&cfg.Client.ReceiveBuffer, "rcvbuf", 0, "client socket receive buffer in bytes for windowed transfers (SO_RCVBUF, capped by net.core.rmem_max); default: one that holds a window")
	fl.DurationVar(&timeout, "timeout", time.Second, "client retransmission timeout")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.PreRun = func(*cobra.Command, []string) {
		if cfg.Count == 0 && cfg.Duration == 0 {
			cfg.Count = 1000
		}
	}
	cmd.AddCommand(newBenchChangeCmd())
	return cmd
}

func printReport(cmd *cobra.Command, r loadgen.Report) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "server %s  file %s (%d bytes)  concurrency %d  blksize %d  windowsize %d\n",
		r.Server, r.File, r.FileSize, r.Concurrency, r.BlockSize, r.WindowSize)
	fmt.Fprintf(w, "transfers %d ok, %d failed, %d mismatched in %v\n", r.Transfers, r.Failed, r.Mismatched, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "rate      %.0f transfers/s, %.1f MiB/s\n", r.PerSecond, r.MiBPerSec)
	fmt.Fprintf(w, "latency   p50 %v  p90 %v  p99 %v  max %v\n", r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	keys := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "error     %s: %d\n", k, r.Errors[k])
	}
}
