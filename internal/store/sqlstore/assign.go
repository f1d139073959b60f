package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
)

// rowValues holds one row scanned into generic driver values, so a wide
// join can be handed out to each table's scan function in turn.
type rowValues struct {
	vals []any
	pos  int
}

// next returns a scan function that fills its destinations from the next
// len(dest) values.
func (r *rowValues) next(dest ...any) error {
	if r.pos+len(dest) > len(r.vals) {
		return fmt.Errorf("sqlstore: join has %d columns, asked for %d more at %d", len(r.vals), len(dest), r.pos)
	}
	for i, d := range dest {
		if err := assign(d, r.vals[r.pos+i]); err != nil {
			return fmt.Errorf("column %d: %w", r.pos+i, err)
		}
	}
	r.pos += len(dest)
	return nil
}

// assign converts a driver value into one of the destination types the
// table descriptors use.
func assign(dest, src any) error {
	switch d := dest.(type) {
	case *string:
		assignString(d, src)
	case *sql.NullString:
		return assignNullString(d, src)
	case *int, *int64:
		n, err := toInt64(src)
		if err != nil {
			return err
		}
		if p, ok := d.(*int); ok {
			*p = int(n)
		} else {
			*d.(*int64) = n
		}
	case *bool:
		return assignBool(d, src)
	case *[]byte:
		return assignBytes(d, src)
	default:
		return fmt.Errorf("unsupported destination %T", dest)
	}
	return nil
}

// assignString stores src as text; any value has a string form.
func assignString(d *string, src any) {
	switch s := src.(type) {
	case string:
		*d = s
	case []byte:
		*d = string(s)
	case nil:
		*d = ""
	default:
		*d = fmt.Sprint(s)
	}
}

// assignNullString stores src as text, NULL as an invalid NullString.
func assignNullString(d *sql.NullString, src any) error {
	switch s := src.(type) {
	case nil:
		*d = sql.NullString{}
	case string:
		*d = sql.NullString{String: s, Valid: true}
	case []byte:
		*d = sql.NullString{String: string(s), Valid: true}
	default:
		return fmt.Errorf("%T into NullString", src)
	}
	return nil
}

// toInt64 converts a numeric, boolean or decimal-text driver value to an
// integer; NULL is 0.
func toInt64(src any) (int64, error) {
	var n int64
	switch s := src.(type) {
	case int64:
		n = s
	case int32:
		n = int64(s)
	case int16:
		n = int64(s)
	case float64:
		n = int64(s)
	case bool:
		if s {
			n = 1
		}
	case string:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, err
		}
		n = v
	case nil:
	default:
		return 0, fmt.Errorf("%T into int", src)
	}
	return n, nil
}

// assignBool stores a boolean or a number (non-zero is true); NULL is false.
func assignBool(d *bool, src any) error {
	switch s := src.(type) {
	case bool:
		*d = s
	case int64:
		*d = s != 0
	case float64:
		*d = s != 0
	case nil:
		*d = false
	default:
		return fmt.Errorf("%T into bool", src)
	}
	return nil
}

// assignBytes stores a copy of src's bytes; NULL is nil.
func assignBytes(d *[]byte, src any) error {
	switch s := src.(type) {
	case []byte:
		*d = append([]byte(nil), s...)
	case string:
		*d = []byte(s)
	case nil:
		*d = nil
	default:
		return fmt.Errorf("%T into []byte", src)
	}
	return nil
}
