package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/admin"
)

// newClusterCmd is "cmtftp cluster": the servers sharing this database.
func newClusterCmd() *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "cluster", Short: "The cmtftp servers attached to the same database", Args: cobra.NoArgs}
	cf.register(cmd)
	cmd.AddCommand(newClusterStatusCmd(&cf))
	return cmd
}

// newClusterStatusCmd is "cmtftp cluster status".
func newClusterStatusCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "status", Short: "Show every server of the cluster: addresses, version, changes applied, heartbeat, cache, load",
		Long: "status asks a running server (GET /api/v1/cluster) for the servers registered in its database:\n" +
			"their TFTP and admin addresses, version, the last change each applied and how far that is behind the\n" +
			"change log, the age of its last heartbeat, its cache of built files and its load (transfers now,\n" +
			fmt.Sprintf("requests in the last minute). A server without a heartbeat for %d of its intervals is silent; one\n", admin.SilentBeats) +
			fmt.Sprintf("that had more than %d changes, or one older than %s, still to apply at its heartbeat is behind;\n", admin.BehindChanges, admin.BehindFor) +
			"the server that answered is marked \"this\".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			var cs admin.ClusterStatus
			if err := cf.client().GetJSON(ctx, "/api/v1/cluster", &cs); err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, cs)
			}
			return writeClusterStatus(cmd.OutOrStdout(), cs)
		}}
}

// writeClusterStatus prints one row per server.
func writeClusterStatus(w io.Writer, cs admin.ClusterStatus) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVER\tTFTP\tADMIN\tVERSION\tAPPLIED\tBEHIND\tHEARTBEAT\tCACHE\tLOAD\tSTATE")
	for _, s := range cs.Servers {
		behind := fmt.Sprint(s.BehindChanges)
		if s.BehindSeconds > 0 {
			behind += fmt.Sprintf(" (%.1fs)", s.BehindSeconds)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t#%d\t%s\t%s ago\t%d files, %s\t%d transfers, %d req/min\t%s\n",
			s.ID, cell(s.TFTPAddrs), cell(s.AdminAddr), s.Version, s.AppliedID, behind,
			time.Duration(s.HeartbeatAge*float64(time.Second)).Round(100*time.Millisecond), s.CacheEntries, mib(s.CacheBytes),
			s.Transfers, s.RequestsMinute, clusterState(s))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(cs.Servers) == 0 {
		fmt.Fprintln(w, "(no server registered: servers started with --heartbeat 0 are not listed)")
	}
	_, err := fmt.Fprintf(w, "newest change #%d\n", cs.NewestChange)
	return err
}

// clusterState is "ok", or the marks of a server: silent, behind, this.
func clusterState(s admin.ClusterServer) string {
	var marks []string
	if s.Silent {
		marks = append(marks, "silent")
	}
	if s.Behind {
		marks = append(marks, "behind")
	}
	if len(marks) == 0 {
		marks = append(marks, "ok")
	}
	if s.Self {
		marks = append(marks, "this")
	}
	return strings.Join(marks, ", ")
}
