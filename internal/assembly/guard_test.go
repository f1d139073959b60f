package assembly

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/device"
	"cmtftp/internal/domain"
	"cmtftp/internal/metrics"
	"cmtftp/internal/source/guard"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// startDemo runs a server over the demo site with cfg's guard and
// timeline settings, TFTP and HTTP on 127.0.0.1, until the test ends.
func startDemo(t *testing.T, cfg Config) (*Server, *syncBuffer, store.Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	root := filepath.Join(dir, "tftp")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("<CiscoIPPhoneRingList/>"), 0o644)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg.Root, cfg.TFTPAddrs, cfg.HTTPAddr, cfg.ShutdownGrace = root, []string{"127.0.0.1:0"}, "127.0.0.1:0", time.Second
	cfg.MaxServingCount = 1000
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
		st.Close()
	})
	return srv, logs, st
}

// tftpWalk asks for n random SEP<MAC>.cnf.xml names from local over TFTP
// and returns the "not found" answers before the first busy one and the
// busy answers.
func tftpWalk(t *testing.T, server, local string, n int) (notFound, busy int) {
	t.Helper()
	c := tftpclient.Client{LocalAddr: netip.MustParseAddr(local), Timeout: time.Second, Retries: 2}
	ctx := context.Background()
	for i := range n {
		_, err := c.Get(ctx, server, fmt.Sprintf("SEP%012X.cnf.xml", 0xACDE00000000+i*104729), io.Discard)
		var re *tftpclient.RemoteError
		switch {
		case !errors.As(err, &re):
			t.Fatalf("request %d: %v, want an error from the server", i, err)
		case re.Code == tftp.ErrFileNotFound && busy == 0:
			notFound++
		case re.Code == tftp.ErrFileNotFound:
		case re.Code == tftp.ErrUndefined && strings.Contains(re.Message, "busy"):
			busy++
		default:
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return notFound, busy
}

// httpWalk is tftpWalk over HTTP, on one keep-alive connection.
func httpWalk(t *testing.T, server, local string, n int) (notFound, busy int) {
	t.Helper()
	var conns int
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conns++
		return d.DialContext(ctx, network, addr)
	}}}
	defer client.CloseIdleConnections()
	for i := range n {
		resp, err := client.Get(fmt.Sprintf("http://%s/SEP%012X.cnf.xml", server, 0xBCDE00000000+i*104729))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound && busy == 0:
			notFound++
		case resp.StatusCode == http.StatusNotFound:
		case resp.StatusCode == http.StatusServiceUnavailable:
			busy++
		default:
			t.Fatalf("request %d: %s", i, resp.Status)
		}
	}
	if conns != 1 {
		t.Errorf("the HTTP walk took %d connections, want 1 (keep-alive)", conns)
	}
	return notFound, busy
}

// TestEnumerationThrottled: the 4,096-name walk of random SEP<MAC>.cnf.xml
// from one source is throttled to the not-found budget, over TFTP and over
// HTTP (keep-alive), with one security line per source and the counter;
// an allow-listed source walks unthrottled.
func TestEnumerationThrottled(t *testing.T) {
	allowed := netip.MustParsePrefix("127.0.0.4/32")
	srv, logs, _ := startDemo(t, Config{ProvisioningNets: append(guard.DefaultExempt(), allowed)})
	tftpAddr, httpAddr := srv.TFTPAddrs()[0].String(), srv.HTTPAddr().String()
	const n = 4096
	for _, tc := range []struct {
		name, local string
		walk        func(*testing.T, string, string, int) (int, int)
		server      string
		throttled   bool
	}{
		{"tftp", "127.0.0.2", tftpWalk, tftpAddr, true},
		{"http", "127.0.0.3", httpWalk, httpAddr, true},
		{"tftp allow-listed", "127.0.0.4", tftpWalk, tftpAddr, false},
		{"http allow-listed", "127.0.0.4", httpWalk, httpAddr, false},
	} {
		start := time.Now()
		notFound, busy := tc.walk(t, tc.server, tc.local, n)
		// The budget refills while the walk runs: at most rate × elapsed
		// more not-found answers than the burst.
		limit := guard.DefaultNotFoundBurst + int(time.Since(start).Seconds()*guard.DefaultNotFoundRate) + 1
		t.Logf("%s from %s: %d not found before the first busy, %d busy of %d (in %v)", tc.name, tc.local, notFound, busy, n, time.Since(start))
		switch {
		case tc.throttled && (notFound < guard.DefaultNotFoundBurst || notFound > limit || busy < n-limit):
			t.Errorf("%s: %d not found, %d busy; want %d–%d not found, the rest busy", tc.name, notFound, busy, guard.DefaultNotFoundBurst, limit)
		case !tc.throttled && (notFound != n || busy != 0):
			t.Errorf("%s: %d not found, %d busy; want every one not found", tc.name, notFound, busy)
		}
	}
	for _, src := range []string{"127.0.0.2", "127.0.0.3"} {
		if got := strings.Count(logs.String(), `msg="security: source throttled" event=enumeration source=`+src+" "); got != 1 {
			t.Errorf("%d security lines for %s, want 1:\n%s", got, src, logs)
		}
	}
	if strings.Contains(logs.String(), "127.0.0.4") {
		t.Errorf("an allow-listed source was logged:\n%s", logs)
	}
	if got, err := testutil.GatherAndCount(srv.Registry(), "cmtftp_enumeration_throttled_total"); err != nil || got == 0 {
		t.Errorf("throttled counter: %d series, %v", got, err)
	}
	if err := metrics.Lint(srv.Registry()); err != nil {
		t.Errorf("metrics: %v", err)
	}
}

// TestStormNotThrottled: 1,000 phones booting at once from 1,000 loopback
// addresses (127.0.1.1 on), three times each (a flapping switch), none in
// the database — so each gets a "not found" for its own file every boot —
// all configure with the default budgets, over TFTP and over HTTP, and no
// request is answered busy.
func TestStormNotThrottled(t *testing.T) {
	for _, via := range []device.Via{device.ViaTFTP, device.ViaHTTP} {
		t.Run(string(via), func(t *testing.T) {
			srv, logs, _ := startDemo(t, Config{})
			httpPort := srv.HTTPAddr().(*net.TCPAddr).Port
			server := srv.TFTPAddrs()[0].(*net.UDPAddr).AddrPort()
			const phones, boots = 1000, 3
			configured, busy, requests, viaHTTP := stormBoots(t, phones, boots, func(i int) device.Config {
				return device.Config{MAC: fmt.Sprintf("0011AA%06X", i), Model: "7961", Servers: []netip.AddrPort{server},
					Via: via, HTTPPort: httpPort, LocalAddr: netip.AddrFrom4([4]byte{127, 0, byte(1 + i/250), byte(1 + i%250)}),
					// What is tested is the guard (no throttling, no busy), not
					// latency: CI's -race run beside other packages once had 50
					// of 3,000 boots give up after the default 2 s × 4.
					Timeout: 5 * time.Second}
			})
			t.Logf("%d phones × %d boots over %s, %d requests, %d configured, %d busy", phones, boots, via, requests, configured, busy)
			if (via == device.ViaHTTP) != (viaHTTP > 0) {
				t.Errorf("%d requests over HTTP in a storm over %s", viaHTTP, via)
			}
			if configured != phones*boots || busy != 0 {
				t.Errorf("%d of %d boots configured, %d busy answers; want all configured, none busy", configured, phones*boots, busy)
			}
			if strings.Contains(logs.String(), "security") {
				t.Errorf("a security event during a storm:\n%s", logs)
			}
		})
	}
}

// stormBoots boots phones devices, boots times each, 50 at a time, and
// counts the boots configured, the busy answers, the requests and those
// over HTTP.
func stormBoots(t *testing.T, phones, boots int, cfg func(i int) device.Config) (configured, busy, requests, viaHTTP int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	failed := 0
	next := make(chan int)
	for range 50 {
		wg.Go(func() {
			for i := range next {
				for range boots {
					r, err := device.Boot(ctx, cfg(i))
					if err != nil {
						t.Errorf("phone %d: %v", i, err)
						continue
					}
					mu.Lock()
					requests += len(r.Steps)
					if r.Outcome == device.Configured {
						configured++
					} else if failed++; failed <= 3 {
						t.Logf("phone %d not configured after %v: %s: %s", i, r.Took, r.Cause, r.Detail)
					}
					for _, s := range r.Steps {
						if s.Outcome == device.BusyRetry {
							busy++
						}
						if s.Proto == "http" {
							viaHTTP++
						}
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range phones {
		next <- i
	}
	close(next)
	wg.Wait()
	return configured, busy, requests, viaHTTP
}

// TestTimelineKeepsKnownDevices: the demo's phones boot, then 10,050
// requests for random MACs (over HTTP, from an exempt source so none is
// refused) go by; every phone's timeline is still there. A device added
// to the database afterwards counts as known once the feed has it.
func TestTimelineKeepsKnownDevices(t *testing.T) {
	srv, _, st := startDemo(t, Config{})
	server := srv.TFTPAddrs()[0].(*net.UDPAddr).AddrPort()
	ctx := context.Background()
	var macs []string
	for i := 1; i <= 7; i++ {
		mac := fmt.Sprintf("0000DE%06X", i)
		macs = append(macs, mac)
		if _, err := device.Boot(ctx, device.Config{MAC: mac, Model: "7961", Servers: []netip.AddrPort{server},
			LocalAddr: netip.AddrFrom4([4]byte{127, 0, 9, byte(i)})}); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	for i := range 10050 {
		resp, err := client.Get(fmt.Sprintf("http://%s/SEP%012X.cnf.xml", srv.HTTPAddr(), 0xDCBA00000000+i*104729))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("request %d: %s", i, resp.Status)
		}
	}
	for _, mac := range macs {
		if got := srv.timeline.Of("SEP" + mac); len(got) == 0 {
			t.Errorf("SEP%s has no timeline after 10,050 random MACs", mac)
		}
	}
	d, err := store.Get[*domain.Device](ctx, st, "SEP0000DE000001")
	if err != nil {
		t.Fatal(err)
	}
	d.Name, d.MAC, d.Lines = "SEP0000DE0000AA", "0000DE0000AA", nil
	if _, err := st.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if srv.known.KnownMAC("0000DE0000AA") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a device added to the database never became known")
		}
	}
	if err := st.Delete(ctx, domain.KindDevice, "SEP0000DE0000AA"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); srv.known.KnownMAC("0000DE0000AA"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a deleted device is still known")
		}
	}
}
