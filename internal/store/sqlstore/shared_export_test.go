package sqlstore

import "context"

// sharedStatements returns, for Statements, the statements that bring
// DeviceConfig's snapshot of the shared records forward: the change log's
// bounds, the changes since the snapshot, and the look-up of one changed
// record (and its child list) of every shared kind. The whole-table reads
// of a full load are left out: they read the shared tables in full by
// design.
func sharedStatements() map[string]string {
	out := map[string]string{
		"DeviceConfig refresh: changes to shared records": sharedChangesSQL,
		"DeviceConfig refresh: parameters":                paramsSQL,
	}
	for _, k := range sharedKinds {
		t := tables[k]
		out["DeviceConfig refresh: one "+string(k)] = t.getSQL()
		if t.child != nil {
			out["DeviceConfig refresh: one "+string(k)+"'s list"] = t.child.getSQL()
		}
	}
	return out
}

// HoldRefresh takes s's refresh lock, as a refresh that hangs on the
// database would hold it, until the returned function is called.
func HoldRefresh(s *DB) (release func()) {
	if err := s.shared.acquire(context.Background()); err != nil {
		panic(err)
	}
	return s.shared.release
}
