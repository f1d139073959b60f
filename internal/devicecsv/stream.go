package devicecsv

import (
	"errors"
	"fmt"
	"io"

	"cmtftp/internal/domain"
)

// Check reads a whole device CSV and checks every row as Parse and then
// CheckReferences would (against the file, and against the records of
// site), but keeps no devices: the File it returns has Lines, LineOf and
// Count, not Rows, so that a file of MaxRows devices costs its index, not
// its records. Batches then reads the file again to send it.
func Check(r io.Reader, site *domain.Site) (*File, []RowError) {
	p := newParser(r, true)
	ix := newIndex(site)
	var refErrs []RowError
	p.onRow = func(row Row) bool {
		if col, msg := ix.check(row.Device); msg != "" {
			p.out.Count--
			refErrs = append(refErrs, RowError{Line: row.Line, Column: col, Msg: msg})
			return len(p.errs)+len(refErrs) < MaxErrors
		}
		return true
	}
	p.run()
	errs := append(p.errs, refErrs...)
	if len(errs) > MaxErrors {
		errs = errs[:MaxErrors]
	}
	return p.out, errs
}

// ErrChanged is returned by Batches when the file no longer reads as it
// did when it was checked.
var ErrChanged = errors.New("the file changed since it was checked")

// Batches reads the file f was checked from (Check) again, from r at its
// start, and calls send with each run of at most n of its devices and the
// lines they use, in file order. Each line is the one f merged over the
// whole file (a later row may have given it a display name), sent with
// every batch that uses it. Only one batch is in memory at a time. A row
// that does not read as it did when checked stops it with ErrChanged.
func (f *File) Batches(r io.Reader, n int, send func(*domain.Site) error) error {
	if n < 1 {
		return errors.New("devicecsv: a batch holds at least one device")
	}
	p := newParser(r, false)
	var site *domain.Site
	var sent map[string]bool
	var sendErr error
	flush := func() bool {
		if site != nil && len(site.Devices) > 0 {
			sendErr = send(site)
		}
		site, sent = &domain.Site{}, map[string]bool{}
		return sendErr == nil
	}
	flush()
	p.onRow = func(row Row) bool {
		if f.LineOf[row.Device.Name] != row.Line {
			sendErr = fmt.Errorf("line %d: %w", row.Line, ErrChanged)
			return false
		}
		for _, a := range row.Device.Lines {
			l := f.Lines[a.Line]
			if l == nil {
				sendErr = fmt.Errorf("line %d: %w", row.Line, ErrChanged)
				return false
			}
			if !sent[a.Line] {
				site.Lines = append(site.Lines, l)
				sent[a.Line] = true
			}
		}
		site.Devices = append(site.Devices, row.Device)
		return len(site.Devices) < n || flush()
	}
	p.run()
	switch {
	case sendErr != nil:
		return sendErr
	case len(p.errs) > 0:
		return fmt.Errorf("%v: %w", p.errs[0], ErrChanged)
	case p.out.Count != f.Count:
		return fmt.Errorf("%d devices, %d when checked: %w", p.out.Count, f.Count, ErrChanged)
	}
	flush()
	return sendErr
}
