package main

import (
	"cmp"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
)

// resetLong is the help of "device reset" and "device restart".
const resetLong = `Make phones fetch their files again, from the server (docs/reset.md): each
selected SIP phone is sent the SIP NOTIFY its family reacts to — "Event:
service-control" with action=restart or action=reset and the version stamps of
its built files for enterprise SIP firmware (79x1, 797x, 88xx …), "Event:
check-sync" for 7940/7960 and 7905/7912 SIP — at the address it last fetched its
files from, on its SIP profile's port (5060 unless voipControlPort says
otherwise). restart re-reads the configuration; reset reboots the phone.

Name the devices, or select them with --pool, --all or --changed-since ID (the
devices whose records changed after change ID). The NOTIFYs roll out at 20 a
second, at most a quarter of the Maximum Serving Count awaiting an answer.
SCCP phones are reset by their call-control server: they are reported as not
sent. The exit status is 1 when any device did not answer 200.`

// newResetCmd is "cmtftp device reset|restart DEVICE…".
func newResetCmd(cf *clientFlags, action string) *cobra.Command {
	var q admin.ResetRequest
	cmd := &cobra.Command{
		Use:   action + " [DEVICE…] [--pool P | --all | --changed-since ID]",
		Short: "Send phones the SIP NOTIFY that makes them " + action + " (fetch their files again)",
		Long:  resetLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			q.Action = action
			for _, a := range args {
				q.Devices = append(q.Devices, deviceKey(domain.KindDevice, a))
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			res, err := cf.client().Reset(ctx, q)
			if err != nil {
				return err
			}
			if cf.output != "table" {
				err = emit(cmd.OutOrStdout(), cf.output, admin.ResetResponse{Results: res})
			} else {
				err = printResets(cmd.OutOrStdout(), res)
			}
			if err != nil {
				return err
			}
			return resetFailures(res)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&q.Pool, "pool", "", "every device of this device pool")
	fl.BoolVar(&q.All, "all", false, "every device")
	fl.Int64Var(&q.ChangedSince, "changed-since", 0, "the devices whose records changed after this change ID (cmtftp changes)")
	return cmd
}

// printResets prints the results as a table.
func printResets(w io.Writer, res []admin.ResetResult) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tPROTOCOL\tTARGET\tEVENT\tRESULT\tDETAIL")
	for _, r := range res {
		result := r.Result
		if r.Status != 0 {
			result = fmt.Sprintf("%s %d", r.Result, r.Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Device, cmp.Or(r.Protocol, "-"), cmp.Or(r.Target, "-"),
			cmp.Or(r.Event, "-"), result, r.Detail)
	}
	if len(res) == 0 {
		fmt.Fprintln(tw, "(no devices selected)")
	}
	return tw.Flush()
}

// resetFailures returns an error counting the devices that did not answer
// 200; nil when all did.
func resetFailures(res []admin.ResetResult) error {
	n := 0
	for _, r := range res {
		if r.Result != "answered" {
			n++
		}
	}
	if n > 0 {
		return fmt.Errorf("%d of %d devices not reset", n, len(res))
	}
	return nil
}
