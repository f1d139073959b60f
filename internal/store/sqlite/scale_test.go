package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// The scale benchmark's knobs: how many devices (default 100,000), and
// optionally a database file to fill once and reuse across runs.
const (
	envScaleDevices = "CMTFTP_BENCH_DEVICES"
	envScaleDB      = "CMTFTP_BENCH_DB"
	scaleChunk      = 100_000 // devices per fill transaction
)

// BenchmarkDeviceConfigScale measures DeviceConfig of random devices in a
// SQLite database of CMTFTP_BENCH_DEVICES devices (default 100,000): SIP
// 7970s of storetest.Site's pool, each with its own line on button 1 and
// the shared line 4100 on button 2; every tenth device has a profile
// logged in. "device" reads devices with their own lines, "login" the
// logged-in ones (the profile's lines). Each is one statement; the shared
// records come from the store's in-memory copy, loaded by the first call.
// The fill is plain SQL, so the triggers log every row as any writer's
// would; it reports its time.
func BenchmarkDeviceConfigScale(b *testing.B) {
	n := 100_000
	if v := os.Getenv(envScaleDevices); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 10 {
			b.Fatalf("%s=%q: want a number of devices ≥ 10", envScaleDevices, v)
		}
	}
	path := os.Getenv(envScaleDB)
	if path == "" {
		path = filepath.Join(b.TempDir(), "cmtftp.db")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := fillScale(ctx, b, s, n); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b.Run("device", func(b *testing.B) {
		benchScaleConfig(b, s, func() int { return 10*rng.IntN(n/10) + 1 + rng.IntN(9) }, 2)
	})
	b.Run("login", func(b *testing.B) {
		benchScaleConfig(b, s, func() int { return 10 * rng.IntN(n/10) }, 1)
	})
}

// benchScaleConfig loads the configuration of device pick() per op and
// checks it has lines lines. Besides wall time it reports the process's
// CPU time per op (cpu-ns/op), which other load on a shared machine does
// not inflate.
func benchScaleConfig(b *testing.B, s *sqlstore.DB, pick func() int, lines int) {
	ctx := context.Background()
	names := make([]string, 1<<16)
	for i := range names {
		names[i] = scaleDevice(pick())
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	n := 0
	for ; b.Loop(); n++ {
		c, err := s.DeviceConfig(ctx, names[n%len(names)])
		if err != nil || len(c.Lines) != lines || c.DialPlan == nil || len(c.Servers) != 2 {
			b.Fatalf("%s: %+v %v", names[n%len(names)], c, err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(n), "cpu-ns/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scaleDevice names the i-th device of the scale site.
func scaleDevice(i int) string { return fmt.Sprintf("SEP%012X", scaleMAC+i) }

// scaleMAC is the MAC of scale device 0.
const scaleMAC = 0xAB0000000000

// fillScale writes storetest.Site and n scale devices into s, unless a
// reused database already holds them.
func fillScale(ctx context.Context, b *testing.B, s *sqlstore.DB, n int) error {
	var have int
	if err := s.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM devices WHERE name LIKE 'SEPAB%'").Scan(&have); err != nil {
		return err
	}
	if have == n {
		b.Logf("reusing %d devices", n)
		return nil
	}
	if have != 0 {
		return fmt.Errorf("the database holds %d scale devices, not %d: remove it", have, n)
	}
	start := time.Now()
	if _, err := s.Apply(ctx, storetest.Site()); err != nil {
		return err
	}
	for lo := 0; lo < n; lo += scaleChunk {
		if err := fillChunk(ctx, s.SQL(), lo, min(lo+scaleChunk, n)); err != nil {
			return fmt.Errorf("devices %d–%d: %w", lo, min(lo+scaleChunk, n), err)
		}
	}
	b.Logf("filled %d devices in %v", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// scaleFill inserts devices lo ≤ i < hi (?1 and ?2; the MAC is ?3 + i)
// with their lines and logins; each statement generates its rows with a
// recursive CTE.
var scaleFill = [...]string{
	"INSERT INTO lines (number, display_name) SELECT printf('8%07d', i), 'User ' || i FROM n",
	"INSERT INTO devices (name, mac, model, protocol, pool, softkey_template, sip_profile, dial_plan)" +
		" SELECT printf('SEP%012X', ?3 + i), printf('%012X', ?3 + i), '7970', 'SIP', 'HQ', 'Standard', 'Standard SIP', 'dp79x1' FROM n",
	"INSERT INTO device_lines (device, button, line) SELECT printf('SEP%012X', ?3 + i), 1, printf('8%07d', i) FROM n",
	"INSERT INTO device_lines (device, button, line) SELECT printf('SEP%012X', ?3 + i), 2, '4100' FROM n",
	"INSERT INTO logins (device, profile, since) SELECT printf('SEP%012X', ?3 + i), 'ada-em', 0 FROM n WHERE i % 10 = 0",
}

// fillChunk runs scaleFill for devices lo to hi in one transaction.
func fillChunk(ctx context.Context, db *sql.DB, lo, hi int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range scaleFill {
		if _, err := tx.ExecContext(ctx, "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?2) "+q, lo, hi, scaleMAC); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return tx.Commit()
}
