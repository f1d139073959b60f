package assembly

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftpclient"
)

// TestConsoleWired assembles a server with an admin token and checks the
// console on the admin listener: /ui/ asks for a login while the API keeps
// its bearer token, a device's page shows the request just made over TFTP
// (the real timeline), and an open event stream ends when the server
// shuts down.
func TestConsoleWired(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	root := filepath.Join(dir, "tftp")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("<CiscoIPPhoneRingList/>"), 0o644)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Root: root, TFTPAddrs: []string{"127.0.0.1:0"}, HTTPAddr: "", AdminAddr: "127.0.0.1:0",
		AdminToken: "tok", ShutdownGrace: time.Second}, st)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(runCtx) }()
	var c tftpclient.Client
	if _, err := c.Get(ctx, srv.TFTPAddrs()[0].String(), "SEP0000DE000001.cnf.xml", io.Discard); err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.AdminAddr().String()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noFollow.Get(base + "/ui/devices"); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("console without a session: %v %v", resp, err)
	}
	if resp, err := http.Get(base + "/api/v1/lines"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API without its token: %v %v", resp, err)
	}
	resp, err := browser.PostForm(base+"/ui/login", url.Values{"token": {"tok"}, "next": {"/ui/devices/SEP0000DE000001"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/ui/devices/SEP0000DE000001" {
		t.Fatalf("login went to %s", resp.Request.URL)
	}
	// The timeline records a transfer when the server sees its last ACK,
	// which may come just after the client has its bytes.
	var page []byte
	for range 200 {
		resp, err := browser.Get(base + "/ui/devices/SEP0000DE000001")
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "<td>SEP0000DE000001.cnf.xml</td><td>completed</td>") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(string(page), `<main id="page-device">`) || !strings.Contains(string(page), "<td>SEP0000DE000001.cnf.xml</td><td>completed</td>") {
		t.Fatalf("device page lacks the TFTP request:\n%s", page)
	}
	// The files page lists the root's files with their cache state.
	resp, err = browser.Get(base + "/ui/files")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(files), `<td>RingList.xml</td><td>23 B</td>`) || !strings.Contains(string(files), `<td class="cached">in memory</td>`) {
		t.Errorf("files page: the root's RingList.xml is not shown cached:\n%s", files)
	}
	// The Restart button's call, through the console's bridge to POST
	// /api/v1/reset (an SCCP phone: reported, not sent).
	csrf := page[strings.Index(string(page), `data-csrf="`)+len(`data-csrf="`):]
	csrf = csrf[:strings.IndexByte(string(csrf), '"')]
	post, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/ui/api/v1/reset",
		strings.NewReader(`{"action":"restart","devices":["SEP0000DE000001"]}`))
	post.Header.Set("Content-Type", "application/json")
	post.Header.Set("X-CSRF-Token", string(csrf))
	resp, err = browser.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(answer), `"device": "SEP0000DE000001"`) || !strings.Contains(string(answer), `"result": "not-sent"`) {
		t.Errorf("restart through the bridge: %d %s", resp.StatusCode, answer)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ui/events/overview", nil)
	stream, err := browser.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", stream, err)
	}
	defer stream.Body.Close()
	br := bufio.NewReader(stream.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "event: charts\n" {
		t.Fatalf("first line of the stream: %q %v", line, err)
	}
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	for range 100000 { // the rest of the first event, then the end
		if _, err := br.ReadString('\n'); err != nil {
			break
		}
	}
	if ctx.Err() != nil {
		t.Errorf("the event stream outlived the server")
	}
}

// TestNoTokenLoopbackOnly: with no admin token, the console and the API
// answer a request addressed to 127.0.0.1 and refuse (421) one whose Host
// is a DNS name, as a page rebinding its name to loopback would send.
func TestNoTokenLoopbackOnly(t *testing.T) {
	srv, _, _ := startDemo(t, Config{AdminAddr: "127.0.0.1:0"})
	base := "http://" + srv.AdminAddr().String()
	for _, path := range []string{"/ui/devices", "/api/v1/devices"} {
		for host, want := range map[string]int{"": http.StatusOK, "rebound.example:6980": http.StatusMisdirectedRequest} {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			if host != "" {
				req.Host = host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s with Host %q: %d, want %d", path, host, resp.StatusCode, want)
			}
		}
	}
}
