package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/device"
)

// sipFlags are simulate's --sip-… flags: the phone stays up as a SIP user
// agent and boots again on each reset the server sends.
type sipFlags struct {
	listen string
	wait   time.Duration
	resets int
}

func (f *sipFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "sip-listen", "", "after booting, listen for SIP on this UDP address (e.g. 127.0.0.1:5060) as the phone: answer a check-sync or service-control NOTIFY 200 OK and boot again (docs/reset.md)")
	fl.DurationVar(&f.wait, "sip-wait", time.Minute, "with --sip-listen: how long to wait for resets")
	fl.IntVar(&f.resets, "sip-resets", 1, "with --sip-listen: stop after this many resets (0: only --sip-wait ends it)")
}

// runSIPSimulate plays a boot, then waits as the phone's SIP user agent
// and boots again on each NOTIFY, printing each boot, until --sip-resets
// were handled or --sip-wait ends.
func runSIPSimulate(ctx context.Context, cmd *cobra.Command, c device.Config, out output, saveITL string, f *sipFlags) error {
	if out.ios || c.Kind == device.Gateway {
		return errors.New("--sip-listen plays a phone: not with --ios or a gateway")
	}
	phone, err := device.ListenSIP(f.listen)
	if err != nil {
		return err
	}
	defer phone.Close()
	if err := runSimulate(ctx, cmd, c, out, saveITL); err != nil {
		return err
	}
	errw := cmd.ErrOrStderr()
	fmt.Fprintf(errw, "waiting for SIP NOTIFY on %s\n", phone.Addr())
	ctx, cancel := context.WithTimeout(ctx, f.wait)
	defer cancel()
	var last *device.Report
	var printErr error
	n, err := device.ServeResets(ctx, c, phone, f.resets, func(note device.SIPNotify, r *device.Report) {
		fmt.Fprintf(cmd.OutOrStdout(), "\nSIP NOTIFY %s %s from %s: 200 OK, fetching the files again\n", note.Event, note.Action, note.From)
		printErr = errors.Join(printErr, printSimulated(cmd.OutOrStdout(), r, out.json))
		last = r
	})
	fmt.Fprintf(errw, "%d SIP resets handled\n", n)
	switch {
	case err != nil || printErr != nil:
		return errors.Join(err, printErr)
	case f.resets > 0 && n < f.resets:
		return fmt.Errorf("%d of %d resets came within --sip-wait %v", n, f.resets, f.wait)
	case last != nil && !last.OK():
		return fmt.Errorf("%s not configured after the reset: %s", last.Device, last.Cause)
	}
	return nil
}
