package loadgen

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftpclient"
	"cmtftp/internal/tftpd"
)

// serve starts a TFTP server on loopback whose source is open.
func serve(t *testing.T, open source.Func) string {
	t.Helper()
	s := &tftpd.Server{Source: open, Timeout: 50 * time.Millisecond, Retries: 2, MaxPerSource: -1} // every client on one address
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(conn)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return conn.LocalAddr().String()
}

// files serves fixed contents.
func files(m map[string][]byte) source.Func {
	return func(_ context.Context, r *source.Request) (source.File, error) {
		b, ok := m[r.Path]
		if !ok {
			return nil, source.ErrNotFound
		}
		return source.NewMemory(b, time.Time{}), nil
	}
}

// TestRun: every transfer is counted with its bytes, lockstep (the polling
// client loop on Linux) and windowed (a goroutine per client) alike.
func TestRun(t *testing.T) {
	data := []byte(strings.Repeat("0123456789abcdef", 300)) // 4,800 bytes: 10 blocks
	addr := serve(t, files(map[string][]byte{"f": data}))
	for _, c := range []tftpclient.Client{{}, {BlockSize: 512, WindowSize: 4}} {
		rep, err := Run(context.Background(), Config{Server: addr, File: "f", Concurrency: 8, Count: 300, Client: c})
		if err != nil {
			t.Fatalf("window %d: %v", c.WindowSize, err)
		}
		if rep.Transfers != 300 || rep.Failed != 0 || rep.Mismatched != 0 || rep.Bytes != 300*int64(len(data)) || rep.FileSize != int64(len(data)) {
			t.Errorf("window %d: %+v", c.WindowSize, rep)
		}
		if rep.P50 <= 0 || rep.P99 < rep.P50 || rep.Max < rep.P99 || rep.PerSecond <= 0 {
			t.Errorf("window %d: latencies %v %v %v, rate %v", c.WindowSize, rep.P50, rep.P99, rep.Max, rep.PerSecond)
		}
	}
}

// TestRunCountsErrors: refusals are counted by code, and a run with no
// success fails.
func TestRunCountsErrors(t *testing.T) {
	addr := serve(t, files(nil))
	rep, err := Run(context.Background(), Config{Server: addr, File: "missing", Concurrency: 4, Count: 40})
	if err == nil || rep.Failed != 40 || rep.Errors["error 1 (File not found)"] != 40 || rep.Transfers != 0 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
}

// TestRunDetectsMismatch: a transfer whose bytes differ from the first
// fails the run.
func TestRunDetectsMismatch(t *testing.T) {
	var n atomic.Int64
	addr := serve(t, func(_ context.Context, r *source.Request) (source.File, error) {
		b := []byte("same")
		if n.Add(1) == 5 {
			b = []byte("diff")
		}
		return source.NewMemory(b, time.Time{}), nil
	})
	rep, err := Run(context.Background(), Config{Server: addr, File: "f", Concurrency: 1, Count: 10})
	if !errors.Is(err, ErrMismatch) || rep.Mismatched != 1 {
		t.Fatalf("err %v, %d mismatched", err, rep.Mismatched)
	}
}

// TestRunTimesOut: a server that never answers costs each transfer its
// retries, then counts as a timeout.
func TestRunTimesOut(t *testing.T) {
	mute, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	c := tftpclient.Client{Timeout: 20 * time.Millisecond, Retries: 2}
	start := time.Now()
	rep, err := Run(context.Background(), Config{Server: mute.LocalAddr().String(), File: "f", Concurrency: 2, Count: 4, Client: c})
	if err == nil || rep.Errors["timeout"] != 4 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	// Two rounds of two transfers, each waiting three timeouts.
	if d := time.Since(start); d < 120*time.Millisecond || d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestRunStopsAtDuration: a run with no count ends when its time is up,
// with what completed.
func TestRunStopsAtDuration(t *testing.T) {
	addr := serve(t, files(map[string][]byte{"f": []byte("x")}))
	start := time.Now()
	rep, err := Run(context.Background(), Config{Server: addr, File: "f", Concurrency: 4, Duration: 200 * time.Millisecond})
	if err != nil || rep.Transfers == 0 || rep.Failed != 0 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 200 ms run took %v", d)
	}
}

// TestRunNames: with Names, each transfer asks for the next of the files
// the pattern names, every one once in a run of Names transfers.
func TestRunNames(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	addr := serve(t, func(_ context.Context, r *source.Request) (source.File, error) {
		mu.Lock()
		asked[r.Name]++
		mu.Unlock()
		return source.NewMemory([]byte("same"), time.Time{}), nil
	})
	rep, err := Run(context.Background(), Config{Server: addr, File: "r%03d.bin", Names: 20, Concurrency: 4, Count: 40})
	if err != nil || rep.Transfers != 40 {
		t.Fatalf("err %v, report %+v", err, rep)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 20 || asked["r000.bin"] != 2 || asked["r019.bin"] != 2 {
		t.Fatalf("asked %v", asked)
	}
}

// TestRunAnyBytes: over files that differ (one per device, named with a
// %06X pattern), the default run counts mismatches and fails; with
// AnyBytes every transfer counts and nothing is mismatched.
func TestRunAnyBytes(t *testing.T) {
	addr := serve(t, func(_ context.Context, r *source.Request) (source.File, error) {
		if !strings.HasPrefix(r.Name, "SEP0022AA") || len(r.Name) != len("SEP0022AA000000.cnf.xml") {
			return nil, source.ErrNotFound
		}
		return source.NewMemory([]byte("config of "+r.Name), time.Time{}), nil
	})
	for _, tc := range []struct {
		anyBytes   bool
		mismatched int
		fails      bool
	}{
		{anyBytes: false, mismatched: 29, fails: true},
		{anyBytes: true, mismatched: 0, fails: false},
	} {
		rep, err := Run(context.Background(), Config{Server: addr, File: "SEP0022AA%06X.cnf.xml", Names: 30, Concurrency: 1, Count: 30, AnyBytes: tc.anyBytes})
		if (err != nil) != tc.fails || errors.Is(err, ErrMismatch) != tc.fails {
			t.Errorf("any bytes %v: err %v", tc.anyBytes, err)
		}
		if rep.Transfers != 30 || rep.Failed != 0 || rep.Mismatched != tc.mismatched {
			t.Errorf("any bytes %v: report %+v", tc.anyBytes, rep)
		}
	}
}
