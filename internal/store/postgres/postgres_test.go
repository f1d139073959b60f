package postgres_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/storetest"
)

// EnvDSN names the server ./scripts/test (and ./scripts/bench) starts for
// this suite.
const EnvDSN = storetest.EnvPostgres

// newDatabase creates a fresh database on the test server, dropped at the
// end of the test, and returns its connection URL.
func newDatabase(tb testing.TB) string { return storetest.NewPostgresDB(tb) }

func openDSN(tb testing.TB, dsn string) store.Store {
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func envDSN() string { return os.Getenv(EnvDSN) }

func open(t *testing.T) store.Store { return openDSN(t, newDatabase(t)) }

func bopen(b *testing.B) store.Store { return openDSN(b, newDatabase(b)) }

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestUnavailable: a server that is not there is ErrUnavailable, with the
// address in the message.
func TestUnavailable(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("open of a closed port: %v, want ErrUnavailable", err)
	}
}

func BenchmarkDeviceConfig(b *testing.B) { storetest.BenchDeviceConfig(b, bopen) }

func BenchmarkChangeLatency(b *testing.B) { storetest.BenchChangeLatency(b, bopen) }

// BenchmarkChangeLatencyOtherServer writes through a second store on the
// same database, as another cmtftp server of the cluster would: the reader
// hears of it through LISTEN/NOTIFY alone.
func BenchmarkChangeLatencyOtherServer(b *testing.B) {
	dsn := newDatabase(b)
	storetest.BenchChangeLatencyOtherWriter(b, openDSN(b, dsn), openDSN(b, dsn))
}
