package e2e

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/timeline"
	"cmtftp/internal/trust"
)

// The addresses the phones of TestCentralizedSecure send from: a phone of
// R only (its database), a phone of M, and a neutral address the test
// uses to ask R directly.
const (
	rPhoneAddr = "127.0.0.21"
	mPhoneAddr = "127.0.0.22"
	directAddr = "127.0.0.31"
	rPhone     = "SEP0011EE000001"
	mPhone     = "SEP0011DD000001"
	rFirmware  = "SCCP41.9-9-9SR9S.sbn.sgn"
)

// secureCluster is a cluster of its own (startCluster) in mixed mode with
// signing keys of its own, and the trust list it serves.
type secureCluster struct {
	*cluster
	itl     []byte
	records []trust.Record
}

// startSecureCluster starts a cluster with a keys secret, creates its keys
// (their organisation names the cluster) and turns ClusterSecurityMode to
// mixed; it returns once the cluster serves an ITLFile.tlv that verifies.
func startSecureCluster(t *testing.T, id string) *secureCluster {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte(hex.EncodeToString(randomBytes(t, 32))), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &secureCluster{cluster: startCluster(t, id, freeTCP(t), "--keys-secret-file", secret)}
	db := "sqlite:" + filepath.Join(c.dir, "cmtftp-demo", "cmtftp.db")
	if out, err := exec.Command(binary, "keys", "init", "--db", db, "--keys-secret-file", secret, "--tftp-name", "localhost",
		"--tftp-name", "127.0.0.1", "--org", "cluster "+id).CombinedOutput(); err != nil {
		t.Fatalf("keys init on %s: %v\n%s", id, err, out)
	}
	mustCLI(t, c.admin, "param", "set", "ClusterSecurityMode", "mixed")
	waitFor(t, 10*time.Second, id+"'s ITLFile.tlv", func() bool {
		b, code := c.curl(t, directAddr, "ITLFile.tlv")
		if code != 0 {
			return false
		}
		_, records, err := trust.VerifyTrustList(b, nil)
		c.itl, c.records = b, records
		return err == nil
	})
	return c
}

// curl fetches name from the cluster over TFTP with curl, sending from the
// local address from; code is curl's exit code for a TFTP error (0: the
// file was served).
func (c *cluster) curl(t *testing.T, from, name string) ([]byte, int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "file")
	err := exec.Command(needTool(t, "curl"), "-s", "--max-time", "20", "--interface", from, "-o", out,
		"tftp://"+c.tftp+"/"+name).Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && (ee.ExitCode() == curlTFTPNotFound || ee.ExitCode() == curlTFTPOther) {
		return nil, ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("curl tftp %s from %s: %v", name, from, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, 0
}

// mustCurl is curl that fails the test when the file is not served.
func (c *cluster) mustCurl(t *testing.T, from, name string) []byte {
	t.Helper()
	b, code := c.curl(t, from, name)
	if code != 0 {
		t.Fatalf("%s from %s, asked from %s: curl exit %d", name, c.id, from, code)
	}
	return b
}

// centralSecure is the master M and the remote cluster R of
// TestCentralizedSecure, both in mixed mode with keys of their own.
type centralSecure struct {
	m, r *secureCluster
}

// TestCentralizedSecure plays issue 16's centralized-TFTP clause with two
// secure clusters, M (the master) and R (its remote cluster), each with
// keys of its own: a phone only R knows asks M, with curl from an address
// of its own, for its signed configuration (M serves R's bytes, which
// verify under R's list and not under M's), then for the common signed
// files (home-cluster affinity: R's signature, while a phone of M gets M's)
// and for a signed firmware file only R has (byte for byte); M's boot
// timeline of the phone names R and no local signer.
func TestCentralizedSecure(t *testing.T) {
	x := newCentralSecure(t)
	x.m.addPhone(t, "0011DD000001", 340001)
	randomFile(t, x.r.root, rFirmware, 20000)
	if tm, tr := tftpRecord(t, x.m.records), tftpRecord(t, x.r.records); bytes.Equal(tm.Certificate, tr.Certificate) {
		t.Fatal("M and R list the same TFTP certificate")
	}
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"R's phone gets R's signed configuration through M", x.configuration},
		{"R's phone gets R's per-device trust list through M", x.deviceTrustList},
		{"common signed files come from the phone's own cluster", x.commonFiles},
		{"a signed firmware file only R has, byte for byte", x.firmware},
		{"M's timeline of R's phone names R and no local signer", x.bootTimeline},
	} {
		if !t.Run(tc.name, tc.run) {
			return
		}
	}
}

