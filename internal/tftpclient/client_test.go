package tftpclient

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// TestLocalAddr: with LocalAddr set the request leaves from it, as a
// device's requests leave from its leased address; the answer the peer
// sends there (an ERROR) comes back as a RemoteError.
func TestLocalAddr(t *testing.T) {
	for _, local := range []string{"127.0.0.2", ""} {
		srv, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		from := make(chan netip.AddrPort, 1)
		go func() {
			b := make([]byte, 600)
			_, a, err := srv.ReadFromUDPAddrPort(b)
			if err != nil {
				return
			}
			from <- a
			srv.WriteToUDPAddrPort(tftp.AppendError(nil, tftp.ErrFileNotFound, "File not found"), a)
		}()
		c := Client{Timeout: time.Second, Retries: 1}
		if local != "" {
			c.LocalAddr = netip.MustParseAddr(local)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = c.Get(ctx, srv.LocalAddr().String(), "x", io.Discard)
		cancel()
		var re *RemoteError
		if !errors.As(err, &re) {
			t.Fatalf("local %q: %v, want the server's ERROR", local, err)
		}
		got := (<-from).Addr()
		if want := cmp.Or(local, "127.0.0.1"); got.String() != want {
			t.Errorf("local %q: the request came from %v, want %s", local, got, want)
		}
	}
}
