package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/admin"
	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// importLong is the help of cmtftp import.
const importLong = `import reads a CSV file of devices whose first row names the columns:

  MAC ADDRESS or DEVICE NAME   required (00:11:22:AA:BB:CC, SEP001122AABBCC, or a gateway's name)
  DEVICE TYPE                  required (7961, "Cisco 7961"; cmtftp model list)
  DEVICE POOL                  required
  DEVICE PROTOCOL              SCCP or SIP (default: the model's first protocol)
  DESCRIPTION, SOFTKEY TEMPLATE, SIP PROFILE, DIAL PLAN, LOAD, USER LOCALE, NETWORK LOCALE
  DIRECTORY NUMBER n, DISPLAY n, LINE TEXT LABEL n      the line on button n

Every row is checked first, against the file and against the records on the server;
if any row is wrong, the report lists each bad row by line number and nothing is
written. Then the devices are written in batches, each batch one transaction:
an interrupted import keeps whole batches only, and running it again finishes
the job (rows already there are unchanged). The file is read twice (to check,
then to send), so memory holds an index of it and a batch or two, not the
whole file; input that cannot be read twice (a pipe) is copied to a
temporary file first.

A gateway file (--gateways, or a header with a GATEWAY TYPE or GATEWAY NAME
column) has one row per port; the rows of one gateway make one record:

  GATEWAY NAME, or MAC ADDRESS   required: the name (SKIGW…, ATA…, SAA…, SDA…, an MGCP
                                 host name), or the MAC the name is derived from
  GATEWAY TYPE                   required: the model (VG224, ATA190, ISR4321)
  CALL MANAGER GROUP             required
  PROTOCOL, DEVICE POOL, DESCRIPTION, LOAD           the gateway's, on any of its rows
  UNIT PRODUCT, SUBUNIT PRODUCT  the modules of the port's unit and subunit (ISR-NIM, NIM-4FXS;
                                 cmtftp gateway modules); none: the model's layout
  PORT                           U/S/P (0/1/0) or U/P (2/0)
  DIRECTORY NUMBER, DISPLAY NAME, LINE LABEL         the port's line (created or updated)
  PORT LABEL, LOCALE, PORT DESCRIPTION               the port's own

Every gateway is checked as the server checks it (names per family, ports
per module); if any row is wrong, each bad row is listed and nothing is
written. docs/gateways.md describes the families.`

func newImportCmd() *cobra.Command {
	var cf clientFlags
	var batch int
	var dryRun, gateways bool
	cmd := &cobra.Command{Use: "import devices.csv|gateways.csv", Short: "Bulk-add devices or gateways and their lines from a CSV file (BAT-like columns)",
		Long: importLong,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := openSeekable(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			c := cf.client()
			if gateways || devicecsv.SniffGateways(f) {
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return err
				}
				return importGateways(cmd, c, args[0], f, batch, dryRun)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			existing, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindPool, domain.KindSoftkey, domain.KindSIPProfile, domain.KindDialPlan)
			if err != nil {
				return err
			}
			checked, rowErrs := devicecsv.Check(f, existing)
			if len(rowErrs) > 0 {
				return reportRows(cmd, args[0], rowErrs)
			}
			if dryRun {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d devices and %d lines would be imported\n", args[0], checked.Count, len(checked.Lines))
				return nil
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			return importRows(cmd, c, args[0], f, checked, batch)
		}}
	cf.register(cmd)
	cmd.Flags().IntVar(&batch, "batch", 2000, "devices per transaction")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check every row and write nothing")
	cmd.Flags().BoolVar(&gateways, "gateways", false, "the file is a gateway file (found by its header otherwise)")
	return cmd
}

// reportRows writes one line per bad row and returns the error that
// nothing was written.
func reportRows(cmd *cobra.Command, name string, rowErrs []devicecsv.RowError) error {
	slices.SortStableFunc(rowErrs, func(a, b devicecsv.RowError) int { return a.Line - b.Line })
	w := cmd.ErrOrStderr()
	for _, e := range rowErrs {
		fmt.Fprintf(w, "%s:%d: %s\n", name, e.Line, strings.TrimPrefix(e.Error(), fmt.Sprintf("line %d: ", e.Line)))
	}
	return fmt.Errorf("import %s: %d bad rows; nothing was written", name, len(rowErrs))
}