// tftpRecord is the TFTP record of a trust list.
func tftpRecord(t *testing.T, records []trust.Record) trust.Record {
	t.Helper()
	i := slices.IndexFunc(records, func(r trust.Record) bool { return r.Role == trust.RoleTFTP || r.Role == trust.RoleCCMTFTP })
	if i < 0 {
		t.Fatal("no TFTP record in the list")
	}
	return records[i]
}

// signedBy checks that sgn, served as name, verifies under the list of
// own (with payload, when given, as its payload) and not under other's.
func signedBy(t *testing.T, name string, sgn, payload []byte, own, other *secureCluster) {
	t.Helper()
	h, got, err := trust.VerifySigned(sgn, own.records)
	if err != nil {
		t.Fatalf("%s does not verify under %s's trust list: %v", name, own.id, err)
	}
	if h.Filename != name || payload != nil && !bytes.Equal(got, payload) {
		t.Errorf("%s: header names %q, payload equal to %s's %s: %v", name, h.Filename, own.id,
			strings.TrimSuffix(name, ".sgn"), bytes.Equal(got, payload))
	}
	if _, _, err := trust.VerifySigned(sgn, other.records); err == nil {
		t.Errorf("%s verifies under %s's trust list too", name, other.id)
	}
}

// configuration: R's phone asks M for SEP<MAC>.cnf.xml.sgn and gets the
// bytes R serves, R's signature untouched. M is asked first, so the bytes
// R serves directly afterwards are the ones it signed for M (a signed
// file is made once per content version).
func (x *centralSecure) configuration(t *testing.T) {
	m, r := x.m, x.r
	name := rPhone + ".cnf.xml.sgn"
	viaM := m.mustCurl(t, rPhoneAddr, name)
	direct := r.mustCurl(t, directAddr, name)
	if !bytes.Equal(viaM, direct) {
		t.Errorf("M's %s (%d bytes) is not R's (%d bytes)", name, len(viaM), len(direct))
	}
	signedBy(t, name, viaM, r.mustCurl(t, directAddr, rPhone+".cnf.xml"), r, m)
}

// deviceTrustList: ITLSEP<MAC>.tlv of a device M does not know comes from
// R as R built it, and verifies under R's generic list.
func (x *centralSecure) deviceTrustList(t *testing.T) {
	m, r := x.m, x.r
	name := "ITLSEP" + strings.TrimPrefix(rPhone, "SEP") + ".tlv"
	viaM, direct := m.mustCurl(t, rPhoneAddr, name), r.mustCurl(t, directAddr, name)
	if !bytes.Equal(viaM, direct) {
		t.Errorf("M's %s (%d bytes) is not R's (%d bytes)", name, len(viaM), len(direct))
	}
	if _, _, err := trust.VerifyTrustList(viaM, r.records); err != nil {
		t.Errorf("M's %s under R's list: %v", name, err)
	}
	if _, _, err := trust.VerifyTrustList(viaM, m.records); err == nil {
		t.Errorf("M's %s verifies under M's list", name)
	}
}

// commonFiles: after its configuration came from R, R's phone gets R's
// signed ring list and softkeys from M; M's phone, at another address,
// gets M's own for the same names.
func (x *centralSecure) commonFiles(t *testing.T) {
	m, r := x.m, x.r
	m.mustCurl(t, rPhoneAddr, rPhone+".cnf.xml.sgn") // the affinity: the phone at rPhoneAddr is R's
	signedBy(t, mPhone+".cnf.xml.sgn", m.mustCurl(t, mPhoneAddr, mPhone+".cnf.xml.sgn"), nil, m, r)
	for _, name := range []string{"RingList.xml.sgn", "SKStandard-User.xml.sgn"} {
		plain := strings.TrimSuffix(name, ".sgn")
		t.Run(name, func(t *testing.T) {
			viaM := m.mustCurl(t, rPhoneAddr, name)
			if direct := r.mustCurl(t, directAddr, name); !bytes.Equal(viaM, direct) {
				t.Errorf("R's phone got from M %d bytes, not R's %s (%d bytes)", len(viaM), name, len(direct))
			}
			signedBy(t, name, viaM, r.mustCurl(t, directAddr, plain), r, m)
			own := m.mustCurl(t, mPhoneAddr, name)
			signedBy(t, name, own, m.mustCurl(t, directAddr, plain), m, r)
		})
	}
}

