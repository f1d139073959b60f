package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"cmtftp/internal/source/built"
)

// newCacheCmd is "cmtftp cache": the running server's cache of built files.
func newCacheCmd() *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "cache", Short: "The running server's cache of built configuration files", Args: cobra.NoArgs}
	cf.register(cmd)
	cmd.AddCommand(newCacheStatusCmd(&cf))
	return cmd
}

// newCacheStatusCmd is "cmtftp cache status": the files kept, their bytes
// against the budget, the evictions and the builds by cause.
func newCacheStatusCmd(cf *clientFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "status", Short: "Show the built files kept in memory, the byte budget, evictions and builds by cause", Args: cobra.NoArgs,
		Long: "status asks the running server (GET /api/v1/cache/status) about its cache of built files:\n" +
			"the files kept and the bytes they count against the budget (--config-cache-bytes), the files\n" +
			"dropped to keep it, and the builds by cause: first, changed (a record the file was rendered\n" +
			"from changed), evicted (dropped for the budget) and uncached (caching off).",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			var st built.Stats
			if err := cf.client().GetJSON(ctx, "/api/v1/cache/status", &st); err != nil {
				return err
			}
			switch {
			case asJSON:
				return emit(cmd.OutOrStdout(), "json", st)
			case cf.output != "table":
				return emit(cmd.OutOrStdout(), cf.output, st)
			}
			return writeCacheStatus(cmd.OutOrStdout(), st)
		}}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the JSON the server answers (as -o json)")
	return cmd
}

// writeCacheStatus prints st as a two-column table.
func writeCacheStatus(w io.Writer, st built.Stats) error {
	budget := "none"
	if st.BudgetBytes >= 0 {
		budget = fmt.Sprintf("%d (%s)", st.BudgetBytes, mib(st.BudgetBytes))
	}
	used := "-"
	if st.BudgetBytes > 0 {
		used = fmt.Sprintf("%.1f%%", 100*float64(st.Bytes)/float64(st.BudgetBytes))
	}
	perFile := int64(0)
	if st.Entries > 0 {
		perFile = st.Bytes / int64(st.Entries)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "caching\t%s\n", cell(st.Caching))
	fmt.Fprintf(tw, "entries\t%d\n", st.Entries)
	fmt.Fprintf(tw, "bytes\t%d (%s; files %d; %d a file)\n", st.Bytes, mib(st.Bytes), st.FileBytes, perFile)
	fmt.Fprintf(tw, "compressed\t%d (dictionary %d bytes)\n", st.Compressed, st.DictBytes)
	fmt.Fprintf(tw, "budget\t%s\n", budget)
	fmt.Fprintf(tw, "used\t%s\n", used)
	fmt.Fprintf(tw, "evictions\t%d\n", st.Evictions)
	for _, c := range []string{"first", "changed", "evicted", "uncached"} {
		fmt.Fprintf(tw, "builds %s\t%d\n", c, st.Builds[c])
	}
	fmt.Fprintf(tw, "changed records remembered\t%d\n", st.ChangedRecords)
	return tw.Flush()
}

// mib is n bytes in MiB, one decimal.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
