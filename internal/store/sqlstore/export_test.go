package sqlstore

import "cmtftp/internal/domain"

// Columns returns, for the tests of package sqlstore_test, the SQL table of
// kind k and the columns derived from its record type's tags, then its child
// table and that table's columns (empty when it has none); ok is false for a
// kind with no mapping.
func Columns(k domain.Kind) (name string, cols []string, childName string, childCols []string, ok bool) {
	t, ok := tables[k]
	if !ok {
		return "", nil, "", nil, false
	}
	if c := t.child; c != nil {
		childName, childCols = c.name, []string{c.parent, c.pos, c.val}
	}
	return t.name, t.cols, childName, childCols, true
}
