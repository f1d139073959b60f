package devicecsv

import (
	"errors"
	"fmt"
	"strings"

	"cmtftp/internal/domain"
)

// maxButton is the highest button number a line column may name.
const maxButton = 200

// rowDevice builds and checks one row's device and lines.
func rowDevice(cols []column, rec []string, line int) (*domain.Device, []*domain.Line, *RowError) {
	d := &domain.Device{}
	byButton := make(map[int]*domain.Line, 2)
	for i, c := range cols {
		v := strings.TrimSpace(rec[i])
		switch c.field {
		case "dn", "display", "label":
			setLineField(byButton, c, v)
		default:
			setDeviceField(d, c.field, v)
		}
	}
	if err := domain.Normalize(d); err != nil {
		colOf := make(map[string]string, len(cols))
		for _, c := range cols {
			colOf[c.field] = c.header
		}
		return nil, nil, rowError(line, err, colOf)
	}
	var lines []*domain.Line
	for b := 1; b <= maxButton; b++ {
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

// setDeviceField sets the device field a column names to v.
func setDeviceField(d *domain.Device, field, v string) {
	switch field {
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
	}
}

// setLineField sets a field of the line on the column's button to v; an
// empty cell leaves the button alone.
func setLineField(byButton map[int]*domain.Line, c column, v string) {
	if v == "" {
		return
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

// rowError turns a validation error into a row error naming the column
// (colOf maps JSON field names to headers).
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
