package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmtftp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func bopen(b *testing.B) *sqlstore.DB {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "cmtftp.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkDeviceConfig(b *testing.B) {
	storetest.BenchDeviceConfig(b, func(b *testing.B) store.Store { return bopen(b) })
}

func BenchmarkChangeLatency(b *testing.B) {
	storetest.BenchChangeLatency(b, func(b *testing.B) store.Store { return bopen(b) })
}

// BenchmarkChangeLatencyOtherProcess writes through a second connection
// pool on the same file, as another process would: the reader learns of
// it from PRAGMA data_version alone.
func BenchmarkChangeLatencyOtherProcess(b *testing.B) {
	path := filepath.Join(b.TempDir(), "cmtftp.db")
	r, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	w, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	storetest.BenchChangeLatencyOtherWriter(b, r, w)
}
