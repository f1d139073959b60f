package admin

import (
	"cmtftp/internal/domain"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSV import of devices, in the spirit of CUCM's Bulk Administration Tool.
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

// CSVRow is one device of a CSV file with its line number.
type CSVRow struct {
	Line   int
	Device *domain.Device
}

// RowError is a problem with one row (or the header, line 1).
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Msg    string `json:"message"`
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Msg)
}

// DeviceCSV is a parsed CSV file: devices and the lines they use.
type DeviceCSV struct {
	Rows  []CSVRow
	Lines map[string]*domain.Line // by number
	// LineOf maps a device name to its CSV line number, for error reports.
	LineOf map[string]int
}

type csvColumn struct {
	field  string // device field, or "dn", "display", "label"
	button int
	header string
}

func canon(h string) string {
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
}

var csvFields = map[string]string{
	"macaddress": "mac", "mac": "mac", "devicename": "name", "name": "name",
	"devicetype": "model", "model": "model", "phonetype": "model",
	"devicepool": "pool", "pool": "pool",
	"deviceprotocol": "protocol", "protocol": "protocol",
	"description": "description", "softkeytemplate": "softkeyTemplate", "sipprofile": "sipProfile",
	"dialplan": "dialPlan", "sipdialrules": "dialPlan", "load": "load", "phoneloadname": "load",
	"userlocale": "userLocale", "networklocale": "networkLocale",
}

var csvLineFields = map[string]string{"directorynumber": "dn", "display": "display", "linetextlabel": "label"}

// MaxCSVErrors bounds the error report of one file.
const MaxCSVErrors = 1000

// ParseDeviceCSV reads a device CSV. It returns every row it could read and
// every row error (up to MaxCSVErrors); rows with errors are left out.
func ParseDeviceCSV(r io.Reader) (*DeviceCSV, []RowError) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	out := &DeviceCSV{Lines: map[string]*domain.Line{}, LineOf: map[string]int{}}
	var errs []RowError
	add := func(e RowError) bool {
		errs = append(errs, e)
		return len(errs) < MaxCSVErrors
	}
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		return out, []RowError{{Line: 1, Msg: err.Error()}}
	}
	cols := make([]csvColumn, len(head))
	have := map[string]bool{}
	for i, h := range head {
		c := canon(strings.TrimPrefix(h, "\ufeff"))
		cols[i].header = strings.TrimSpace(h)
		if f, ok := csvFields[c]; ok {
			if have[f] {
				add(RowError{Line: 1, Column: h, Msg: "column given twice"})
			}
			cols[i].field, have[f] = f, true
			continue
		}
		matched := false
		for prefix, f := range csvLineFields {
			if n, ok := strings.CutPrefix(c, prefix); ok {
				if b, err := strconv.Atoi(n); err == nil && b >= 1 && b <= 200 {
					cols[i].field, cols[i].button, matched = f, b, true
				}
			}
		}
		if !matched {
			add(RowError{Line: 1, Column: h, Msg: "unknown column (see cmtftp import --help)"})
		}
	}
	if !have["mac"] && !have["name"] {
		add(RowError{Line: 1, Msg: "no MAC ADDRESS or DEVICE NAME column"})
	}
	for _, f := range []string{"model", "pool"} {
		if !have[f] {
			add(RowError{Line: 1, Msg: fmt.Sprintf("no %s column", map[string]string{"model": "DEVICE TYPE", "pool": "DEVICE POOL"}[f])})
		}
	}
	if len(errs) > 0 {
		return out, errs
	}
	firstSeen := map[string]int{} // line number → CSV line that defined it
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0)
		} else {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			if !add(RowError{Line: line, Msg: "unreadable row: " + err.Error()}) {
				break
			}
			if pe == nil {
				break
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(cols) {
			if !add(RowError{Line: line, Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(cols))}) {
				break
			}
			continue
		}
		d, lines, rerr := csvDevice(cols, rec, line)
		if rerr != nil {
			if !add(*rerr) {
				break
			}
			continue
		}
		if prev, dup := out.LineOf[d.Name]; dup {
			if !add(RowError{Line: line, Column: "MAC ADDRESS", Msg: fmt.Sprintf("device %s is also on line %d", d.Name, prev)}) {
				break
			}
			continue
		}
		bad := false
		for _, l := range lines {
			if old, ok := out.Lines[l.Number]; ok {
				if (l.DisplayName != "" && old.DisplayName != "" && l.DisplayName != old.DisplayName) ||
					(l.Label != "" && old.Label != "" && l.Label != old.Label) {
					add(RowError{Line: line, Column: "DISPLAY", Msg: fmt.Sprintf("directory number %s has another display name or label on line %d", l.Number, firstSeen[l.Number])})
					bad = true
					break
				}
				if old.DisplayName == "" {
					old.DisplayName = l.DisplayName
				}
				if old.Label == "" {
					old.Label = l.Label
				}
			}
		}
		if bad {
			continue
		}
		for _, l := range lines {
			if _, ok := out.Lines[l.Number]; !ok {
				out.Lines[l.Number] = l
				firstSeen[l.Number] = line
			}
		}
		out.LineOf[d.Name] = line
		out.Rows = append(out.Rows, CSVRow{Line: line, Device: d})
	}
	return out, errs
}

