//go:build !race

// The race detector changes allocation counts; scripts/test runs these
// tests in a separate pass without -race.

package tftpd

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"cmtftp/internal/tftpclient"
)

// memServer serves files from memory on a loopback socket.
func memServer(tb testing.TB, files map[string][]byte) string {
	tb.Helper()
	s := &Server{Source: testSource(files), Timeout: time.Second}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go s.Serve(conn)
	tb.Cleanup(func() { s.Shutdown(context.Background()) })
	return conn.LocalAddr().String()
}

// TestNoPerPacketAllocs: a transfer of 1,024 blocks allocates hardly more
// than one of 8 blocks (server and client together). What little it adds
// is not per packet: the runtime's own (a thread taken on when the event
// loop sleeps in poll), and in windowed sending an occasional allocation
// inside x/net's WriteBatch (about one per eight windows) — far below one
// per 32 packets either way.
func TestNoPerPacketAllocs(t *testing.T) {
	addr := memServer(t, map[string][]byte{"small": make([]byte, 8*512-1), "large": make([]byte, 1024*512-1)})
	ctx := context.Background()
	for _, c := range []tftpclient.Client{{}, {BlockSize: 512, WindowSize: 16}} {
		measure := func(name string) float64 {
			return testing.AllocsPerRun(20, func() {
				if _, err := c.Get(ctx, addr, name, io.Discard); err != nil {
					t.Fatal(err)
				}
			})
		}
		small, large := measure("small"), measure("large")
		t.Logf("window %d: %.0f allocations for 8 blocks, %.0f for 1024", c.WindowSize, small, large)
		// Fewer than one allocation per 32 extra packets.
		if extra := large - small; extra > (1024-8)/32 {
			t.Fatalf("window %d: %.0f allocations for 1024 blocks vs %.0f for 8: something allocates per packet", c.WindowSize, large, small)
		}
	}
}

// BenchmarkTransfer measures whole transfers through loopback, client and
// server in one process, with allocations per transfer.
func BenchmarkTransfer(b *testing.B) {
	files := map[string][]byte{"4k": make([]byte, 4096), "1m": make([]byte, 1<<20)}
	addr := memServer(b, files)
	for _, tc := range []struct {
		file string
		c    tftpclient.Client
	}{
		{"4k", tftpclient.Client{}},
		{"1m", tftpclient.Client{BlockSize: 1428}},
		{"1m", tftpclient.Client{BlockSize: 1428, WindowSize: 64}},
		{"1m", tftpclient.Client{BlockSize: 65464, WindowSize: 64}},
	} {
		b.Run(fmt.Sprintf("%s/blk%d/win%d", tc.file, tc.c.BlockSize, tc.c.WindowSize), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(files[tc.file])))
			for b.Loop() {
				if _, err := tc.c.Get(context.Background(), addr, tc.file, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
