package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// changeFlags are the flags of "cmtftp bench change".
type changeFlags struct {
	servers, writes []string
	cfg             changeConfig
	asJSON          bool
}

func newBenchChangeCmd() *cobra.Command {
	var f changeFlags
	cmd := &cobra.Command{
		Use:   "change --server LABEL=ADDR... --write LABEL=KIND:TARGET... [flags]",
		Short: "Measure the time from a committed change to the first fetch serving the new bytes",
		Long: `Make --changes changes one after another, each renaming one line (its display
name), so that one device's file (--file, with the device number k) changes:
change i renames line --line(k) with k = --first + i mod --devices, through
the writes in turn (--write api:http://ADMIN — the admin API, as "cmtftp line
set" does — or sql:postgres://… / sql:sqlite:PATH — plain SQL on the database,
past every server). Before each change every server is asked for the file
once; after the commit returns, every --server (HOST:PORT over TFTP, or
http://HOST:PORT over HTTP) is asked for it every --every until its bytes hold
the new name. The latency is the time from the commit returning to the end of
that first fetch; a server not serving the new bytes within --bound counts as
a timeout (and as --bound in the percentiles). Prints p50/p99/max per server
and write; fails when any change timed out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.servers, "server", nil, "a server to poll, LABEL=HOST:PORT (TFTP) or LABEL=http://HOST:PORT (HTTP); repeatable")
	fl.StringArrayVar(&f.writes, "write", nil, "a write path, LABEL=api:http://ADMIN or LABEL=sql:postgres://… or LABEL=sql:sqlite:PATH; repeatable, used in turn")
	fl.StringVar(&f.cfg.File, "file", "SEP0022AA%06X.cnf.xml", "the changed device's file name, a pattern taking the device number k")
	fl.StringVar(&f.cfg.Line, "line", "1%07d", "the line renamed for device k, a pattern taking k (it must be on that device)")
	fl.IntVar(&f.cfg.First, "first", 0, "the first device number")
	fl.IntVar(&f.cfg.Devices, "devices", 1000, "devices changed in turn: k = first + i mod devices")
	fl.IntVarP(&f.cfg.Changes, "changes", "n", 200, "changes in all, one after another")
	fl.DurationVar(&f.cfg.Every, "every", 3*time.Millisecond, "pause between two fetches of one server")
	fl.DurationVar(&f.cfg.Bound, "bound", 5*time.Second, "longest wait for one server to serve one change")
	fl.StringVar(&f.cfg.Tag, "tag", "", "part of every new display name, to tell runs apart (default: random)")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	return cmd
}

// run parses the flags, measures and prints.
func (f *changeFlags) run(cmd *cobra.Command) error {
	if len(f.servers) == 0 || len(f.writes) == 0 {
		return errors.New("give at least one --server and one --write")
	}
	cfg := f.cfg
	if cfg.Tag == "" {
		var b [3]byte
		rand.Read(b[:])
		cfg.Tag = hex.EncodeToString(b[:])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for _, s := range f.servers {
		t, err := parseChangeTarget(s)
		if err != nil {
			return err
		}
		cfg.Targets = append(cfg.Targets, t)
	}
	for _, s := range f.writes {
		w, err := openChangeWriter(ctx, s)
		if err != nil {
			return err
		}
		defer w.close()
		cfg.Writes = append(cfg.Writes, w)
	}
	rep, err := measureChanges(ctx, cfg)
	if rep != nil {
		if perr := printChangeReport(cmd.OutOrStdout(), rep, f.asJSON); perr != nil {
			return perr
		}
	}
	return err
}

// splitLabel splits "LABEL=REST" when the "=" comes before any ":" (a
// DSN's query may hold "="); without a label, def is the label.
func splitLabel(s, def string) (label, rest string) {
	eq, colon := strings.Index(s, "="), strings.Index(s, ":")
	if eq > 0 && (colon < 0 || eq < colon) {
		return s[:eq], s[eq+1:]
	}
	return def, s
}

// printChangeReport prints the rows as a table, or the report as JSON.
func printChangeReport(w io.Writer, r *changeReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(w, "%d changes, bound %v, %d timed out\n", r.Changes, r.Bound, r.Timeouts)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\twrite\tchanges\tp50 ms\tp99 ms\tmax ms\ttimeouts\tfetch errors\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%.1f\t%.1f\t%d\t%d\t\n", row.Server, row.Write, row.Count,
			ms(row.P50), ms(row.P99), ms(row.Max), row.Timeouts, row.FetchErrors)
	}
	return tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
