package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/source/remote"
)

// newRemoteStatusCmd is "cmtftp remote status": the health and counters of
// every remote cluster's servers, as the running server sees them.
func newRemoteStatusCmd(cf *clientFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "status", Short: "Show each remote cluster's servers: up or down, and what they answered", Args: cobra.NoArgs,
		Long: "status asks the running server (GET /api/v1/remotes/status) how its remote clusters' servers\n" +
			"fare: up, or down until a time (then probed again), and their answers since it started:\n" +
			"requests, hits (200), 404, 503 and errors (timeouts, refused connections, other statuses).",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			cs, err := cf.client().RemoteStatus(ctx)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return emit(cmd.OutOrStdout(), "json", cs)
			case cf.output != "table":
				return emit(cmd.OutOrStdout(), cf.output, cs)
			}
			return writeRemoteStatus(cmd.OutOrStdout(), cs, time.Local)
		}}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the JSON the server answers (as -o json)")
	return cmd
}

// writeRemoteStatus prints one row per server of each cluster (one row for
// a cluster without servers), times in loc.
func writeRemoteStatus(w io.Writer, cs []remote.ClusterStatus, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLUSTER\tENABLED\tSERVER\tSTATE\tREQUESTS\tHITS\t404\t503\tERRORS\tLAST ERROR")
	for _, c := range cs {
		enabled := cell(c.Enabled)
		if len(c.Servers) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\n", c.Cluster, enabled)
		}
		for _, s := range c.Servers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", c.Cluster, enabled, s.Server, serverState(s, loc),
				s.Requests, s.Hits, s.NotFound, s.Busy, s.Errors, lastError(s, loc))
		}
	}
	return tw.Flush()
}

// serverState is "up", "down until HH:MM:SS" or "down".
func serverState(s remote.ServerStatus, loc *time.Location) string {
	switch {
	case s.Up:
		return "up"
	case s.DownUntil.IsZero():
		return "down"
	}
	return "down until " + s.DownUntil.In(loc).Format(time.TimeOnly)
}

// lastError is the last error and its time, or "-"; line breaks become
// spaces so the table stays one line a server.
func lastError(s remote.ServerStatus, loc *time.Location) string {
	if s.LastError == "" {
		return "-"
	}
	msg := strings.Join(strings.Fields(s.LastError), " ")
	if s.LastErrorAt.IsZero() {
		return msg
	}
	return msg + " (" + s.LastErrorAt.In(loc).Format(time.TimeOnly) + ")"
}
