package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var _ store.Registry = (*DB)(nil)

// Statements of the cluster's registry (table cluster_members, migration
// "cluster_members"). The table has no trigger: nothing here reaches the
// change log, and no write here wakes a change-feed reader.
const (
	memberInsertSQL = "INSERT INTO cluster_members(id, host, tftp_addrs, http_addr, admin_addr, version, started, heartbeat, interval_ms, " +
		"applied_id, cache_bytes, cache_entries, transfers, requests_minute) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	// memberReplacedSQL removes the row of an earlier run of the same
	// server: same host and addresses, silent for three of its intervals.
	memberReplacedSQL = "DELETE FROM cluster_members WHERE id = ? OR (host = ? AND tftp_addrs = ? AND http_addr = ? AND admin_addr = ? " +
		"AND heartbeat + 3000 * interval_ms < ?)"
	heartbeatSQL = "UPDATE cluster_members SET heartbeat = ?, applied_id = ?, cache_bytes = ?, cache_entries = ?, transfers = ?, " +
		"requests_minute = ? WHERE id = ?"
	// membersSQL reads every row with the time of the oldest change the
	// server has not applied (found by the change log's primary key).
	membersSQL = "SELECT id, host, tftp_addrs, http_addr, admin_addr, version, started, heartbeat, interval_ms, applied_id, cache_bytes, " +
		"cache_entries, transfers, requests_minute, (SELECT at FROM changes c WHERE c.id > m.applied_id ORDER BY c.id LIMIT 1) " +
		"FROM cluster_members m ORDER BY started, id"
	memberLeaveSQL  = "DELETE FROM cluster_members WHERE id = ?"
	memberForgetSQL = "DELETE FROM cluster_members WHERE heartbeat < ?"
)

// Register implements store.Registry.
func (s *DB) Register(ctx context.Context, m store.Member) error {
	return s.inTx(ctx, func(x *tx) error {
		defer func() { x.wrote = false }() // not a change: wake no reader
		now := time.Now().UnixMicro()
		if _, err := x.exec(memberReplacedSQL, m.ID, m.Host, m.TFTPAddrs, m.HTTPAddr, m.AdminAddr, now); err != nil {
			return err
		}
		_, err := x.exec(memberInsertSQL, m.ID, m.Host, m.TFTPAddrs, m.HTTPAddr, m.AdminAddr, m.Version, m.Started.UnixMicro(),
			m.Heartbeat.UnixMicro(), m.Interval.Milliseconds(), m.AppliedID, m.CacheBytes, m.CacheEntries, m.Transfers, m.RequestsMinute)
		return err
	})
}

// Heartbeat implements store.Registry: one UPDATE of one row, outside any
// explicit transaction.
func (s *DB) Heartbeat(ctx context.Context, id string, at time.Time, b store.Beat) error {
	st, err := s.stmt(ctx, heartbeatSQL)
	if err != nil {
		return err
	}
	res, err := st.ExecContext(ctx, at.UnixMicro(), b.AppliedID, b.CacheBytes, b.CacheEntries, b.Transfers, b.RequestsMinute, id)
	if err != nil {
		return s.wrap(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("cluster member %q: %w", id, domain.ErrNotFound)
	}
	return nil
}

// Members implements store.Registry.
func (s *DB) Members(ctx context.Context) ([]store.MemberState, int64, error) {
	newest, err := s.LastChange(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := dbReader{s, ctx}.query(membersSQL)
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	var out []store.MemberState
	for rows.Next() {
		var m store.MemberState
		var started, beat, interval int64
		var pending *int64
		if err := rows.Scan(&m.ID, &m.Host, &m.TFTPAddrs, &m.HTTPAddr, &m.AdminAddr, &m.Version, &started, &beat, &interval,
			&m.AppliedID, &m.CacheBytes, &m.CacheEntries, &m.Transfers, &m.RequestsMinute, &pending); err != nil {
			rows.Close()
			return nil, 0, s.wrap(err)
		}
		m.Started, m.Heartbeat, m.Interval = time.UnixMicro(started).UTC(), time.UnixMicro(beat).UTC(), time.Duration(interval)*time.Millisecond
		if pending != nil {
			m.Pending = time.UnixMicro(*pending).UTC()
		}
		out = append(out, m)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, s.wrap(err)
	}
	return out, newest, nil
}

// Leave implements store.Registry.
func (s *DB) Leave(ctx context.Context, id string) error {
	_, err := s.execNoChange(ctx, memberLeaveSQL, id)
	return err
}

// Forget implements store.Registry.
func (s *DB) Forget(ctx context.Context, silentSince time.Time) (int64, error) {
	return s.execNoChange(ctx, memberForgetSQL, silentSince.UnixMicro())
}

// execNoChange runs one statement that writes no change (the registry's),
// and returns the rows it affected.
func (s *DB) execNoChange(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, s.wrap(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
