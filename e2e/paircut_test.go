package e2e

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
	"cmtftp/internal/tftpd"
)

// cachedOrBusy fetches name from s while s has lost its database: it must
// serve the bytes it had (old; nil: it had none) or say busy — over HTTP
// 503, over TFTP ERROR 0 "busy, retry later" — never "not found".
func cachedOrBusy(t *testing.T, s *pairServer, name string, old []byte) {
	t.Helper()
	code, b, err := s.get(name)
	switch {
	case err != nil:
		t.Errorf("%s from %s during the cut: %v", name, s.name, err)
	case code == http.StatusOK && old != nil && bytes.Equal(b, old):
	case code == http.StatusServiceUnavailable:
	default:
		t.Errorf("%s from %s during the cut: HTTP %d, %d bytes (kept %d): want what it kept or 503", name, s.name, code, len(b), len(old))
	}
	var buf bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = (&tftpclient.Client{Timeout: time.Second, Retries: 3}).Get(ctx, s.tftp, name, &buf)
	var re *tftpclient.RemoteError
	switch {
	case err == nil && old != nil && bytes.Equal(buf.Bytes(), old):
	case errors.As(err, &re) && re.Code == tftp.ErrUndefined && re.Message == tftpd.BusyMessage:
	default:
		t.Errorf("%s from %s over TFTP during the cut: %v, %d bytes (kept %d): want what it kept or busy", name, s.name, err, buf.Len(), len(old))
	}
}

// TestPairCut: B's connections are cut (every backend of B terminated
// with pg_terminate_backend, its login refused until the test lets it in
// again) while changes are made through A. During the cut B serves what
// it had built and is busy for the rest — a changed phone, a phone it had
// not built, a phone added meanwhile — never "not found"; A serves every
// change. Let in again, B reconnects with backoff and catches up from the
// change log: once it serves the last change of the cut it serves every
// one of them, with A's bytes, and never an old file again; its log says
// once that the feed was lost and once that it is back.
func TestPairCut(t *testing.T) {
	db, servers := startPair(t, "", 2)
	a, b := servers[0], servers[1]
	pairSite(t, a, 6)
	kept := map[string][]byte{} // what B built before the cut
	for _, name := range []string{pairConfig(0), pairConfig(1), "XMLDefault.cnf.xml"} {
		kept[name] = b.mustGet(t, name)
	}

	db.cut(b)
	cutAt := time.Now()
	changes := []struct{ name, line, display string }{
		{pairConfig(0), "300000", "Cut One"},
		{pairConfig(3), "300003", "Cut Three"}, // not built by B
		{pairConfig(1), "300001", "Cut Last"},
	}
	for i, c := range changes {
		mustCLI(t, a.admin, "line", "set", c.line, "--display-name", c.display)
		a.waitFile(t, c.name, 5*time.Second, has("<displayName>"+c.display+"</displayName>"))
		if i == 1 {
			mustCLI(t, a.admin, "device", "add", pairMAC(9), "--model", "8841", "--protocol", "SIP", "--pool", "HQ",
				"--sip-profile", "Standard SIP Profile", "--line", "1=2100")
		}
		for _, name := range []string{pairConfig(0), pairConfig(1), "XMLDefault.cnf.xml", pairConfig(3), pairConfig(9)} {
			cachedOrBusy(t, b, name, kept[name])
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("B cut for %v while %d changes were made through A", time.Since(cutAt).Round(time.Millisecond), len(changes)+1)

	db.restore(b)
	back := time.Now()
	last := changes[len(changes)-1]
	for deadline := back.Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		code, got, err := b.get(last.name)
		if err == nil && code == http.StatusOK && bytes.Contains(got, []byte(last.display)) {
			break
		}
		if err == nil && code == http.StatusOK && !bytes.Equal(got, kept[last.name]) {
			t.Fatalf("%s from B after the cut: neither what it kept nor the change:\n%s", last.name, got)
		}
		if time.Now().After(deadline) {
			t.Fatalf("B does not serve the last change of the cut within 15 s: %d %v\n%s", code, err, b.log)
		}
	}
	t.Logf("B serves the changes %v after it may connect again", time.Since(back).Round(time.Millisecond))
	// Caught up to the last change, so to every one before it: no waiting.
	for _, c := range changes {
		got := b.mustGet(t, c.name)
		if !bytes.Contains(got, []byte("<displayName>"+c.display+"</displayName>")) {
			t.Errorf("%s from B after it caught up: the change %q is missing", c.name, c.display)
		}
		sameFrom(t, c.name, got, a)
	}
	sameFrom(t, pairConfig(9), b.mustGet(t, pairConfig(9)), a)
	for _, want := range []string{"change feed lost", "change feed back"} {
		if n := b.log.Count(want); n != 1 {
			t.Errorf("B logged %q %d times, want once:\n%s", want, n, b.log)
		}
	}
	if n := a.log.Count("change feed lost"); n != 0 {
		t.Errorf("A lost its feed too:\n%s", a.log)
	}
	prunedWhileCut(t, db, a, b)
}

// prunedWhileCut cuts B again; a change is made through A and the change
// log pruned past it (in psql) before B may connect again: B, behind the
// prune, drops what it built, says so in its log, and serves the change.
func prunedWhileCut(t *testing.T, db *pairDB, a, b *pairServer) {
	t.Helper()
	old := b.mustGet(t, pairConfig(2))
	db.cut(b)
	mustCLI(t, a.admin, "line", "set", "300002", "--display-name", "Pruned Away")
	mustCLI(t, a.admin, "line", "set", "300004", "--display-name", "Newest")
	db.psql("DELETE FROM changes WHERE id < (SELECT MAX(id) FROM changes)")
	cachedOrBusy(t, b, pairConfig(2), old)
	db.restore(b)
	got := b.waitFile(t, pairConfig(2), 15*time.Second, has("<displayName>Pruned Away</displayName>"))
	sameFrom(t, pairConfig(2), got, a)
	if n := b.log.Count("change log pruned past the last change this server applied"); n != 1 {
		t.Errorf("B logged the resynchronisation %d times, want once:\n%s", n, b.log)
	}
}
