// Package devicecsv reads CSV files of devices, in the spirit of CUCM's Bulk
// Administration Tool: it parses and checks the rows and returns the devices,
// the lines they use and an error per bad row. It writes nothing; `cmtftp
// import` sends what it returns to the admin API.
//
// The first row names the columns (case, spaces and underscores do not
// matter):
//
//	MAC ADDRESS or DEVICE NAME   required: 00:11:22:AA:BB:CC, SEP001122AABBCC, or a gateway name
//	DEVICE TYPE (or MODEL)       required: 7961, "Cisco 7961"
//	DEVICE POOL                  required
//	DEVICE PROTOCOL              SCCP or SIP (default: the model's first)
//	DESCRIPTION, SOFTKEY TEMPLATE, SIP PROFILE, DIAL PLAN, LOAD, USER LOCALE, NETWORK LOCALE
//	DIRECTORY NUMBER n, DISPLAY n, LINE TEXT LABEL n   line on button n (n = 1, 2, …)
//
// A directory number that is not in the database yet is created with the
// display name and label of its first row.
package devicecsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"cmtftp/internal/domain"
)

// Row is one device of a CSV file with its line number.
type Row struct {
	Line   int
	Device *domain.Device
}

// RowError is a problem with one row (or the header, line 1).
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Msg    string `json:"message"`
}

// Error returns the problem as "line N: COLUMN: message".
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Msg)
}

// File is a parsed CSV file: devices and the lines they use.
type File struct {
	Rows  []Row
	Lines map[string]*domain.Line // by number
	// LineOf maps a device name to its CSV line number, for error reports.
	LineOf map[string]int
	// Count is the number of good rows read (len(Rows) when Parse keeps
	// them; Check keeps none).
	Count int
}

// MaxErrors bounds the error report of one file.
const MaxErrors = 1000

// Parse reads a device CSV. It returns every row it could read and every
// row error (up to MaxErrors); rows with errors are left out. It reads at
// most MaxRows devices and MaxLines directory numbers, rows of at most
// MaxRowBytes and fields of at most MaxField bytes: past a limit it stops
// with an error naming it.
func Parse(r io.Reader) (*File, []RowError) {
	p := newParser(r, true)
	p.run()
	return p.out, p.errs
}

// newParser returns a parser of r; check makes it check the rows against
// each other (duplicate devices, merged lines, the file's limits) and
// index them in its File.
func newParser(r io.Reader, check bool) *parser {
	return &parser{
		in:        &rowReader{r: r, limit: MaxRowBytes},
		check:     check,
		out:       &File{Lines: map[string]*domain.Line{}, LineOf: map[string]int{}},
		firstSeen: map[string]int{},
	}
}

// run reads the header and every row.
func (p *parser) run() {
	in := p.in
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		switch {
		case errors.Is(err, io.EOF):
			err = errors.New("the file is empty")
		case errors.Is(err, errRowTooLong):
			err = fmt.Errorf("the header is longer than %d bytes", MaxRowBytes)
		}
		p.errs = []RowError{{Line: 1, Msg: err.Error()}}
		return
	}
	if e := p.longField(head, 1); e != nil {
		p.errs = []RowError{*e}
		return
	}
	p.last = 1
	p.header(head)
	if len(p.errs) > 0 {
		return
	}
	for p.next(cr) {
	}
}

// parser is the state of one Parse, Check or Batches.
type parser struct {
	in        *rowReader
	check     bool           // check rows against each other and index them in out
	onRow     func(Row) bool // takes each good row (nil: out.Rows keeps them); false stops
	last      int            // line of the last row read
	cols      []column
	out       *File
	errs      []RowError
	firstSeen map[string]int // directory number → CSV line that defined it
}

// add records a row error unless the report is full; it reports whether
// the report has room for more.
func (p *parser) add(e RowError) bool {
	if len(p.errs) < MaxErrors {
		p.errs = append(p.errs, e)
	}
	return len(p.errs) < MaxErrors
}

// next reads and checks one row; it reports whether to go on.
func (p *parser) next(cr *csv.Reader) bool {
	p.in.limit = cr.InputOffset() + MaxRowBytes
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	if errors.Is(err, errRowTooLong) {
		p.add(RowError{Line: p.last + 1, Msg: fmt.Sprintf("a row longer than %d bytes; the rest of the file is not read", MaxRowBytes)})
		return false
	}
	if err != nil {
		var pe *csv.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		return p.add(RowError{Line: line, Msg: "unreadable row: " + err.Error()}) && pe != nil
	}
	line, _ := cr.FieldPos(0)
	p.last = line
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return true
	}
	if e := p.longField(rec, line); e != nil {
		return p.add(*e)
	}
	if len(rec) != len(p.cols) {
		return p.add(RowError{Line: line, Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(p.cols))})
	}
	d, lines, rerr := rowDevice(p.cols, rec, line)
	if rerr != nil {
		return p.add(*rerr)
	}
	if p.check {
		if ok, more := p.index(d, lines, line); !ok {
			return more
		}
	}
	p.out.Count++
	if p.onRow != nil {
		return p.onRow(Row{Line: line, Device: d})
	}
	p.out.Rows = append(p.out.Rows, Row{Line: line, Device: d})
	return true
}

// index checks a good row against the rows before it and the file's
// limits, and indexes its device and lines. It reports whether the row
// passed and, if not, whether to go on.
func (p *parser) index(d *domain.Device, lines []*domain.Line, line int) (ok, more bool) {
	if len(p.out.LineOf) >= MaxRows || len(p.out.Lines)+len(lines) > MaxLines {
		p.add(RowError{Line: line, Msg: fmt.Sprintf("more than %d devices or %d directory numbers in one file (split it); the rest is not read", MaxRows, MaxLines)})
		return false, false
	}
	if prev, dup := p.out.LineOf[d.Name]; dup {
		return false, p.add(RowError{Line: line, Column: "MAC ADDRESS", Msg: fmt.Sprintf("device %s is also on line %d", d.Name, prev)})
	}
	if rerr := p.mergeLines(lines, line); rerr != nil {
		return false, p.add(*rerr)
	}
	p.out.LineOf[strings.Clone(d.Name)] = line
	return true, true
}

// mergeLines adds a row's lines to the file's: a directory number seen
// before may gain a display name or label, not change one.
func (p *parser) mergeLines(lines []*domain.Line, line int) *RowError {
	for _, l := range lines {
		old, ok := p.out.Lines[l.Number]
		if !ok {
			continue
		}
		if (l.DisplayName != "" && old.DisplayName != "" && l.DisplayName != old.DisplayName) ||
			(l.Label != "" && old.Label != "" && l.Label != old.Label) {
			return &RowError{Line: line, Column: "DISPLAY", Msg: fmt.Sprintf("directory number %s has another display name or label on line %d", l.Number, p.firstSeen[l.Number])}
		}
		if old.DisplayName == "" {
			old.DisplayName = strings.Clone(l.DisplayName)
		}
		if old.Label == "" {
			old.Label = strings.Clone(l.Label)
		}
	}
	for _, l := range lines {
		if _, ok := p.out.Lines[l.Number]; !ok {
			// Copies: a field of a CSV record keeps the whole row's text alive.
			c := *l
			c.Number, c.DisplayName, c.Label = strings.Clone(l.Number), strings.Clone(l.DisplayName), strings.Clone(l.Label)
			p.out.Lines[c.Number] = &c
			p.firstSeen[c.Number] = line
		}
	}
	return nil
}
