package sqlstore

import (
	"cmtftp/internal/domain"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// The columns of a kind's table come from the `db` struct tags of its record
// type, read once when the package loads. Every exported field carries one:
//
//	db:"col"            a column holding the field as it is (string, int, int64, bool, []byte)
//	db:"col,null"       a text column where the empty string is stored as NULL
//	db:"col,json"       a text column holding the field as JSON
//	db:"col,micros"     a BIGINT column holding a time.Time as Unix microseconds
//	db:"col,omitlist"   a column that List leaves out (reads as NULL); may join another option
//	db:"child:table,parent,pos,val"
//	                    an ordered list kept in a child table: parent is the
//	                    record's key, pos the position (the index of a []string,
//	                    or the element's field tagged pos), val the element (or
//	                    its field tagged val)
//	db:"-"              not stored
//
// Columns keep the order of the fields; the first is the key.

// errTag reports a db tag the mapping cannot use.
var errTag = errors.New("sqlstore: bad db tag")

// codec says how a field becomes a column value and back.
type codec uint8

const (
	plainCol  codec = iota // the field itself
	nullCol                // "" ↔ NULL
	jsonCol                // JSON text
	microsCol              // time.Time ↔ int64 microseconds
)

// column maps one field of a record to one column of its table.
type column struct {
	name     string
	index    []int // field index path in the record struct
	codec    codec
	omitList bool
	bytes    bool // a []byte field: nil is written as an empty blob (the column is NOT NULL)
	cell     int  // for codecs other than plainCol: the scratch cell scan reads into
}

// cell is scratch space for one column that needs converting after a scan.
type cell struct {
	ns sql.NullString // null and json columns (json reads into ns.String)
	n  int64          // micros columns
}

var (
	plainTypes = map[reflect.Type]bool{
		reflect.TypeFor[string](): true, reflect.TypeFor[int](): true, reflect.TypeFor[int64](): true,
		reflect.TypeFor[bool](): true, reflect.TypeFor[[]byte](): true,
	}
	timeType = reflect.TypeFor[time.Time]()
)

// buildTables derives every kind's table from tableNames and the record
// types' tags; it panics on a bad tag (a programming error the package's
// tests catch).
func buildTables() map[domain.Kind]*table {
	out := make(map[domain.Kind]*table, len(tableNames))
	for k, name := range tableNames {
		t, err := newTable(k, name)
		if err != nil {
			panic(err)
		}
		out[k] = t
	}
	return out
}

// newTable maps kind k, stored in SQL table name, from its record type's tags.
func newTable(k domain.Kind, name string) (*table, error) {
	ki, ok := domain.Describe(k)
	if !ok {
		return nil, fmt.Errorf("%w: unknown kind %q", errTag, k)
	}
	t := &table{kind: k, name: name, newEntity: ki.New}
	if err := t.mapType(reflect.TypeOf(ki.New()).Elem(), ki.KeyField); err != nil {
		return nil, fmt.Errorf("%s: %w", k, err)
	}
	return t, nil
}

// mapType fills t's columns and child list from the tags of struct type rt,
// whose key field has the JSON name keyField.
func (t *table) mapType(rt reflect.Type, keyField string) error {
	if err := t.addFields(rt, nil); err != nil {
		return fmt.Errorf("%s: %w", rt, err)
	}
	if len(t.columns) == 0 {
		return fmt.Errorf("%w: %s has no columns", errTag, rt)
	}
	if key, _, _ := strings.Cut(rt.FieldByIndex(t.columns[0].index).Tag.Get("json"), ","); key != keyField {
		return fmt.Errorf("%w: %s: the first column %q is not the key field %q", errTag, rt, t.columns[0].name, keyField)
	}
	omit := false
	for _, c := range t.columns {
		t.cols = append(t.cols, c.name)
		omit = omit || c.omitList
	}
	if omit {
		t.listCols = make([]string, len(t.columns))
		for i, c := range t.columns {
			t.listCols[i] = c.name
			if c.omitList {
				t.listCols[i] = "NULL"
			}
		}
	}
	return nil
}

// addFields adds the columns and child list of struct type rt, whose fields
// are at index path prefix in the record; untagged embedded structs are
// walked into.
func (t *table) addFields(rt reflect.Type, prefix []int) error {
	for i := range rt.NumField() {
		f := rt.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, tagged := f.Tag.Lookup("db")
		switch {
		case !tagged && f.Anonymous && f.Type.Kind() == reflect.Struct:
			if err := t.addFields(f.Type, index); err != nil {
				return err
			}
		case !f.IsExported() || tag == "-":
		case !tagged:
			return fmt.Errorf("%w: field %s has no db tag (use db:\"-\" if it is not stored)", errTag, f.Name)
		case strings.HasPrefix(tag, "child:"):
			if t.child != nil {
				return fmt.Errorf("%w: field %s: a second child list", errTag, f.Name)
			}
			c, err := newChild(f, index, strings.TrimPrefix(tag, "child:"))
			if err != nil {
				return err
			}
			t.child = c
		default:
			if err := t.addColumn(f, index, tag); err != nil {
				return err
			}
		}
	}
	return nil
}

// addColumn adds the column of field f (at index) tagged tag.
func (t *table) addColumn(f reflect.StructField, index []int, tag string) error {
	name, opts, _ := strings.Cut(tag, ",")
	c := column{name: name, index: index, bytes: f.Type == reflect.TypeFor[[]byte]()}
	for o := range strings.SplitSeq(opts, ",") {
		next := c.codec
		switch o {
		case "":
			continue
		case "omitlist":
			c.omitList = true
			continue
		case "null":
			next = nullCol
		case "json":
			next = jsonCol
		case "micros":
			next = microsCol
		default:
			return fmt.Errorf("%w: field %s: unknown option %q", errTag, f.Name, o)
		}
		if c.codec != plainCol {
			return fmt.Errorf("%w: field %s: more than one of null, json, micros", errTag, f.Name)
		}
		c.codec = next
	}
	if err := checkColumn(f, c); err != nil {
		return err
	}
	for _, o := range t.columns {
		if o.name == c.name {
			return fmt.Errorf("%w: field %s: column %q twice", errTag, f.Name, c.name)
		}
	}
	if c.codec != plainCol {
		c.cell = t.cells
		t.cells++
	}
	t.columns = append(t.columns, c)
	return nil
}

// checkColumn reports whether field f can be stored as column c.
func checkColumn(f reflect.StructField, c column) error {
	if !validName(c.name) {
		return fmt.Errorf("%w: field %s: column name %q", errTag, f.Name, c.name)
	}
	ok := true
	switch c.codec {
	case plainCol:
		ok = plainTypes[f.Type]
	case nullCol:
		ok = f.Type == reflect.TypeFor[string]()
	case microsCol:
		ok = f.Type == timeType
	}
	if !ok {
		return fmt.Errorf("%w: field %s: type %s cannot be stored as %q", errTag, f.Name, f.Type, f.Tag.Get("db"))
	}
	return nil
}

// validName reports whether s is a plain lower-case SQL identifier.
func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// newChild maps field f (at index), an ordered list, to the child table
// described by spec ("table,parent,pos,val").
func newChild(f reflect.StructField, index []int, spec string) (*child, error) {
	parts := strings.Split(spec, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("%w: field %s: child wants table,parent,pos,val, not %q", errTag, f.Name, spec)
	}
	for _, p := range parts {
		if !validName(p) {
			return nil, fmt.Errorf("%w: field %s: child name %q", errTag, f.Name, p)
		}
	}
	c := &child{name: parts[0], parent: parts[1], pos: parts[2], val: parts[3], field: index}
	if f.Type.Kind() != reflect.Slice {
		return nil, fmt.Errorf("%w: field %s: a child list must be a slice, not %s", errTag, f.Name, f.Type)
	}
	elem := f.Type.Elem()
	switch {
	case elem == reflect.TypeFor[string]():
		return c, nil // the position is the index
	case elem.Kind() == reflect.Struct:
		pos, okp := fieldTagged(elem, c.pos)
		val, okv := fieldTagged(elem, c.val)
		if !okp || !okv || pos.Type != reflect.TypeFor[int]() || val.Type != reflect.TypeFor[string]() {
			return nil, fmt.Errorf("%w: field %s: %s needs an int field tagged db:%q and a string field tagged db:%q",
				errTag, f.Name, elem, c.pos, c.val)
		}
		c.elem, c.elemPos, c.elemVal = elem, pos.Index, val.Index
		return c, nil
	}
	return nil, fmt.Errorf("%w: field %s: child elements must be strings or structs, not %s", errTag, f.Name, elem)
}

// fieldTagged returns the field of struct type rt tagged db:"name".
func fieldTagged(rt reflect.Type, name string) (reflect.StructField, bool) {
	for i := range rt.NumField() {
		if f := rt.Field(i); f.Tag.Get("db") == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
