package sqlstore

import (
	"cmtftp/internal/domain"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// table maps one record kind to its SQL table. Everything but the name
// is derived from the db tags of the kind's record type (see mapping.go).
type table struct {
	kind      domain.Kind
	name      string
	cols      []string // key column first
	columns   []column // cols with their fields
	cells     int      // scratch cells a scan needs
	newEntity func() domain.Entity
	child     *child
	// list reads these expressions instead of cols (NULL for omitlist columns);
	// nil when it reads cols.
	listCols []string
}

// child maps an ordered list inside a record to a child table.
type child struct {
	name, parent, pos, val string
	field                  []int        // the list's field index path in the record
	elem                   reflect.Type // the element struct; nil for []string (the position is the index)
	elemPos, elemVal       []int        // the element's position and value fields
}

type pair struct {
	pos int
	val string
}

// tableNames names the SQL table of every kind; its columns come from the
// db tags of the kind's record type.
var tableNames = map[domain.Kind]string{
	domain.KindServer:     "servers",
	domain.KindGroup:      "call_groups",
	domain.KindPool:       "pools",
	domain.KindModel:      "models",
	domain.KindLine:       "lines",
	domain.KindSIPProfile: "sip_profiles",
	domain.KindDialPlan:   "dial_plans",
	domain.KindSoftkey:    "softkey_templates",
	domain.KindDevice:     "devices",
	domain.KindGateway:    "gateways",
	domain.KindProfile:    "device_profiles",
	domain.KindLogin:      "logins",
	domain.KindEnterprise: "enterprise_params",
	domain.KindService:    "service_params",
	domain.KindFile:       "custom_files",
	domain.KindRemote:     "remote_clusters",
}

// tables maps every kind, derived once from tableNames and the tags.
var tables = buildTables()

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func fromJSON(s string, v any) error {
	switch s {
	case "":
		return nil
	case "{}", "[]":
		if emptyJSON(s, reflect.ValueOf(v).Elem()) {
			return nil
		}
	}
	return json.Unmarshal([]byte(s), v)
}

// emptyJSON does to p what json.Unmarshal does with an empty object into
// a map or an empty array into a slice (most rows' URLs and lists), at a
// fraction of the cost, and reports whether it did.
func emptyJSON(s string, p reflect.Value) bool {
	switch {
	case s == "{}" && p.Kind() == reflect.Map:
		if p.IsNil() {
			p.Set(reflect.MakeMap(p.Type()))
		}
		return true
	case s == "[]" && p.Kind() == reflect.Slice:
		if p.IsNil() {
			p.Set(reflect.MakeSlice(p.Type(), 0, 0))
		} else {
			p.SetLen(0)
		}
		return true
	}
	return false
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// vals returns e's column values in the order of cols.
func (t *table) vals(e domain.Entity) []any {
	v := reflect.ValueOf(e).Elem()
	out := make([]any, len(t.columns))
	for i := range t.columns {
		c := &t.columns[i]
		f := v.FieldByIndex(c.index)
		switch {
		case c.codec == nullCol && f.String() == "":
			out[i] = nil
		case c.codec == jsonCol:
			out[i] = jsonText(f.Interface())
		case c.codec == microsCol:
			out[i] = micros(*f.Addr().Interface().(*time.Time))
		case c.bytes && f.IsNil():
			out[i] = []byte{}
		default:
			out[i] = f.Interface()
		}
	}
	return out
}

// scan reads one record of the kind through scan, which fills destinations
// in the order of cols (rows.Scan, or a join's rowValues.next).
func (t *table) scan(scan func(...any) error) (domain.Entity, error) {
	e := t.newEntity()
	v := reflect.ValueOf(e).Elem()
	var cells []cell
	if t.cells > 0 {
		cells = make([]cell, t.cells)
	}
	dest := make([]any, len(t.columns))
	for i := range t.columns {
		switch c := &t.columns[i]; c.codec {
		case plainCol:
			dest[i] = v.FieldByIndex(c.index).Addr().Interface()
		case nullCol:
			dest[i] = &cells[c.cell].ns
		case jsonCol:
			dest[i] = &cells[c.cell].ns.String
		case microsCol:
			dest[i] = &cells[c.cell].n
		}
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	for i := range t.columns {
		c := &t.columns[i]
		if c.codec == plainCol {
			continue
		}
		f, x := v.FieldByIndex(c.index), &cells[c.cell]
		switch c.codec {
		case nullCol:
			f.SetString(x.ns.String)
		case jsonCol:
			if err := fromJSON(x.ns.String, f.Addr().Interface()); err != nil {
				return nil, err
			}
		case microsCol:
			*f.Addr().Interface().(*time.Time) = fromMicros(x.n)
		}
	}
	return e, nil
}

// get returns e's list as (position, value) pairs.
func (c *child) get(e domain.Entity) []pair {
	l := reflect.ValueOf(e).Elem().FieldByIndex(c.field)
	if l.Len() == 0 {
		return nil
	}
	ps := make([]pair, l.Len())
	for i := range ps {
		x := l.Index(i)
		if c.elem == nil {
			ps[i] = pair{i, x.String()}
		} else {
			ps[i] = pair{int(x.FieldByIndex(c.elemPos).Int()), x.FieldByIndex(c.elemVal).String()}
		}
	}
	return ps
}

// set replaces e's list with ps (in order; a []string list ignores the
// positions).
func (c *child) set(e domain.Entity, ps []pair) {
	l := reflect.ValueOf(e).Elem().FieldByIndex(c.field)
	if !l.IsNil() {
		l.SetLen(0)
	}
	if len(ps) == 0 {
		return
	}
	out := reflect.MakeSlice(l.Type(), len(ps), len(ps))
	for i, p := range ps {
		x := out.Index(i)
		if c.elem == nil {
			x.SetString(p.val)
		} else {
			x.FieldByIndex(c.elemPos).SetInt(int64(p.pos))
			x.FieldByIndex(c.elemVal).SetString(p.val)
		}
	}
	l.Set(out)
}

func (t *table) selectSQL(list bool) string {
	cols := t.cols
	if list && t.listCols != nil {
		cols = t.listCols
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + t.name
}

// getSQL reads one record by its key.
func (t *table) getSQL() string { return t.selectSQL(false) + " WHERE " + t.cols[0] + " = ?" }

// getSQL reads one parent's list in order.
func (c *child) getSQL() string {
	return "SELECT " + c.pos + ", " + c.val + " FROM " + c.name + " WHERE " + c.parent + " = ? ORDER BY " + c.pos
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }
