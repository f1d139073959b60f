package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/source/remote"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
	"cmtftp/internal/timeline"
)

// cluster is one "cmtftp serve --demo" of its own: a cluster's TFTP
// server, with its own database, root and ports.
type cluster struct {
	id, dir, root     string
	tftp, http, admin string
	cmd               *exec.Cmd
}

// startCluster starts a cluster's server with its HTTP service on
// httpAddr and short remote timeouts, so the tests' waits stay short.
func startCluster(t *testing.T, id, httpAddr string, extra ...string) *cluster {
	t.Helper()
	c := &cluster{id: id, dir: t.TempDir(), tftp: "127.0.0.1:" + strconv.Itoa(freePort(t)), http: httpAddr, admin: freeTCP(t)}
	c.root = filepath.Join(c.dir, "cmtftp-demo", "tftp")
	args := append([]string{"--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", c.tftp, "--http-addr", httpAddr,
		"--admin-addr", c.admin, "--server-id", id, "--remote-timeout", "700ms", "--remote-down-for", "2s"}, extra...)
	c.cmd = startServeIn(t, c.dir, nil, 1, args...)
	return c
}

// write puts a file into the cluster's TFTP root.
func (c *cluster) write(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(c.root, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// addPhone puts a 7961 SCCP phone into the cluster's database.
func (c *cluster) addPhone(t *testing.T, mac string, dn int) {
	t.Helper()
	csv := writeFile(t, "MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,DIRECTORY NUMBER 1,DISPLAY 1\n"+
		fmt.Sprintf("%s,phone of %s,Cisco 7961,SCCP,Demo-Pool,%d,Phone %d\n", mac, c.id, dn, dn))
	mustCLI(t, c.admin, "import", csv)
}

// get fetches name from the cluster over TFTP, from the local address from.
func (c *cluster) get(t *testing.T, from, name string) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	cl := &tftpclient.Client{Timeout: 2 * time.Second, Retries: 3, LocalAddr: netip.MustParseAddr(from)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := cl.Get(ctx, c.tftp, name, &buf)
	return buf.Bytes(), err
}

func (c *cluster) mustGet(t *testing.T, from, name string) string {
	t.Helper()
	b, err := c.get(t, from, name)
	if err != nil {
		t.Fatalf("%s from %s: %v", name, c.id, err)
	}
	return string(b)
}

// metric reads one sample of a metric family, by its labels.
func (c *cluster) metric(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	if f := scrape(t, c.admin)[name]; f != nil {
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			if matches(got, labels) {
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func matches(got, want map[string]string) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// status is the master's "cmtftp remote status --json".
func (c *cluster) status(t *testing.T) map[string]remote.ServerStatus {
	t.Helper()
	var st []remote.ClusterStatus
	if err := json.Unmarshal([]byte(mustCLI(t, c.admin, "remote", "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]remote.ServerStatus{}
	for _, cs := range st {
		for _, s := range cs.Servers {
			out[cs.Cluster+" "+s.Server] = s
		}
	}
	return out
}

// timeline is the master's boot timeline of a device.
func (c *cluster) timeline(t *testing.T, dev string) []timeline.Entry {
	t.Helper()
	return deviceTimeline(t, c.admin, dev)
}

// deviceTimeline is the boot timeline of a device from the admin API at
// admin (host:port).
func deviceTimeline(t *testing.T, admin, dev string) []timeline.Entry {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/api/v1/devices/" + dev + "/timeline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var es []timeline.Entry
	if err := json.NewDecoder(resp.Body).Decode(&es); err != nil {
		t.Fatal(err)
	}
	return es
}

// freeTCP6 is a free TCP address on [::1].
func freeTCP6(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatalf("no IPv6 loopback: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hangingServer accepts connections and never answers them.
func hangingServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 64)
	t.Cleanup(func() {
		l.Close()
		for len(accepted) > 0 {
			(<-accepted).Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			select {
			case accepted <- c: // held open, never answered
			default:
				c.Close()
			}
		}
	}()
	return l.Addr().String()
}

// bootThrough boots a 7961 with "cmtftp simulate" against the servers.
func bootThrough(t *testing.T, mac string, servers ...string) device.Report {
	t.Helper()
	var r device.Report
	simulate(t, &r, "--mac", mac, "--model", "7961", "--protocol", "sccp", "--tftp", strings.Join(servers, ","), "--busy-wait", "500ms")
	return r
}

// central is the three clusters of TestCentralizedTFTP: the master A and
// the clusters B (HTTP on 127.0.0.1, named "localhost" on A) and C (HTTP
// on [::1]).
type central struct {
	a, b, c *cluster
	bPort   string // B's HTTP port
}

// newCentral starts the three servers, each with its own database and
// phones, and configures B and C as A's remote clusters.
func newCentral(t *testing.T) *central {
	x := &central{b: startCluster(t, "B", freeTCP(t), "--max-serving-count", "4"), c: startCluster(t, "C", freeTCP6(t)),
		a: startCluster(t, "A", freeTCP(t))}
	x.b.addPhone(t, "0011BB000001", 310001)
	x.b.addPhone(t, "0011BB000002", 310002)
	x.c.addPhone(t, "0011CC000001", 320001)
	x.a.write(t, "RingList.xml.sgn", "A's ring list")
	x.b.write(t, "RingList.xml.sgn", "B's ring list")
	x.b.write(t, "shared.txt", "B's shared")
	x.c.write(t, "shared.txt", "C's shared")
	x.c.write(t, "only-c.txt", "C's own")
	_, x.bPort, _ = net.SplitHostPort(x.b.http)
	mustCLI(t, x.a.admin, "remote", "add", "B", "--servers", "localhost:"+x.bPort, "--priority", "1")
	mustCLI(t, x.a.admin, "remote", "add", "C", "--servers", x.c.http, "--priority", "2")
	waitUntil(t, func() bool { return len(x.a.status(t)) == 2 })
	return x
}

// TestCentralizedTFTP: a master (A) and two other clusters, each a cmtftp
// of its own with its own database, used by the device emulator and by
// plain TFTP and HTTP fetches. The cases run in order: the last stops B.
func TestCentralizedTFTP(t *testing.T) {
	x := newCentral(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"a device only B knows boots through the master", x.bootsThroughMaster},
		{"a file B lacks and C (on [::1]) has", x.fileOnlyCHas},
		{"home-cluster affinity", x.affinity},
		{"XMLDefault is not the master's own unless auto-registration is on", x.xmlDefault},
		{"B busy: the device is told busy and asks the master again", x.busy},
		{"a hanging cluster costs one timeout", x.hanging},
		{"a loop A↔B ends at once", x.loop},
		{"a server pointed at itself refuses the request", x.selfLoop},
		{"B stopped: C serves and B is marked down", x.bStopped},
	} {
		if !t.Run(tc.name, tc.run) {
			return
		}
	}
}

func (x *central) bootsThroughMaster(t *testing.T) {
	a, b := x.a, x.b
	r := bootThrough(t, "0011BB000001", a.tftp)
	if !r.OK() || r.Config != "SEP0011BB000001.cnf.xml" || r.Server != a.tftp {
		t.Fatalf("%s on %s: %s %s", r.Outcome, r.Server, r.Cause, r.Detail)
	}
	fromB := func() bool {
		es := a.timeline(t, "SEP0011BB000001")
		i := slices.IndexFunc(es, func(e timeline.Entry) bool { return e.Name == "SEP0011BB000001.cnf.xml" })
		return i >= 0 && es[i].Cluster == "B"
	}
	waitFor(t, 5*time.Second, "the master's timeline to show B's file", fromB)
	direct := b.mustGet(t, "127.0.0.1", "SEP0011BB000001.cnf.xml")
	if got := a.mustGet(t, "127.0.0.1", "SEP0011BB000001.cnf.xml"); got != direct {
		t.Fatal("the master's copy over TFTP differs from B's")
	}
	if status, body := curlGet(t, "http://"+a.http+"/SEP0011BB000001.cnf.xml"); status != 200 || string(body) != direct {
		t.Fatalf("over HTTP: %d, %d bytes", status, len(body))
	}
}

func (x *central) fileOnlyCHas(t *testing.T) {
	a := x.a
	if got := a.mustGet(t, "127.0.0.1", "only-c.txt"); got != "C's own" {
		t.Fatalf("got %q", got)
	}
	if status, body := curlGet(t, "http://"+a.http+"/only-c.txt"); status != 200 || string(body) != "C's own" {
		t.Fatalf("over HTTP: %d %q", status, body)
	}
	if _, err := a.get(t, "127.0.0.1", "nowhere.txt"); !isTFTPError(err, tftp.ErrFileNotFound) {
		t.Fatalf("a file nobody has: %v", err)
	}
}

func (x *central) affinity(t *testing.T) {
	a := x.a
	a.mustGet(t, "127.0.0.5", "SEP0011BB000001.cnf.xml") // the phone at .5 is B's
	if got := a.mustGet(t, "127.0.0.5", "RingList.xml.sgn"); got != "B's ring list" {
		t.Fatalf("B's phone got %q", got)
	}
	if got := a.mustGet(t, "127.0.0.6", "RingList.xml.sgn"); got != "A's ring list" {
		t.Fatalf("another phone got %q", got)
	}
}

func (x *central) xmlDefault(t *testing.T) {
	a := x.a
	from := func() string { // who served the last XMLDefault.cnf.xml to B's phone at .5
		es := a.timeline(t, "SEP0011BB000001")
		for i := len(es) - 1; i >= 0; i-- {
			if es[i].Name == "XMLDefault.cnf.xml" {
				return cmp.Or(es[i].Cluster, "local")
			}
		}
		return "none"
	}
	a.mustGet(t, "127.0.0.5", "XMLDefault.cnf.xml")
	// The timeline has the request once the server has read the last ACK,
	// which may be just after the client is done.
	waitFor(t, 5*time.Second, "the request in the timeline", func() bool { return from() != "none" })
	if got := from(); got != "B" {
		t.Fatalf("with auto-registration off, XMLDefault.cnf.xml came from %s, want B", got)
	}
	mustCLI(t, a.admin, "param", "set", "autoRegistrationEnabled", "true")
	defer mustCLI(t, a.admin, "param", "set", "autoRegistrationEnabled", "--default")
	waitUntil(t, func() bool {
		a.mustGet(t, "127.0.0.5", "XMLDefault.cnf.xml")
		return from() == "local"
	})
}

func (x *central) busy(t *testing.T) {
	a, b, c := x.a, x.b, x.c
	conns := stallingGets(t, "127.0.0.2", b.http, "/jar41sip.9-4-2SR3-1S.sbn", 4) // B's 4 slots
	waitFor(t, 10*time.Second, "B's slots held", func() bool { n, _ := readSlots(b.admin); return n == 4 })
	go func() {
		time.Sleep(2 * time.Second)
		for _, c := range conns {
			c.Close()
		}
	}()
	r := bootThrough(t, "0011BB000002", a.tftp, c.tftp)
	if !r.OK() {
		t.Fatalf("%s: %s %s", r.Outcome, r.Cause, r.Detail)
	}
	busy := 0
	for _, st := range r.Steps {
		if st.Server != a.tftp {
			t.Fatalf("the device asked %s: %+v", st.Server, st)
		}
		if st.Outcome == device.BusyRetry {
			busy++
		}
	}
	if busy == 0 || a.metric(t, "cmtftp_remote_requests_total", map[string]string{"cluster": "B", "result": "busy"}) == 0 {
		t.Fatalf("no busy answer seen: %+v", r.Steps)
	}
}

func (x *central) hanging(t *testing.T) {
	a := x.a
	mustCLI(t, a.admin, "remote", "add", "H", "--servers", hangingServer(t), "--priority", "0")
	defer mustCLI(t, a.admin, "remote", "rm", "H")
	waitUntil(t, func() bool { return len(a.status(t)) == 3 })
	r := bootThrough(t, "0011CC000001", a.tftp)
	if !r.OK() || r.Config != "SEP0011CC000001.cnf.xml" {
		t.Fatalf("%s: %s %s", r.Outcome, r.Cause, r.Detail)
	}
	for k, s := range a.status(t) {
		if strings.HasPrefix(k, "H ") && s.Up {
			t.Fatalf("hanging server still up: %+v", s)
		}
	}
}

// loop: B is configured with A as its remote too. A request A lacks goes
// to B, which answers from its own chain only: it never passes a proxied
// request on, and counts the one it would have.
func (x *central) loop(t *testing.T) {
	a, b := x.a, x.b
	_, aPort, _ := net.SplitHostPort(a.http)
	mustCLI(t, b.admin, "remote", "add", "A", "--servers", "127.0.0.1:"+aPort)
	defer mustCLI(t, b.admin, "remote", "rm", "A")
	waitUntil(t, func() bool { return len(b.status(t)) == 1 })
	start := time.Now()
	if _, err := a.get(t, "127.0.0.1", "loop-test.txt"); !isTFTPError(err, tftp.ErrFileNotFound) {
		t.Fatalf("got %v, want not found", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("took %v", took)
	}
	if n := b.metric(t, "cmtftp_remote_forward_refused_total", nil); n < 1 {
		t.Fatal("B counted no request it refused to pass on")
	}
	if n := a.metric(t, "cmtftp_remote_requests_total", map[string]string{"cluster": "A"}); n != 0 {
		t.Fatalf("B asked A %v times", n)
	}
}

// selfLoop: a cluster whose server is the master itself: the request comes
// back naming the master, which refuses it with 508 at once.
func (x *central) selfLoop(t *testing.T) {
	a := x.a
	mustCLI(t, a.admin, "remote", "add", "SELF", "--servers", a.http, "--priority", "0")
	defer mustCLI(t, a.admin, "remote", "rm", "SELF")
	waitUntil(t, func() bool { return len(a.status(t)) == 3 })
	if got := a.mustGet(t, "127.0.0.1", "only-c.txt"); got != "C's own" {
		t.Fatalf("got %q past the loop", got)
	}
	if n := a.metric(t, "cmtftp_http_requests_total", map[string]string{"result": "loop"}); n < 1 {
		t.Fatal("the master counted no refused loop")
	}
	if n := a.metric(t, "cmtftp_remote_requests_total", map[string]string{"cluster": "SELF", "result": "loop"}); n < 1 {
		t.Fatal("no loop answer counted for SELF")
	}
}

func (x *central) bStopped(t *testing.T) {
	a := x.a
	stop(x.b.cmd)
	if got := a.mustGet(t, "127.0.0.1", "shared.txt"); got != "C's shared" {
		t.Fatalf("got %q", got)
	}
	st := a.status(t)["B localhost:"+x.bPort]
	if st.Up || st.LastError == "" {
		t.Fatalf("B's status: %+v", st)
	}
	if up := a.metric(t, "cmtftp_remote_up", map[string]string{"cluster": "B"}); up != 0 {
		t.Fatalf("cmtftp_remote_up{cluster=B} = %v", up)
	}
	if out := mustCLI(t, a.admin, "remote", "status"); !strings.Contains(out, "down until") {
		t.Fatalf("remote status:\n%s", out)
	}
	dout, derr, err := cli(t, a.admin, nil, "doctor", "--json", "--tftp", a.tftp, "--http-port", "-1", "--timeout", "1s")
	var dr doctorReport
	if jerr := json.Unmarshal([]byte(dout), &dr); jerr != nil || err == nil || !strings.Contains(dr.failures()["remote clusters"], "B localhost:"+x.bPort) {
		t.Fatalf("doctor with B down: %v, %v, %v\n%s%s", err, jerr, dr.failures(), dout, derr)
	}
}

// isTFTPError reports whether err is a TFTP ERROR packet with code.
func isTFTPError(err error, code tftp.ErrorCode) bool {
	var re *tftpclient.RemoteError
	return errors.As(err, &re) && re.Code == code
}