// importGateways checks a gateway file against the server's models,
// groups and pools and, with no bad row, sends it (admin.Client.ImportGateways).
func importGateways(cmd *cobra.Command, c *admin.Client, name string, f io.Reader, batch int, dryRun bool) error {
	if batch < 1 {
		return errors.New("--batch must be at least 1")
	}
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	existing, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindGroup, domain.KindPool)
	if err != nil {
		return err
	}
	gf, rowErrs := devicecsv.ParseGateways(f, existing)
	if len(rowErrs) > 0 {
		return reportRows(cmd, name, rowErrs)
	}
	if dryRun {
		fmt.Fprintf(cmd.OutOrStdout(), "%s: %d gateways and %d lines would be imported\n", name, len(gf.Gateways), len(gf.Lines))
		return nil
	}
	total, err := c.ImportGateways(ctx, gf, batch, nil)
	if err != nil {
		if le, ok := errors.AsType[*admin.LineError](err); ok {
			err = fmt.Errorf("%s:%d: %w", name, le.Line, le.Err)
		}
		return fmt.Errorf("import stopped after %d of %d gateways (whole batches only; run it again to finish): %w", total.Devices, len(gf.Gateways), err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "imported %s: %d gateways (%d rows); records created %d, updated %d, unchanged %d\n",
		name, len(gf.Gateways), gf.Rows, total.Created, total.Updated, total.Unchanged)
	return nil
}

// importRows sends the checked file f to the server (admin.Client.Import).
func importRows(cmd *cobra.Command, c *admin.Client, name string, f io.Reader, checked *devicecsv.File, batch int) error {
	if batch < 1 {
		return errors.New("--batch must be at least 1")
	}
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	bar := newProgress(cmd.ErrOrStderr(), "importing", checked.Count)
	total, err := c.Import(ctx, f, checked, batch, bar.set)
	bar.done()
	if err != nil {
		if le, ok := errors.AsType[*admin.LineError](err); ok {
			err = fmt.Errorf("%s:%d: %w", name, le.Line, le.Err)
		}
		return fmt.Errorf("import stopped after %d of %d devices (whole batches only; run it again to finish): %w", total.Devices, checked.Count, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "imported %s: %d devices; records created %d, updated %d, unchanged %d\n",
		name, checked.Count, total.Created, total.Updated, total.Unchanged)
	return nil
}

// openSeekable opens path for reading twice (check, then send): a file
// that cannot seek (a pipe) is first copied to a temporary file, which
// closing removes.
func openSeekable(path string) (*tempFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return &tempFile{File: f}, nil
	}
	defer f.Close()
	tmp, err := os.CreateTemp("", "cmtftp-import-*.csv")
	if err != nil {
		return nil, err
	}
	t := &tempFile{File: tmp, remove: true}
	if _, err := io.Copy(tmp, f); err != nil {
		t.Close()
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// tempFile is an open file, removed on Close when remove is set.
type tempFile struct {
	*os.File
	remove bool
}

// Close closes the file and removes it if it is a temporary copy.
func (t *tempFile) Close() error {
	err := t.File.Close()
	if t.remove {
		os.Remove(t.Name())
	}
	return err
}

// progress draws a progress bar on a terminal, or a line per 10% elsewhere.
type progress struct {
	w       io.Writer
	label   string
	total   int
	start   time.Time
	tty     bool
	lastPct int
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, total: total, start: time.Now(), lastPct: -1}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	p.set(0)
	return p
}

func (p *progress) set(n int) {
	pct := 100
	if p.total > 0 {
		pct = n * 100 / p.total
	}
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	if p.tty {
		const width = 30
		fill := pct * width / 100
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = ' '
			if i < fill {
				bar[i] = '='
			}
		}
		fmt.Fprintf(p.w, "\r%s [%s] %3d%% %d/%d  %.0f/s ", p.label, bar, pct, n, p.total, rate)
		return
	}
	if pct/10 != p.lastPct/10 || (n == p.total && p.lastPct != 100) {
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%) %.0f/s\n", p.label, n, p.total, pct, rate)
		p.lastPct = pct
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