// firmware: a signed firmware file only R's root has is served by M byte
// for byte, to R's phone and to M's.
func (x *centralSecure) firmware(t *testing.T) {
	m, r := x.m, x.r
	want, err := os.ReadFile(filepath.Join(r.root, rFirmware))
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{rPhoneAddr, mPhoneAddr} {
		if got := m.mustCurl(t, from, rFirmware); !bytes.Equal(got, want) {
			t.Errorf("M served %s to %s: %d bytes, not R's %d bytes as they are", rFirmware, from, len(got), len(want))
		}
	}
}

// bootTimeline: M's boot timeline of R's phone shows every file R served
// (Cluster "R") with no local signer; that of M's phone shows M's key
// signing the ring list.
func (x *centralSecure) bootTimeline(t *testing.T) {
	m := x.m
	fromR := []string{rPhone + ".cnf.xml.sgn", "RingList.xml.sgn", "SKStandard-User.xml.sgn", rFirmware}
	var last map[string]timeline.Entry
	ok := func() bool {
		last = lastEntries(m.timeline(t, rPhone))
		for _, n := range fromR {
			if _, ok := last[n]; !ok {
				return false
			}
		}
		return true
	}
	// The timeline has a request once the server has read its last ACK,
	// which may be just after the client is done.
	waitFor(t, 5*time.Second, "M's timeline of "+rPhone+" to have "+strings.Join(fromR, ", "), ok)
	for _, n := range fromR {
		if e := last[n]; e.Cluster != "R" || e.Signer != "" || !strings.HasPrefix(e.Client, rPhoneAddr+":") {
			t.Errorf("%s in M's timeline of %s: cluster %q, signer %q, client %q; want R, none, %s", n, rPhone, e.Cluster, e.Signer,
				e.Client, rPhoneAddr)
		}
	}
	waitFor(t, 5*time.Second, "M's timeline of "+mPhone, func() bool { _, ok := lastEntries(m.timeline(t, mPhone))["RingList.xml.sgn"]; return ok })
	if e := lastEntries(m.timeline(t, mPhone))["RingList.xml.sgn"]; e.Cluster != "" || e.Signer == "" {
		t.Errorf("RingList.xml.sgn in M's timeline of %s: cluster %q, signer %q; want local, signed by M's key", mPhone, e.Cluster, e.Signer)
	}
}

// lastEntries is the last completed entry of every name of a timeline.
func lastEntries(es []timeline.Entry) map[string]timeline.Entry {
	out := map[string]timeline.Entry{}
	for _, e := range es {
		if e.Result == "completed" {
			out[e.Name] = e
		}
	}
	return out
}

// newCentralSecure starts M and R, puts a 7961 SCCP phone and an 8841 SIP
// phone into R's database only, and configures R as M's remote cluster.
func newCentralSecure(t *testing.T) *centralSecure {
	t.Helper()
	x := &centralSecure{r: startSecureCluster(t, "R"), m: startSecureCluster(t, "M")}
	x.r.addPhone(t, "0011EE000001", 330001)
	csv := writeFile(t, "MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,SIP PROFILE,DIRECTORY NUMBER 1,DISPLAY 1\n"+
		"0011EE000002,8841 of R,Cisco 8841,SIP,Demo-Pool,Standard SIP Profile,330002,Phone 330002\n")
	mustCLI(t, x.r.admin, "import", csv)
	mustCLI(t, x.m.admin, "remote", "add", "R", "--servers", x.r.http)
	waitUntil(t, func() bool { return len(x.m.status(t)) == 1 })
	return x
}

// TestCentralizedSecureBoot boots R's phones with "cmtftp simulate
// --secure" through M alone, the way a phone of a remote cluster boots in
// centralized TFTP. An 8841 asks for its per-device lists (CTLSEP/ITLSEP
// <MAC>), which M does not know and so fetches from R: it boots on the
// leap of faith and holding R's list. A 7961 asks for the cluster's
// CTLFile.tlv and ITLFile.tlv, which always come from M (they come before
// the configuration, from an address that may have been another
// cluster's phone's): on its very first boot it installs M's lists, which
// do not vouch for R's TFTP key, so R's signed configuration is refused —
// unless R's TFTP certificate was imported into M
// (TestCentralizedTrustImport). Holding R's list, it refuses M's ("Trust
// List update failed"), keeps R's and boots. All from 127.0.0.1.
func TestCentralizedSecureBoot(t *testing.T) {
	x := newCentralSecure(t)
	installed := filepath.Join(t.TempDir(), "r-itl.tlv")
	if err := os.WriteFile(installed, x.r.itl, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, mac, model, protocol string
		itl                        []string
		cause                      device.Cause // "" boots
	}{
		{"7961, first boot, leap of faith", "0011EE000001", "7961", "sccp", nil, device.CauseSignature},
		{"7961, next boot, holding R's list", "0011EE000001", "7961", "sccp", []string{"--itl", installed}, ""},
		{"8841, leap of faith", "0011EE000002", "8841", "sip", nil, ""},
		{"8841 holding R's list", "0011EE000002", "8841", "sip", []string{"--itl", installed}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r device.Report
			args := append([]string{"--mac", tc.mac, "--model", tc.model, "--protocol", tc.protocol, "--tftp", x.m.tftp, "--secure"}, tc.itl...)
			code := simulate(t, &r, args...)
			if tc.cause != "" {
				if code == 0 || r.Cause != tc.cause {
					t.Errorf("R's %s through M: exit %d, cause %q, want %q", tc.model, code, r.Cause, tc.cause)
				}
				return
			}
			if code != 0 || r.Outcome != device.Configured {
				var steps strings.Builder
				for _, s := range r.Steps {
					fmt.Fprintf(&steps, "\n  %s %s: %s", s.Name, s.Outcome, s.Note)
				}
				t.Errorf("secure boot of R's %s through M: exit %d, %s, %s: %s%s", tc.model, code, r.Outcome, r.Cause, r.Detail, steps.String())
			}
		})
	}
}

// TestCentralizedTrustImport: with R's TFTP certificate imported into M
// (cmtftp keys trust add, CUCM's bulk certificate import), M's own lists
// name it, so a phone of R that takes M's lists on its very first boot
// (before M can know it is R's) still accepts R's signed configuration
// through M; taken out again (keys trust rm), it no longer does.
func TestCentralizedTrustImport(t *testing.T) {
	x := newCentralSecure(t)
	rDB := "sqlite:" + filepath.Join(x.r.dir, "cmtftp-demo", "cmtftp.db")
	mDB := "sqlite:" + filepath.Join(x.m.dir, "cmtftp-demo", "cmtftp.db")
	rCert, err := exec.Command(binary, "keys", "cert", "tftp", "--db", rDB).Output()
	if err != nil {
		t.Fatal(err)
	}
	certFile := writeFile(t, string(rCert))
	out, err := exec.Command(binary, "keys", "trust", "add", certFile, "--db", mDB).CombinedOutput()
	if err != nil {
		t.Fatalf("keys trust add: %v\n%s", err, out)
	}
	id := strings.TrimSuffix(strings.Fields(string(out))[1], ":")
	// A first boot: the lists from an address M has not heard, then the
	// configuration.
	const first = "127.0.0.41"
	var records []trust.Record
	waitFor(t, 10*time.Second, "M's ITLFile.tlv naming R's TFTP certificate", func() bool {
		_, recs, err := trust.VerifyTrustList(x.m.mustCurl(t, first, "ITLFile.tlv"), nil)
		records = recs
		return err == nil && len(trust.Certificates(recs, trust.RoleTFTP)) == 2
	})
	sgn := x.m.mustCurl(t, first, rPhone+".cnf.xml.sgn")
	if _, _, err := trust.VerifySigned(sgn, records); err != nil {
		t.Errorf("R's configuration through M does not verify under M's list with R's certificate imported: %v", err)
	}
	if out, err := exec.Command(binary, "keys", "trust", "rm", id, "--db", mDB).CombinedOutput(); err != nil {
		t.Fatalf("keys trust rm %s: %v\n%s", id, err, out)
	}
	waitFor(t, 10*time.Second, "M's ITLFile.tlv without R's certificate", func() bool {
		_, recs, err := trust.VerifyTrustList(x.m.mustCurl(t, "127.0.0.42", "ITLFile.tlv"), nil)
		records = recs
		return err == nil && len(trust.Certificates(recs, trust.RoleTFTP)) == 1
	})
	if _, _, err := trust.VerifySigned(sgn, records); err == nil {
		t.Error("R's configuration still verifies under M's list with R's certificate taken out")
	}
}
