package httpd

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"testing"

	"cmtftp/internal/source"
)

// TestPerSourceShare: an HTTP request counts against its client address's
// share of the shared slots: a client holding its share (here through
// TFTP) gets 503, another client is served, and the slot is given back.
func TestPerSourceShare(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		slots := source.NewSlots(100)
		slots.SetPerSource(1)
		h := &Handler{Source: chain(map[string]string{"a.xml": "abc"}), Slots: slots}
		srv := k.serve(h) // clients come from 127.0.0.1
		defer srv.Close()
		if !slots.AcquireFrom(netip.MustParseAddr("127.0.0.1")) {
			t.Fatal("no slot")
		}
		for _, tc := range []struct {
			name string
			from string
			want int
		}{
			{"the client holding its share", "127.0.0.1", 503},
			{"another client", "127.0.0.2", 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := &http.Client{Transport: &http.Transport{DialContext: dialFrom(tc.from)}}
				resp, err := c.Get(srv.URL + "/a.xml")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
				}
			})
		}
		slots.ReleaseFrom(netip.MustParseAddr("127.0.0.1"))
		if n := slots.InUse(); n != 0 {
			t.Fatalf("%d slots in use", n)
		}
	})
}

// dialFrom dials from the local address ip.
func dialFrom(ip string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return d.DialContext
}
