package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
)

// TestExportStalledClient: a client that asks for the export and then
// stops reading has the export cut off after WriteStall without progress
// (so the store's read snapshot is freed), not held for as long as the
// connection stays open. The document (a 24 MiB custom file) is far more
// than the sockets buffer.
func TestExportStalledClient(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	data := make([]byte, 24<<20)
	rand.Read(data)
	if _, err := st.Put(ctx, &domain.CustomFile{Name: "big.bin", Data: data}); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	srv := httptest.NewServer((&Server{Store: st, WriteStall: 300 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&log, nil))}).Handler())
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /api/v1/export HTTP/1.1\r\nHost: cmtftp\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 12)
	if _, err := conn.Read(head); err != nil || !bytes.HasPrefix(head, []byte("HTTP/1.1 200")) {
		t.Fatalf("export answered %q, %v", head, err)
	}
	// Read nothing more: the server's writes block once the buffers fill.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(log.String(), "export cut off") {
		if time.Now().After(deadline) {
			t.Fatalf("a stalled export client still held the export after 20 s; log:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
