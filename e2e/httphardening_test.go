package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// slotsInUse reads the serving-slot gauge from a server's /metrics.
func slotsInUse(t *testing.T, admin string) int {
	t.Helper()
	n, err := readSlots(admin)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readSlots is slotsInUse for any goroutine.
func readSlots(admin string) (int, error) {
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "cmtftp_serving_slots_in_use "); ok {
			n, err := strconv.ParseFloat(v, 64)
			return int(n), err
		}
	}
	return 0, errors.New("no cmtftp_serving_slots_in_use in /metrics")
}

// curlGet fetches url with curl and returns the status and body.
func curlGet(t *testing.T, url string, args ...string) (int, []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "body")
	argv := append([]string{"-s", "--max-time", "20", "--path-as-is", "-o", out, "-w", "%{http_code}"}, args...)
	code, err := exec.Command(needTool(t, "curl"), append(argv, url)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", url, err)
	}
	body, _ := os.ReadFile(out)
	status, _ := strconv.Atoi(string(code))
	return status, body
}

// stallingGets opens n connections from the address from, each asking for
// path and never reading, with small receive buffers so the kernel does not
// take the file off the server's hands.
func stallingGets(t *testing.T, from, addr, path string, n int) []net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.(*net.TCPConn).SetReadBuffer(4096)
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
		conns = append(conns, c)
	}
	return conns
}

// TestSlowHTTPReaders: 210 connections that GET the 4 MiB file and never
// read take the serving slots only until one write makes no progress for
// --http-write-timeout; then the server drops them, the slots come back
// (the attacker still connected) and curl and a TFTP client are served
// whole files again.
func TestSlowHTTPReaders(t *testing.T) {
	root := t.TempDir()
	big := randomFile(t, root, "big.bin", 4<<20)
	small := randomFile(t, root, "RingList.xml", 3000)
	port, web, admin := strconv.Itoa(freePort(t)), freeTCP(t), freeTCP(t)
	startServe(t, nil, 1, "--root", root, "--tftp-addr", "127.0.0.1:"+port, "--http-addr", web,
		"--admin-addr", admin, "--max-serving-count", "200", "--http-write-timeout", "2s")
	// The slots the attack holds are sampled while it connects and until
	// it holds them all (or 5 s), however slowly a loaded machine dials.
	peak, sampled := make(chan int), make(chan struct{})
	go func() {
		most := 0
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && most < 200; time.Sleep(20 * time.Millisecond) {
			if n, err := readSlots(admin); err == nil {
				most = max(most, n)
			}
			select {
			case <-sampled:
				if end := time.Now().Add(5 * time.Second); end.Before(deadline) {
					deadline = end
				}
			default:
			}
		}
		peak <- most
	}()
	conns := stallingGets(t, "127.0.0.2", web, "/big.bin", 210)
	close(sampled)
	held := <-peak
	if held == 0 {
		t.Fatal("the attack took no slot")
	}
	status, _ := curlGet(t, "http://"+web+"/RingList.xml")
	_, terr := (&tftpclient.Client{Timeout: time.Second, Retries: 2}).Get(context.Background(), "127.0.0.1:"+port, "RingList.xml", io.Discard)
	t.Logf("during the attack: %d slots held, HTTP %d, TFTP %v", held, status, terr)

	waitFor(t, 30*time.Second, "the slots come back", func() bool { return slotsInUse(t, admin) == 0 })
	t.Logf("%d connections still open on the attacker's side, all slots free", len(conns))
	for name, want := range map[string][]byte{"big.bin": big, "RingList.xml": small} {
		if status, body := curlGet(t, "http://"+web+"/"+name); status != 200 || !bytes.Equal(body, want) {
			t.Errorf("curl %s after the attack: %d, %d bytes", name, status, len(body))
		}
		var got bytes.Buffer
		c := &tftpclient.Client{BlockSize: 1428, Timeout: time.Second, Retries: 3}
		if _, err := c.Get(context.Background(), "127.0.0.1:"+port, name, &got); err != nil || !bytes.Equal(got.Bytes(), want) {
			t.Errorf("tftp %s after the attack: %v, %d bytes", name, err, got.Len())
		}
	}
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}

// TestOddNamesAgree: TFTP and HTTP give the same answer for odd names — a
// name element of 256+ bytes is not found on both (never ERROR 0 or 500),
// "\RingList.xml" and CIPC's "Communicator\…" are served by both — and
// 2,000 overlapping ranges cannot draw much more than the file.
func TestOddNamesAgree(t *testing.T) {
	root := t.TempDir()
	rings := randomFile(t, root, "RingList.xml", 64<<10)
	os.MkdirAll(filepath.Join(root, "Communicator", "en_US"), 0o755)
	tones := randomFile(t, root, filepath.Join("Communicator", "en_US", "tones.xml"), 1000)
	port, web := strconv.Itoa(freePort(t)), freeTCP(t)
	startServe(t, nil, 1, "--root", root, "--tftp-addr", "127.0.0.1:"+port, "--http-addr", web)
	tc := &tftpclient.Client{Timeout: time.Second, Retries: 3}
	long := strings.Repeat("a", 300)
	for _, name := range []string{long, "SEP" + long + ".cnf.xml", "Communicator/" + long, long + "/RingList.xml"} {
		_, err := tc.Get(context.Background(), "127.0.0.1:"+port, name, io.Discard)
		if re := (*tftpclient.RemoteError)(nil); !errors.As(err, &re) || re.Code != tftp.ErrFileNotFound {
			t.Errorf("tftp %d-byte name: %v, want file not found", len(name), err)
		}
		if status, _ := curlGet(t, "http://"+web+"/"+name); status != 404 {
			t.Errorf("http %d-byte name: %d, want 404", len(name), status)
		}
	}
	for _, tt := range []struct {
		tftpName, path string
		want           []byte
	}{
		{`\RingList.xml`, "/%5CRingList.xml", rings},
		{`\RingList.xml`, `/\RingList.xml`, rings},
		{`Communicator\en_US\tones.xml`, "/Communicator%5Cen_US%5Ctones.xml", tones},
		{`Communicator\en_US\tones.xml`, `/Communicator\en_US\tones.xml`, tones},
	} {
		var got bytes.Buffer
		if _, err := tc.Get(context.Background(), "127.0.0.1:"+port, tt.tftpName, &got); err != nil || !bytes.Equal(got.Bytes(), tt.want) {
			t.Errorf("tftp %q: %v, %d bytes", tt.tftpName, err, got.Len())
		}
		if status, body := curlGet(t, "http://"+web+tt.path); status != 200 || !bytes.Equal(body, tt.want) {
			t.Errorf("http %s: %d, %d bytes", tt.path, status, len(body))
		}
	}
	ranges := make([]string, 2000)
	for i := range ranges {
		ranges[i] = fmt.Sprintf("%d-%d", i, i+20) // 42,000 bytes asked of a 65,536-byte file
	}
	status, body := curlGet(t, "http://"+web+"/RingList.xml", "-r", strings.Join(ranges, ","))
	if status != 206 && status != 200 || len(body) > len(rings)+4096 || !bytes.HasPrefix(body, rings[:100]) {
		t.Errorf("2,000 overlapping ranges: %d, %d bytes for a %d-byte file", status, len(body), len(rings))
	}
	t.Logf("2,000 overlapping ranges of a %d-byte file: %d, %d bytes", len(rings), status, len(body))
}
