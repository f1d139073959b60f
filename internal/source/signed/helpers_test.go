package signed

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// keySet are the test's RSA key pairs.
type keySet struct {
	once                      sync.Once
	tftp1, tftp2, sast, phone trust.Signer
	phoneKey                  *rsa.PrivateKey
}

// keys are generated once for the whole run.
var keys keySet

// testKeys generates the keys on first use.
func testKeys(t testing.TB) *keySet {
	t.Helper()
	keys.once.Do(func() {
		keys.tftp1, _ = newSigner(t, "tftp-1")
		keys.tftp2, _ = newSigner(t, "tftp-2")
		keys.sast, _ = newSigner(t, "sast")
		keys.phone, keys.phoneKey = newSigner(t, "SEP0000DE000009")
	})
	return &keys
}

// newSigner makes an RSA 2048 key with a self-signed certificate.
func newSigner(t testing.TB, cn string) (trust.Signer, *rsa.PrivateKey) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn, Organization: []string{"cmtftp test"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return trust.Signer{Key: k, Cert: c}, k
}

// files is an inner source over files held in memory that can change, and
// counts its opens by name. Like the built files and the constant cache it
// hands out one source.Memory per content (whose hash is computed once).
type files struct {
	mu    sync.Mutex
	m     map[string]*source.Memory
	opens map[string]int
}

func newFiles(m map[string]string) *files {
	f := &files{m: map[string]*source.Memory{}, opens: map[string]int{}}
	for k, v := range m {
		f.set(k, v)
	}
	return f
}

func (f *files) set(name, content string) {
	f.mu.Lock()
	f.m[name] = source.NewMemory([]byte(content), testTime)
	f.mu.Unlock()
}

func (f *files) Open(_ context.Context, req *source.Request) (source.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens[req.Path]++
	m, ok := f.m[req.Path]
	if !ok {
		return nil, fmt.Errorf("%s: %w", req.Path, source.ErrNotFound)
	}
	return m, nil
}

// rig is a Step over a real chain (the memory files, then a disk root in a
// temporary directory) with real keys.
type rig struct {
	step  *Step
	mem   *files
	dir   string
	state atomic.Pointer[State]
	signs atomic.Int64 // OnSign calls without error, by any kind
	lists atomic.Int64 // TrustList calls
	certs atomic.Pointer[x509.Certificate]
	log   *bytes.Buffer
	logMu sync.Mutex
	known map[string]bool
}

// newRig builds the rig in mixed mode, signing with tftp1.
func newRig(t testing.TB, mem map[string]string) *rig {
	t.Helper()
	k := testKeys(t)
	r := &rig{mem: newFiles(mem), dir: t.TempDir(), log: &bytes.Buffer{}, known: map[string]bool{"0000DE000001": true, "0000DE000009": true}}
	disk, err := source.NewDisk(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	r.step = &Step{
		Inner:  source.First(r.mem, disk),
		State:  r.state.Load,
		Known:  func(mac string) bool { return r.known[mac] },
		Logger: slog.New(slog.NewTextHandler(lockedWriter{r}, nil)),
		OnSign: func(_ Kind, _ time.Duration, err error) {
			if err == nil {
				r.signs.Add(1)
			}
		},
	}
	r.state.Store(r.mixed(k.tftp1, "tftp#1"))
	return r
}

// mixed is a mixed-mode State signing with s.
func (r *rig) mixed(s trust.Signer, name string) *State {
	k := &keys
	return &State{
		Mixed: true, Signer: s, SignerName: name, Hash: trust.SHA512,
		TrustList: func(file string, ctl bool) ([]byte, error) {
			r.lists.Add(1)
			entries := []trust.Entry{{Role: trust.RoleSAST, Cert: k.sast.Cert}, {Role: trust.RoleTFTP, Cert: s.Cert}}
			if ctl {
				entries = append(entries, trust.Entry{Role: trust.RoleCCM, Cert: s.Cert, DNSName: "cucm.example"})
			}
			return trust.BuildTrustList(file, entries, k.sast, trust.TrustListOptions{})
		},
		DeviceCert: func(_ context.Context, dev string) (*x509.Certificate, error) {
			if c := r.certs.Load(); c != nil && dev == "SEP0000DE000009" {
				return c, nil
			}
			return nil, fmt.Errorf("%s: %w", dev, source.ErrNotFound)
		},
	}
}

type lockedWriter struct{ r *rig }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.logMu.Lock()
	defer w.r.logMu.Unlock()
	return w.r.log.Write(p)
}

func (r *rig) logs() string {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	return r.log.String()
}

// disk writes a file into the rig's disk root.
func (r *rig) disk(t testing.TB, name string, b []byte) {
	t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// get asks the step for name over proto and reads the whole file.
func (r *rig) get(t testing.TB, name string, proto source.Protocol) ([]byte, source.File, error) {
	t.Helper()
	return r.getFrom(t, r.step, name, proto, nil)
}

// getFrom asks src for name over proto, the client presenting the
// certificate whose SHA-256 is peer (nil: none), and reads the whole file.
func (r *rig) getFrom(t testing.TB, src source.Source, name string, proto source.Protocol, peer []byte) ([]byte, source.File, error) {
	t.Helper()
	req, err := source.NewRequest(name, proto, netip.MustParseAddrPort("192.0.2.7:49152"), netip.MustParseAddr("192.0.2.1"))
	if err != nil {
		t.Fatal(err)
	}
	req.PeerCert = peer
	f, err := src.Open(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, 0, f.Size()))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return b, f, nil
}

// mustGet is get over TFTP that must succeed.
func (r *rig) mustGet(t testing.TB, name string) []byte {
	t.Helper()
	b, _, err := r.get(t, name, source.TFTP)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// verified checks that file is signed by s under name and returns its
// payload.
func verified(t testing.TB, file []byte, s trust.Signer, name string) []byte {
	t.Helper()
	if err := trust.Verify(file, s.Cert.PublicKey); err != nil {
		t.Fatalf("%s does not verify: %v", name, err)
	}
	h, payload, err := trust.ParseHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	if h.Filename != name {
		t.Errorf("header names %q, want %q", h.Filename, name)
	}
	return payload
}

// deviceXML is a rendered device configuration (the render golden file),
// with deviceSecurityMode mode.
func deviceXML(t testing.TB, mode string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "render", "testdata", "golden", "SEP0000DE000001.cnf.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), "<deviceSecurityMode>1</deviceSecurityMode>", "<deviceSecurityMode>"+mode+"</deviceSecurityMode>", 1)
}

// certSum is the SHA-256 of c's DER, as the HTTPS server passes it.
func certSum(c *x509.Certificate) []byte {
	sum := sha256.Sum256(c.Raw)
	return sum[:]
}
