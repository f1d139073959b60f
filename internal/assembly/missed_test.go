package assembly

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestMissedLog: off by default; with Log Missed Files true each miss is
// logged, at most missedRate a second, the rest counted.
func TestMissedLog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out syncBuffer
	m := newMissedLog(slog.New(slog.NewTextHandler(&out, nil)))
	storetest.Follow(ctx, st, &paramFollower{store: st, apply: []func(domain.ParamValues){m.setParams}})
	client := netip.MustParseAddrPort("192.0.2.9:1234")
	m.log("tftp", "SEP001122334455.cnf.xml", client)
	if out.String() != "" {
		t.Fatalf("logged with Log Missed Files off: %s", out.String())
	}
	if _, err := st.Put(ctx, &domain.Param{Scope: domain.KindService, Name: domain.ParamLogMissedFiles, Value: "true"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for !m.enabled.Load() {
		if time.Now().After(deadline) {
			t.Fatal("parameter change not followed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i := 0; i < 3*missedRate; i++ {
		m.log("tftp", "CTLSEP001122334455.tlv", client)
	}
	if n := strings.Count(out.String(), "file not found"); n != missedRate {
		t.Errorf("%d lines in one second, want %d:\n%s", n, missedRate, out.String())
	}
	if !strings.Contains(out.String(), "file=CTLSEP001122334455.tlv") || !strings.Contains(out.String(), "client=192.0.2.9:1234") {
		t.Errorf("log line lacks file or client: %s", out.String())
	}
	time.Sleep(time.Second)
	m.log("http", "x.xml", client)
	if !strings.Contains(out.String(), "suppressed_before=20") {
		t.Errorf("suppressed lines not reported: %s", out.String())
	}
}