// csvDevice builds and checks one row's device and lines.
func csvDevice(cols []csvColumn, rec []string, line int) (*domain.Device, []*domain.Line, *RowError) {
	d := &domain.Device{}
	byButton := map[int]*domain.Line{}
	colOf := map[string]string{}
	for i, c := range cols {
		v := strings.TrimSpace(rec[i])
		colOf[c.field] = c.header
		switch c.field {
		case "mac":
			d.MAC = v
		case "name":
			if v != "" {
				d.Name = v
			}
		case "model":
			d.Model = strings.TrimPrefix(v, "Cisco ")
		case "pool":
			d.Pool = v
		case "protocol":
			d.Protocol = v
		case "description":
			d.Description = v
		case "softkeyTemplate":
			d.SoftkeyTemplate = v
		case "sipProfile":
			d.SIPProfile = v
		case "dialPlan":
			d.DialPlan = v
		case "load":
			d.Load = v
		case "userLocale":
			d.UserLocale = v
		case "networkLocale":
			d.NetworkLocale = v
		case "dn", "display", "label":
			if v == "" {
				continue
			}
			l := byButton[c.button]
			if l == nil {
				l = &domain.Line{}
				byButton[c.button] = l
			}
			switch c.field {
			case "dn":
				l.Number = v
			case "display":
				l.DisplayName = v
			case "label":
				l.Label = v
			}
		}
	}
	if err := domain.Normalize(d); err != nil {
		return nil, nil, rowError(line, err, colOf)
	}
	var lines []*domain.Line
	for b := 1; b <= 200; b++ {
		l, ok := byButton[b]
		if !ok {
			continue
		}
		if l.Number == "" {
			return nil, nil, &RowError{Line: line, Column: fmt.Sprintf("DIRECTORY NUMBER %d", b), Msg: "display name or label without a directory number"}
		}
		if err := domain.Normalize(l); err != nil {
			return nil, nil, rowError(line, err, map[string]string{"number": fmt.Sprintf("DIRECTORY NUMBER %d", b),
				"displayName": fmt.Sprintf("DISPLAY %d", b), "label": fmt.Sprintf("LINE TEXT LABEL %d", b)})
		}
		d.Lines = append(d.Lines, domain.Appearance{Button: b, Line: l.Number})
		lines = append(lines, l)
	}
	return d, lines, nil
}

func rowError(line int, err error, colOf map[string]string) *RowError {
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		col := colOf[fe.Field]
		if col == "" {
			col = fe.Field
		}
		return &RowError{Line: line, Column: col, Msg: fe.Msg}
	}
	return &RowError{Line: line, Msg: err.Error()}
}

// CheckReferences checks each row against the records that exist (or are
// about to be created by the same import): models and their protocols and
// line counts, pools, softkey templates, SIP profiles and dial plans. It
// returns the rows that pass and an error per row that does not.
func CheckReferences(f *DeviceCSV, site *domain.Site) ([]CSVRow, []RowError) {
	models := map[string]*domain.Model{}
	for _, m := range site.Models {
		models[m.Name] = m
	}
	set := func(names func(yield func(string))) map[string]bool {
		m := map[string]bool{}
		names(func(s string) { m[s] = true })
		return m
	}
	pools := set(func(y func(string)) {
		for _, p := range site.Pools {
			y(p.Name)
		}
	})
	softkeys := set(func(y func(string)) {
		for _, p := range site.Softkeys {
			y(p.Name)
		}
	})
	sipProfiles := set(func(y func(string)) {
		for _, p := range site.SIPProfiles {
			y(p.Name)
		}
	})
	plans := map[string]*domain.DialPlan{}
	for _, p := range site.DialPlans {
		plans[p.Name] = p
	}
	var ok []CSVRow
	var errs []RowError
	for _, r := range f.Rows {
		d := r.Device
		e := func(col, format string, a ...any) {
			errs = append(errs, RowError{Line: r.Line, Column: col, Msg: fmt.Sprintf(format, a...)})
		}
		m := models[d.Model]
		switch {
		case m == nil:
			e("DEVICE TYPE", "no model %q (cmtftp model list)", d.Model)
		case !pools[d.Pool]:
			e("DEVICE POOL", "no device pool %q", d.Pool)
		case d.SoftkeyTemplate != "" && !softkeys[d.SoftkeyTemplate]:
			e("SOFTKEY TEMPLATE", "no softkey template %q", d.SoftkeyTemplate)
		case d.SIPProfile != "" && !sipProfiles[d.SIPProfile]:
			e("SIP PROFILE", "no SIP profile %q", d.SIPProfile)
		case d.DialPlan != "" && plans[d.DialPlan] == nil:
			e("DIAL PLAN", "no dial plan %q", d.DialPlan)
		case d.Protocol != "" && !m.Supports(d.Protocol):
			e("DEVICE PROTOCOL", "model %s runs %s", m.Name, strings.Join(m.Protocols, "/"))
		case len(d.Lines) > m.MaxLines:
			e("DIRECTORY NUMBER", "%d lines, model %s has at most %d", len(d.Lines), m.Name, m.MaxLines)
		case m.Class == "phone" && d.MAC == "":
			e("MAC ADDRESS", "a phone needs a MAC address")
		case d.DialPlan != "" && m.DialFamily != "" && plans[d.DialPlan].Family != m.DialFamily:
			e("DIAL PLAN", "plan %q is for the %s family; model %s reads %s plans", d.DialPlan, plans[d.DialPlan].Family, m.Name, m.DialFamily)
		default:
			ok = append(ok, r)
		}
	}
	return ok, errs
}
