package devicecsv

import (
	"fmt"
	"strconv"
	"strings"
)

// column is what one column of the file holds.
type column struct {
	field  string // device field, or "dn", "display", "label"
	button int
	header string
}

// canon is a header without case, spaces, underscores and dashes.
func canon(h string) string {
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
}

// deviceColumns maps canonical headers to device fields.
var deviceColumns = map[string]string{
	"macaddress": "mac", "mac": "mac", "devicename": "name", "name": "name",
	"devicetype": "model", "model": "model", "phonetype": "model",
	"devicepool": "pool", "pool": "pool",
	"deviceprotocol": "protocol", "protocol": "protocol",
	"description": "description", "softkeytemplate": "softkeyTemplate", "sipprofile": "sipProfile",
	"dialplan": "dialPlan", "sipdialrules": "dialPlan", "load": "load", "phoneloadname": "load",
	"userlocale": "userLocale", "networklocale": "networkLocale",
}

// lineColumns maps canonical header prefixes (before the button number) to
// line fields.
var lineColumns = map[string]string{"directorynumber": "dn", "display": "display", "linetextlabel": "label"}

// header reads the first row into p.cols and reports what is wrong with it.
func (p *parser) header(head []string) {
	p.cols = make([]column, len(head))
	have := map[string]bool{}
	for i, h := range head {
		c := canon(strings.TrimPrefix(h, "\ufeff"))
		p.cols[i].header = strings.TrimSpace(h)
		if f, ok := deviceColumns[c]; ok {
			if have[f] {
				p.add(RowError{Line: 1, Column: h, Msg: "column given twice"})
			}
			p.cols[i].field, have[f] = f, true
			continue
		}
		if f, b, ok := lineColumn(c); ok {
			p.cols[i].field, p.cols[i].button = f, b
			continue
		}
		p.add(RowError{Line: 1, Column: h, Msg: "unknown column (see cmtftp import --help)"})
	}
	if !have["mac"] && !have["name"] {
		p.add(RowError{Line: 1, Msg: "no MAC ADDRESS or DEVICE NAME column"})
	}
	for _, req := range []struct{ field, header string }{{"model", "DEVICE TYPE"}, {"pool", "DEVICE POOL"}} {
		if !have[req.field] {
			p.add(RowError{Line: 1, Msg: fmt.Sprintf("no %s column", req.header)})
		}
	}
}

// lineColumn parses a canonical header like "directorynumber2" into a line
// field and its button (1–200).
func lineColumn(c string) (field string, button int, ok bool) {
	for prefix, f := range lineColumns {
		if n, found := strings.CutPrefix(c, prefix); found {
			if b, err := strconv.Atoi(n); err == nil && b >= 1 && b <= maxButton {
				return f, b, true
			}
		}
	}
	return "", 0, false
}
