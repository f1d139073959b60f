package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/tftpclient"
)

func newGetCmd() *cobra.Command {
	var (
		c       tftpclient.Client
		timeout int
		out     string
	)
	cmd := &cobra.Command{
		Use:   "get [flags] HOST[:PORT] NAME",
		Short: "Fetch one file from a TFTP server",
		Long: `Fetch one file from a TFTP server (port 69 unless given), as a phone would.
IPv6 addresses go in brackets when a port is given: [::1]:6969.
The file is written to -o (default: the last element of NAME in the current
directory; "-" for standard output). A regular file appears only once the
transfer is complete; a device or pipe such as /dev/null is written in place.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			server := args[0]
			if timeout > 0 {
				c.TimeoutOption, c.Timeout = timeout, time.Duration(timeout)*time.Second
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			return runGet(ctx, cmd, &c, server, args[1], out)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&c.BlockSize, "blksize", 0, "ask for this block size (8–65464)")
	fl.IntVar(&c.WindowSize, "windowsize", 0, "ask for this window size (1–65535)")
	fl.BoolVar(&c.TSize, "tsize", false, "ask for the file size")
	fl.IntVar(&timeout, "timeout", 0, "retransmission timeout in seconds, also asked of the server (1–255)")
	fl.IntVar(&c.Retries, "retries", tftpclient.DefaultRetries, "resends before giving up")
	fl.BoolVar(&c.Netascii, "netascii", false, "transfer in netascii mode")
	fl.StringVarP(&out, "output", "o", "", `where to write the file ("-" for standard output)`)
	return cmd
}

func runGet(ctx context.Context, cmd *cobra.Command, c *tftpclient.Client, server, name, out string) error {
	if out == "" {
		out = path.Base(strings.ReplaceAll(name, `\`, "/"))
	}
	w, finish, err := openGetOutput(cmd, out)
	if err != nil {
		return err
	}
	res, err := c.Get(ctx, server, name, w)
	if ferr := finish(err == nil); err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("get %s from %s: %w", name, server, err)
	}
	rate := float64(res.Bytes) / (1 << 20) / max(res.Duration.Seconds(), 1e-9)
	fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d bytes in %v (%.1f MiB/s) from %s", name, res.Bytes, res.Duration.Round(time.Microsecond), rate, res.Server)
	if o := res.Options; !o.Empty() {
		fmt.Fprintf(cmd.ErrOrStderr(), " [blksize %d, windowsize %d, tsize %v]", o.BlockSize, o.WindowSize, o.HasTSize)
	}
	fmt.Fprintln(cmd.ErrOrStderr())
	return nil
}

// openGetOutput opens where runGet writes the file: standard output for
// "-", a device or pipe in place, otherwise a temporary file that finish
// renames to out when ok (and removes when not).
func openGetOutput(cmd *cobra.Command, out string) (w io.Writer, finish func(ok bool) error, err error) {
	switch st, err := os.Stat(out); {
	case out == "-":
		bw := bufio.NewWriter(cmd.OutOrStdout())
		return bw, func(bool) error { return bw.Flush() }, nil
	case err == nil && !st.Mode().IsRegular():
		// A device or pipe (/dev/null, a FIFO) is written in place: renaming
		// a temporary file over it would replace it.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, err
		}
		bw := bufio.NewWriter(f)
		return bw, func(bool) error {
			err := bw.Flush()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		}, nil
	default:
		// A regular file appears only once complete: write a temporary file
		// beside it, then rename.
		tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".part-*")
		if err != nil {
			return nil, nil, err
		}
		bw := bufio.NewWriter(tmp)
		return bw, func(ok bool) error {
			err := bw.Flush()
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if !ok || err != nil {
				os.Remove(tmp.Name())
				return err
			}
			return os.Rename(tmp.Name(), out)
		}, nil
	}
}
