package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/domain"
	"cmtftp/internal/metrics"
	"cmtftp/internal/timeline"
)

func newCountersCmd() *cobra.Command {
	var cf clientFlags
	var watch time.Duration
	cmd := &cobra.Command{Use: "counters", Short: `The "Cisco TFTP" performance counters, under their RTMT names`,
		Long: "counters reads the running server's /metrics and prints each counter of the Cisco TFTP\n" +
			"performance object under its RTMT name. --watch 2s redraws every two seconds until Ctrl-C.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for {
				ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
				body, err := fetchMetrics(ctx, &cf)
				cancel()
				if err != nil {
					return err
				}
				fams, err := metrics.ParseText(strings.NewReader(body))
				if err != nil {
					return fmt.Errorf("counters: %w", err)
				}
				if watch > 0 {
					fmt.Fprint(cmd.OutOrStdout(), "\033[H\033[2J")
					fmt.Fprintf(cmd.OutOrStdout(), "Cisco TFTP — %s — every %v\n\n", time.Now().Format(time.TimeOnly), watch)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "COUNTER\tVALUE")
				for _, c := range metrics.CiscoNames() {
					v, ok := c.Value(fams)
					val := "-"
					if ok {
						val = strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
					}
					fmt.Fprintf(tw, "%s\t%s\n", c.Name, val)
				}
				tw.Flush()
				if watch <= 0 {
					return nil
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(watch):
				}
			}
		}}
	cf.register(cmd)
	cmd.Flags().DurationVar(&watch, "watch", 0, "redraw every interval (e.g. 2s) until interrupted")
	return cmd
}

func fetchMetrics(ctx context.Context, cf *clientFlags) (string, error) {
	c := cf.client()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.Base, "/")+"/metrics", nil)
	if err != nil {
		return "", err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("metrics at %s: %w (is `cmtftp serve` running?)", c.Base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("metrics at %s: %s", c.Base, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return string(b), err
}

// newTimelineCmd is "cmtftp device timeline NAME" (and "gateway timeline
// NAME": k says which records NAME names).
func newTimelineCmd(cf *clientFlags, k domain.Kind) *cobra.Command {
	return &cobra.Command{Use: "timeline NAME", Short: "The " + string(k) + "'s last requests: what it asked for and what it got", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			var entries []timeline.Entry
			if err := cf.client().GetJSON(ctx, "/api/v1/devices/"+url.PathEscape(deviceKey(k, args[0]))+"/timeline", &entries); err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, entries)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tPROTO\tFILE\tRESULT\tBYTES\tDURATION\tCLIENT\tFROM\tSIGNED")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%v\t%s\t%s\t%s\n", e.Time.Local().Format("15:04:05.000"), e.Protocol, e.Name, e.Result, e.Bytes,
					e.Duration.Round(time.Microsecond), e.Client, cmp.Or(e.Cluster, "local"), signedColumn(e))
			}
			if len(entries) == 0 {
				fmt.Fprintf(tw, "(no requests from this %s since the server started)\n", k)
			}
			return tw.Flush()
		}}
}

// signedColumn says how a request's file was signed: by this server's key
// (named), "as stored" for a signed name served as it was kept (firmware,
// another cluster's file), "-" for an unsigned one.
func signedColumn(e timeline.Entry) string {
	switch {
	case e.Signer != "":
		return e.Signer
	case e.Result == "completed" && (strings.HasSuffix(e.Name, ".sgn") || strings.HasSuffix(e.Name, ".tlv")):
		return "as stored"
	}
	return "-"
}
