package httpd

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/source"
)

// TestVia: a proxied request reaches the chain with the servers it passed;
// one that names this server, or passed too many, is refused with 508 and
// counted as a loop; the origin of a remote file reaches the result.
func TestVia(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		var seen []string
		src := source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
			seen = req.Via
			return source.NewMemoryFrom([]byte("x"), time.Now(), "B"), nil
		})
		var results []Result
		h := &Handler{Source: src, ID: "me", OnDone: func(r Result) { results = append(results, r) }}
		srv := k.serve(h)
		defer srv.Close()
		for _, tc := range []struct {
			name, via string
			want      int
			wantVia   string
		}{
			{"a device", "", 200, ""},
			{"proxied", "m1, m2", 200, "m1|m2"},
			{"came back", "m1, me", http.StatusLoopDetected, ""},
			{"too many", strings.Repeat("x,", source.MaxVia) + "y", http.StatusLoopDetected, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				seen, results = nil, nil
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/a.xml", nil)
				if tc.via != "" {
					req.Header.Set(source.ViaHeader, tc.via)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want || strings.Join(seen, "|") != tc.wantVia {
					t.Fatalf("status %d via %q, want %d %q", resp.StatusCode, seen, tc.want, tc.wantVia)
				}
				r := results[0]
				if loop := tc.want == http.StatusLoopDetected; r.Loop != loop || (loop && r.result() != "loop") || (!loop && r.Origin != "B") {
					t.Fatalf("result %+v", r)
				}
			})
		}
	})
}

// TestPeersNotHeldToShare: a proxied request from a peer (another
// cluster's master) takes a slot beyond its address's share; a device's
// request from that address, or a proxied one from elsewhere, does not.
func TestPeersNotHeldToShare(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		slots := source.NewSlots(100)
		slots.SetPerSource(1)
		master := netip.MustParseAddr("127.0.0.1")
		h := &Handler{Source: chain(map[string]string{"a.xml": "abc"}), Slots: slots, ID: "b",
			Peers: func(a netip.Addr) bool { return a == master }}
		srv := k.serve(h)
		defer srv.Close()
		for _, from := range []string{"127.0.0.1", "127.0.0.2"} {
			if !slots.AcquireFrom(netip.MustParseAddr(from)) {
				t.Fatal("no slot")
			}
		}
		for _, tc := range []struct {
			name, from, via string
			want            int
		}{
			{"proxied, from the master", "127.0.0.1", "a", 200},
			{"not proxied, from the master", "127.0.0.1", "", 503},
			{"proxied, from another address", "127.0.0.2", "a", 503},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := &http.Client{Transport: &http.Transport{DialContext: dialFrom(tc.from)}}
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/a.xml", nil)
				if tc.via != "" {
					req.Header.Set(source.ViaHeader, tc.via)
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
				}
			})
		}
		if n := slots.InUse(); n != 2 {
			t.Fatalf("%d slots in use, want the 2 held by the test", n)
		}
	})
}
