package device_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftpd"
	"cmtftp/internal/trust"
)

// secureKeys are the keys of the secure-boot tests, made once per test
// binary (RSA 2048 is slow under -race): two SASTs (a rollover), the TFTP
// signer, a foreign key and the phone's own (its certificate is what the
// server encrypts to).
type secureKeys struct {
	sast1, sast2, tftp, foreign, phone trust.Signer
}

var (
	secureOnce sync.Once
	secureK    secureKeys
	secureErr  error
)

func loadSecureKeys(t testing.TB) secureKeys {
	t.Helper()
	secureOnce.Do(func() {
		var k secureKeys
		for _, s := range []struct {
			dst *trust.Signer
			cn  string
		}{{&k.sast1, "sast1"}, {&k.sast2, "sast2"}, {&k.tftp, "tftp1"}, {&k.foreign, "intruder"}, {&k.phone, "SEP" + secureMAC}} {
			if *s.dst, secureErr = newSigner(s.cn); secureErr != nil {
				return
			}
		}
		secureK = k
	})
	if secureErr != nil {
		t.Fatal(secureErr)
	}
	return secureK
}

// newSigner makes an RSA 2048 key with a self-signed certificate named
// CN=cn,O=Lab and a random serial.
func newSigner(cn string) (trust.Signer, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return trust.Signer{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return trust.Signer{}, err
	}
	name := pkix.Name{CommonName: cn, Organization: []string{"Lab"}}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: name, Issuer: name,
		NotBefore: time.Unix(1700000000, 0), NotAfter: time.Unix(2000000000, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		return trust.Signer{}, err
	}
	c, err := x509.ParseCertificate(der)
	return trust.Signer{Key: k, Cert: c}, err
}

// fileServer is a TFTP server on loopback serving a set of files from
// memory that the test may change between boots; it records the names
// asked for.
type fileServer struct {
	addr  netip.AddrPort
	mu    sync.Mutex
	files map[string][]byte
	asked map[string]int
}

func newFileServer(t *testing.T, files map[string][]byte) *fileServer {
	t.Helper()
	fs := &fileServer{files: files, asked: map[string]int{}}
	s := &tftpd.Server{Source: source.Func(fs.open), MaxPerSource: -1}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(conn)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	fs.addr = conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return fs
}

func (fs *fileServer) open(_ context.Context, req *source.Request) (source.File, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.asked[req.Name]++
	b, ok := fs.files[req.Name]
	if !ok {
		return nil, source.ErrNotFound
	}
	return source.NewMemory(b, time.Unix(1700000000, 0)), nil
}

// set serves b as name; nil stops serving it.
func (fs *fileServer) set(name string, b []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if b == nil {
		delete(fs.files, name)
	} else {
		fs.files[name] = b
	}
}

// count is how many times name was asked for.
func (fs *fileServer) count(name string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.asked[name]
}
