package trust

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTrustListRoundTrip: ParseTrustList reads what BuildTrustList writes,
// record by record, and the list verifies with the SAST's key only.
func TestTrustListRoundTrip(t *testing.T) {
	k := loadKeys(t)
	entries := []Entry{
		{Role: RoleSAST, Cert: k.sast.Cert},
		{Role: RoleSAST, Cert: k.sast2.Cert},
		{Role: RoleTFTP, Cert: k.tftp.Cert},
		{Role: RoleCCM, Cert: k.tftp.Cert, DNSName: "cucm1.example.net"},
		{Role: RoleAppServer, Cert: k.ec},
	}
	for _, h := range []Hash{SHA512, SHA1} {
		t.Run(fmt.Sprint("hash ", h), func(t *testing.T) {
			file, err := BuildTrustList("ITLFile.tlv", entries, k.sast, TrustListOptions{Hash: h, Time: time.Unix(1, 0)})
			if err != nil {
				t.Fatal(err)
			}
			hd, recs, err := ParseTrustList(file)
			if err != nil {
				t.Fatal(err)
			}
			if hd.Version != (Version{1, 2}) || hd.SignerVersion == nil || *hd.SignerVersion != (Version{1, 0}) || hd.Hash != h {
				t.Errorf("version %v signer version %v hash %d", hd.Version, hd.SignerVersion, hd.Hash)
			}
			if len(recs) != len(entries) {
				t.Fatalf("%d records, want %d", len(recs), len(entries))
			}
			for i, e := range entries {
				checkRecord(t, recs[i], e)
			}
			if err := Verify(file, k.sast.Cert.PublicKey); err != nil {
				t.Errorf("Verify with the SAST: %v", err)
			}
			if err := Verify(file, k.sast2.Cert.PublicKey); !errors.Is(err, ErrSignature) {
				t.Errorf("Verify with the other SAST = %v, want ErrSignature", err)
			}
		})
	}
}

// checkRecord compares one parsed record with the entry it was built from.
func checkRecord(t *testing.T, r Record, e Entry) {
	t.Helper()
	c := e.Cert
	pk, err := publicKeyBytes(c)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(c.Raw)
	if r.Role != e.Role || r.DNSName != e.DNSName || r.Subject != c.Subject.String() || r.Issuer != c.Issuer.String() {
		t.Errorf("record %+v: role/dns/subject/issuer differ from %v %q %v", r, e.Role, e.DNSName, c.Subject)
	}
	if !bytes.Equal(r.Serial, c.SerialNumber.Bytes()) || !bytes.Equal(r.PublicKey, pk) ||
		!bytes.Equal(r.Signature, c.Signature) || !bytes.Equal(r.Certificate, c.Raw) ||
		!bytes.Equal(r.CertHash, sum[:]) || r.HashAlg != SHA1 {
		t.Errorf("record of %v: serial, key, signature, certificate or hash differ", c.Subject)
	}
	if got, err := x509.ParseCertificate(r.Certificate); err != nil || !got.Equal(c) {
		t.Errorf("record certificate does not parse back: %v", err)
	}
}

// TestTrustListForeignSigner: a list signed by another SAST (listed in its
// own body) fails verification against the expected SAST.
func TestTrustListForeignSigner(t *testing.T) {
	k := loadKeys(t)
	entries := []Entry{{Role: RoleSAST, Cert: k.foreign.Cert}, {Role: RoleTFTP, Cert: k.tftp.Cert}}
	file, err := BuildTrustList("ITLFile.tlv", entries, k.foreign, TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(file, k.sast.Cert.PublicKey); !errors.Is(err, ErrSignature) {
		t.Errorf("Verify = %v, want ErrSignature", err)
	}
	file[len(file)-1] ^= 1
	if err := Verify(file, k.foreign.Cert.PublicKey); !errors.Is(err, ErrSignature) {
		t.Errorf("Verify of a flipped record byte = %v, want ErrSignature", err)
	}
}

// TestTrustListGuards: size, SAST count and signer listing.
func TestTrustListGuards(t *testing.T) {
	k := loadKeys(t)
	many := func(n int) []Entry {
		e := []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}
		for len(e) < n {
			e = append(e, Entry{Role: RoleCCMTFTP, Cert: k.tftp.Cert})
		}
		return e
	}
	cases := []struct {
		name    string
		entries []Entry
		s       Signer
		want    error
		text    string
	}{
		{"30 certificates fit", many(30), k.sast, nil, ""},
		{"40 certificates are over 64 KiB", many(40), k.sast, ErrTooLarge, "over 65536"},
		{"three SAST records", []Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleSAST, Cert: k.sast2.Cert}, {Role: RoleSAST, Cert: k.third.Cert}}, k.sast, ErrTooManySAST, "3 SAST"},
		{"signer not listed", []Entry{{Role: RoleSAST, Cert: k.sast2.Cert}}, k.sast, ErrSignerNotListed, "TFTP-Lab"},
		{"signer listed in another role", []Entry{{Role: RoleTFTP, Cert: k.sast.Cert}}, k.sast, ErrSignerNotListed, ""},
		{"entry without certificate", []Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleTFTP}}, k.sast, ErrKey, "record 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file, err := BuildTrustList("ITLFile.tlv", c.entries, c.s, TrustListOptions{})
			if c.want == nil {
				if err != nil || len(file) > MaxTrustListSize {
					t.Fatalf("BuildTrustList: %d bytes, %v", len(file), err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("BuildTrustList = %v, want %v mentioning %q", err, c.want, c.text)
			}
		})
	}
}

// TestParseTrustListMalformed: every truncation inside the records is
// refused with ErrMalformed.
func TestParseTrustListMalformed(t *testing.T) {
	k := loadKeys(t)
	file, err := BuildTrustList("CTLFile.tlv", []Entry{{Role: RoleSAST, Cert: k.sast.Cert, DNSName: "a"}}, k.sast, TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := ParseHeader(file)
	for n := h.Length + 1; n < len(file); n++ {
		if _, _, err := ParseTrustList(file[:n]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("ParseTrustList(first %d of %d bytes) = %v, want ErrMalformed", n, len(file), err)
		}
	}
}
