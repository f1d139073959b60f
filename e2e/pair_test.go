package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"cmtftp/internal/store/storetest"
)

// pairServer is one "cmtftp serve" of several on one PostgreSQL database,
// with a PostgreSQL login of its own (so a test can cut its connections
// and keep them from coming back) and an application_name naming its
// backends in pg_stat_activity.
type pairServer struct {
	name              string
	tftp, http, admin string // TFTP and HTTP on 127.0.0.1; the admin API
	httpPort          int
	role, app         string // its login and application_name
	args              []string
	cmd               *exec.Cmd
	log               *serveLog
}

// pairDB is the database the servers of a pair share.
type pairDB struct {
	t     *testing.T
	dsn   string // as the superuser postgres, for the test's own writes
	admin string // the test server's DSN (any database), for roles and pg_terminate_backend
}

var pairSeq atomic.Int64

// startPair creates a fresh database on the test PostgreSQL (dsn empty)
// or on the server dsn names, and starts n servers on it — a, b, … — one
// after the other, each with extra flags; the site is empty.
func startPair(t *testing.T, dsn string, n int, extra ...string) (*pairDB, []*pairServer) {
	t.Helper()
	db := &pairDB{t: t, admin: cmpOr(dsn, os.Getenv(storetest.EnvPostgres))}
	if db.admin == "" {
		t.Fatalf("%s is not set: run ./scripts/test, which starts a throwaway PostgreSQL", storetest.EnvPostgres)
	}
	servers := make([]*pairServer, n)
	seq := pairSeq.Add(1)
	for i := range servers {
		name := string(rune('a' + i))
		s := &pairServer{name: name, role: fmt.Sprintf("cmtftp_pair_%d_%d_%s", os.Getpid(), seq, name),
			app: fmt.Sprintf("cmtftp-pair-%d-%s", seq, name)}
		// Created before the database, so dropped after it (cleanups run
		// last first): the tables its migrations made are the database's.
		db.exec("CREATE ROLE " + s.role + " LOGIN SUPERUSER")
		t.Cleanup(func() { db.exec("DROP ROLE IF EXISTS " + s.role) })
		servers[i] = s
	}
	if dsn == "" {
		db.dsn = storetest.NewPostgresDB(t)
	} else {
		db.dsn = newDatabaseOn(t, dsn)
	}
	for _, s := range servers {
		u, err := url.Parse(db.dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.User(s.role)
		q := u.Query()
		q.Set("application_name", s.app)
		u.RawQuery = q.Encode()
		port := freePort(t)
		s.tftp, s.http, s.admin = "127.0.0.1:"+strconv.Itoa(port), freeTCP(t), freeTCP(t)
		_, hp, _ := strings.Cut(s.http, ":")
		s.httpPort, _ = strconv.Atoi(hp)
		s.args = append([]string{"--root", t.TempDir(), "--db", u.String(), "--tftp-addr", s.tftp, "--http-addr", s.http,
			"--admin-addr", s.admin, "--max-per-source", "-1", "--shutdown-grace", "1s"}, extra...)
		s.start(t)
	}
	return db, servers
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// newDatabaseOn creates a database on the server dsn names (dropped by the
// test's end) and returns its DSN.
func newDatabaseOn(t *testing.T, dsn string) string {
	t.Helper()
	name := fmt.Sprintf("cmtftp_pair_%d_%d", os.Getpid(), pairSeq.Add(1))
	db := &pairDB{t: t, admin: dsn}
	db.exec("CREATE DATABASE " + name + " TEMPLATE template0")
	t.Cleanup(func() { db.execQuiet("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// exec runs q on the test server as its superuser.
func (db *pairDB) exec(q string) {
	db.t.Helper()
	if err := db.execQuiet(q); err != nil {
		db.t.Fatalf("%s: %v", q, err)
	}
}

func (db *pairDB) execQuiet(q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, db.admin)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, q)
	return err
}

// cut refuses s's login new connections and terminates every backend of
// s: s has lost its database until restore.
func (db *pairDB) cut(s *pairServer) {
	db.t.Helper()
	db.exec("ALTER ROLE " + s.role + " NOLOGIN")
	db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + s.app + "'")
}

// restore lets s connect again.
func (db *pairDB) restore(s *pairServer) { db.exec("ALTER ROLE " + s.role + " LOGIN") }

// psql runs the real psql client on the pair's database.
func (db *pairDB) psql(sql string) string {
	db.t.Helper()
	bin := os.Getenv("CMTFTP_TEST_PGBIN")
	if bin == "" {
		db.t.Fatal("CMTFTP_TEST_PGBIN is not set: run ./scripts/test, whose PostgreSQL set-up exports it")
	}
	out, err := exec.Command(filepath.Join(bin, "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-qAt", "-d", db.dsn, "-c", sql).CombinedOutput()
	if err != nil {
		db.t.Fatalf("psql -c %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// start runs s (again) and waits until it listens.
func (s *pairServer) start(t *testing.T) {
	t.Helper()
	s.cmd, s.log = startLogged(t, s.args...)
}

// get fetches name from s over HTTP: the status and the body.
func (s *pairServer) get(name string) (int, []byte, error) {
	resp, err := pairHTTP.Get("http://" + s.http + "/" + name)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// mustGet is get of a file s must serve.
func (s *pairServer) mustGet(t *testing.T, name string) []byte {
	t.Helper()
	code, b, err := s.get(name)
	if err != nil || code != http.StatusOK {
		t.Fatalf("%s from %s: %d %v", name, s.name, code, err)
	}
	return b
}

// waitFile polls s (every 20 ms, for up to limit) until name is served
// and ok of its bytes; it returns them, failing the test past limit.
func (s *pairServer) waitFile(t *testing.T, name string, limit time.Duration, ok func([]byte) bool) []byte {
	t.Helper()
	var last string
	for deadline := time.Now().Add(limit); ; time.Sleep(20 * time.Millisecond) {
		code, b, err := s.get(name)
		if err == nil && code == http.StatusOK && ok(b) {
			return b
		}
		last = fmt.Sprintf("%d %v %.200q", code, err, b)
		if time.Now().After(deadline) {
			t.Fatalf("%s from %s: not as wanted within %v; last answer %s", name, s.name, limit, last)
		}
	}
}

// pairHTTP keeps connections to the servers open between requests.
var pairHTTP = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}

// serveLog is the log of a server a test started, as it is written.
type serveLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *serveLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(line + "\n")
}

// String returns the log so far.
func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Count returns how many lines so far contain s.
func (l *serveLog) Count(s string) int { return strings.Count(l.String(), s) }

// startLogged is startServe keeping the server's log for the test: it runs
// "cmtftp serve" with args and waits until its TFTP listener is up.
func startLogged(t *testing.T, args ...string) (*exec.Cmd, *serveLog) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(cmd) })
	log, ready := &serveLog{}, make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		up := false
		for sc.Scan() {
			line := sc.Text()
			log.add(line)
			if !up && strings.Contains(line, "tftp listening") {
				up = true
				close(ready)
			}
			if testing.Verbose() {
				fmt.Fprintln(os.Stderr, "serve:", line)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("cmtftp serve did not start:\n%s", log)
	}
	return cmd, log
}

// pairSite applies examples/site.yaml through s and imports n SIP phones
// (8841, SEPA1…; each with its own line 300000+i and the shared 2100,
// the example's dial plan and softkey template) through s's admin API.
func pairSite(t *testing.T, s *pairServer, n int) {
	t.Helper()
	mustCLI(t, s.admin, "apply", "-f", filepath.Join("..", "examples", "site.yaml"))
	if n == 0 {
		return
	}
	p := filepath.Join(t.TempDir(), "phones.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,SIP PROFILE,DIAL PLAN,SOFTKEY TEMPLATE,DIRECTORY NUMBER 1,DISPLAY 1,DIRECTORY NUMBER 2")
	for i := range n {
		fmt.Fprintf(w, "%s,desk %d,Cisco 8841,SIP,HQ,Standard SIP Profile,hq-79x1,Standard-User,%d,User %d,2100\n", pairMAC(i), i, 300000+i, i)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, s.admin, "import", p)
}

// pairMAC is the MAC of pairSite's phone i.
func pairMAC(i int) string { return fmt.Sprintf("A1%010X", i) }

// pairConfig is the name of the configuration file of pairSite's phone i.
func pairConfig(i int) string { return "SEP" + pairMAC(i) + ".cnf.xml" }
