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

func newImportCmd() *cobra.Command {
	var cf clientFlags
	var batch int
	var dryRun bool
	cmd := &cobra.Command{Use: "import devices.csv", Short: "Bulk-add devices and their lines from a CSV file (BAT-like columns)",
		Long: `import reads a CSV file of devices whose first row names the columns:

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
the job (rows already there are unchanged).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			parsed, rowErrs := devicecsv.Parse(f)
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			c := cf.client()
			existing, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindPool, domain.KindSoftkey, domain.KindSIPProfile, domain.KindDialPlan)
			if err != nil {
				return err
			}
			rows, refErrs := devicecsv.CheckReferences(parsed, existing)
			rowErrs = append(rowErrs, refErrs...)
			if len(rowErrs) > 0 {
				slices.SortStableFunc(rowErrs, func(a, b devicecsv.RowError) int { return a.Line - b.Line })
				w := cmd.ErrOrStderr()
				for _, e := range rowErrs {
					fmt.Fprintf(w, "%s:%d: %s\n", args[0], e.Line, strings.TrimPrefix(e.Error(), fmt.Sprintf("line %d: ", e.Line)))
				}
				return fmt.Errorf("import %s: %d bad rows; nothing was written", args[0], len(rowErrs))
			}
			if dryRun {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d devices and %d lines would be imported\n", args[0], len(rows), len(parsed.Lines))
				return nil
			}
			return importRows(cmd, c, args[0], parsed, rows, batch)
		}}
	cf.register(cmd)
	cmd.Flags().IntVar(&batch, "batch", 2000, "devices per transaction")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check every row and write nothing")
	return cmd
}

func importRows(cmd *cobra.Command, c *admin.Client, name string, parsed *devicecsv.File, rows []devicecsv.Row, batch int) error {
	if batch < 1 {
		return errors.New("--batch must be at least 1")
	}
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	bar := newProgress(cmd.ErrOrStderr(), "importing", len(rows))
	var total store.ApplyResult
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		site := &domain.Site{}
		sent := map[string]bool{}
		for _, r := range rows[start:end] {
			for _, a := range r.Device.Lines {
				if !sent[a.Line] {
					site.Lines = append(site.Lines, parsed.Lines[a.Line])
					sent[a.Line] = true
				}
			}
			site.Devices = append(site.Devices, r.Device)
		}
		res, err := c.Apply(ctx, site)
		if err != nil {
			bar.done()
			var ae *admin.Error
			if errors.As(err, &ae) && ae.Kind == domain.KindDevice {
				if l, ok := parsed.LineOf[ae.Key]; ok {
					err = fmt.Errorf("%s:%d: %w", name, l, err)
				}
			}
			return fmt.Errorf("import stopped after %d of %d devices (whole batches only; run it again to finish): %w", start, len(rows), err)
		}
		total.Created += res.Created
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		bar.set(end)
	}
	bar.done()
	fmt.Fprintf(cmd.OutOrStdout(), "imported %s: %d devices; records created %d, updated %d, unchanged %d\n",
		name, len(rows), total.Created, total.Updated, total.Unchanged)
	return nil
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
