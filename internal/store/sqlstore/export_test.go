package sqlstore

import (
	"maps"

	"cmtftp/internal/domain"
)

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

// Statements returns, for the query-plan test of package sqlstore_test,
// every statement DeviceConfig and the change feed run on s, and the
// look-ups Delete makes for records that refer to the one deleted, by a name
// that says where each comes from; placeholders are ?.
func Statements(s *DB) map[string]string {
	out := map[string]string{
		"DeviceConfig: device with its login, profile and lines": s.configSQL,
		"Changes: one batch after an ID":                         feedSQL,
		"Changes: oldest change":                                 oldestSQL,
		"LastChange":                                             lastChangeSQL,
		"GatewayConfig: the ATA 190 of a second port's name":     port2SQL,
	}
	maps.Copy(out, sharedStatements())
	for k, us := range usedBy {
		for _, u := range us {
			out["Delete "+string(k)+": first user in "+u.table+"."+u.col] = u.firstSQL()
		}
	}
	return out
}

// EachStatements returns, for the query-plan test, the statements Each
// runs for every kind, by kind ("KIND lists": the one reading the lists of
// a chunk of a kind with a child list).
func EachStatements() map[domain.Kind]string {
	out := map[domain.Kind]string{}
	for k, t := range tables {
		out[k] = t.eachSQL()
		if t.child != nil {
			out[k+" lists"] = t.child.kidsSQL()
		}
	}
	return out
}

// SetPruneChunk makes Prune delete n change-log IDs a transaction until
// the returned function puts the default back.
func SetPruneChunk(n int64) (restore func()) {
	old := pruneChunk
	pruneChunk = n
	return func() { pruneChunk = old }
}
