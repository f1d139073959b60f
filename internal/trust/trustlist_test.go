package trust

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
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
			file, err := BuildTrustList("ITLFile.tlv", entries, k.sast, TrustListOptions{Hash: h, Time: time.Unix(1, 0), SignerVersion: Version{1, 1}})
			if err != nil {
				t.Fatal(err)
			}
			hd, recs, err := ParseTrustList(file)
			if err != nil {
				t.Fatal(err)
			}
			if hd.Version != (Version{1, 2}) || hd.SignerVersion == nil || *hd.SignerVersion != (Version{1, 1}) || hd.Hash != h {
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

// truncList is the list the truncation tests cut: a CTL of two records,
// one with a DNS name.
func truncList(t *testing.T) []byte {
	t.Helper()
	k := loadKeys(t)
	file, err := BuildTrustList("CTLFile.tlv", []Entry{{Role: RoleSAST, Cert: k.sast.Cert, DNSName: "a"}, {Role: RoleTFTP, Cert: k.tftp.Cert}},
		k.sast, TrustListOptions{Time: time.Unix(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// TestParseTrustListTruncated: the list cut at every offset is refused
// with ErrMalformed, by ParseTrustList and VerifyTrustList, never a panic,
// never a success — but for a cut between two records: the format has no
// record count, so ParseTrustList reads the records before the cut, and
// VerifyTrustList refuses the shorter list with ErrSignature.
func TestParseTrustListTruncated(t *testing.T) {
	file := truncList(t)
	h, all, err := VerifyTrustList(file, nil)
	if err != nil {
		t.Fatalf("the whole list: %v", err)
	}
	boundary := map[int]int{h.Length + (int(file[h.Length+3])<<8 | int(file[h.Length+4])): 1}
	for n := range len(file) {
		want := ErrMalformed
		_, recs, err := ParseTrustList(file[:n])
		if k, ok := boundary[n]; ok {
			want = ErrSignature
			if err != nil || len(recs) != k || !reflect.DeepEqual(recs, all[:k]) {
				t.Fatalf("ParseTrustList(first %d bytes, %d whole records) = %d records, %v", n, k, len(recs), err)
			}
		} else if !errors.Is(err, ErrMalformed) || recs != nil {
			t.Fatalf("ParseTrustList(first %d of %d bytes) = %d records, %v; want ErrMalformed", n, len(file), len(recs), err)
		}
		if _, recs, err := VerifyTrustList(file[:n], nil); !errors.Is(err, want) || recs != nil {
			t.Fatalf("VerifyTrustList(first %d of %d bytes) = %v, want %v", n, len(file), err, want)
		}
	}
}

// elementStarts returns the offsets of the elements of b from off on.
func elementStarts(t *testing.T, b []byte, off int) map[int]bool {
	t.Helper()
	starts := map[int]bool{}
	for off < len(b) {
		starts[off] = true
		_, end, err := next(b, off)
		if err != nil {
			t.Fatal(err)
		}
		off = end
	}
	starts[off] = true
	return starts
}

// TestTrustListCutInside: each record cut at every offset with its own
// length shrunk to match, so that the element reader inside it meets the
// cut (not the record-length check): an element cut in its tag and length
// is "truncated length", in its value "past the end"; a cut between
// elements may parse (fewer fields) but never verifies. TestHeaderCutInside
// does the same for the header.
func TestTrustListCutInside(t *testing.T) {
	file := truncList(t)
	h, _, err := ParseHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	rec0 := h.Length
	rec1 := rec0 + (int(file[rec0+3])<<8 | int(file[rec0+4]))
	for _, r := range []struct {
		name                       string
		first, end, lenAt, lenBase int // elements first..end, their length field at lenAt counting from lenBase
	}{
		{"record 0", rec0 + 5, rec1, rec0 + 3, rec0},
		{"record 1", rec1 + 5, len(file), rec1 + 3, rec1},
	} {
		starts := elementStarts(t, file[:r.end], r.first)
		elem := r.first
		for cut := r.first; cut < r.end; cut++ {
			f := append(bytes.Clone(file[:cut]), file[r.end:]...)
			f[r.lenAt], f[r.lenAt+1] = byte((cut-r.lenBase)>>8), byte(cut-r.lenBase)
			_, _, err := ParseTrustList(f)
			if starts[cut] {
				elem = cut
				if err != nil && !errors.Is(err, ErrMalformed) {
					t.Fatalf("%s cut at %d (between elements): %v", r.name, cut, err)
				}
			} else {
				want := "past the end"
				if cut-elem < 3 {
					want = "truncated length"
				}
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), want) {
					t.Fatalf("%s cut at %d, %d bytes into the element at %d: %v; want ErrMalformed %q", r.name, cut, cut-elem, elem, err, want)
				}
			}
			if _, _, err := VerifyTrustList(f, nil); err == nil {
				t.Fatalf("%s cut at %d verifies", r.name, cut)
			}
		}
	}
}

// TestEncodeRecordsIsTheBuilders: encodeRecords (the fuzz target's
// re-writer) gives back a built body byte for byte, so the fuzz target's
// round trip compares like with like.
func TestEncodeRecordsIsTheBuilders(t *testing.T) {
	file := truncList(t)
	h, recs, err := ParseTrustList(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := encodeRecords(recs); !bytes.Equal(got, file[h.Length:]) {
		t.Errorf("re-encoded body of %d bytes differs from the built %d", len(got), len(file)-h.Length)
	}
}

// TestRepeatedTagRefused: a record or a header that carries one field
// twice is refused, so no reader can take the first value where this one
// would take the second (a TFTP record that reads as SAST).
func TestRepeatedTagRefused(t *testing.T) {
	k := loadKeys(t)
	file, err := BuildTrustList("ITLFile.tlv", []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, k.sast, TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := ParseHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	// The first record begins at the header's end with its length element
	// (tag 1, 2 bytes): put a second role element right after it.
	rec := h.Length
	dup := append([]byte(nil), file[:rec+5]...)
	dup = append(dup, recRole, 0, 2, 0, byte(RoleTFTP))
	dup = append(dup, file[rec+5:]...)
	n := int(dup[rec+3])<<8 | int(dup[rec+4])
	dup[rec+3], dup[rec+4] = byte((n+5)>>8), byte(n+5)
	if _, _, err := ParseTrustList(dup); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "again") {
		t.Errorf("a record with two roles: %v, want ErrMalformed for the tag seen again", err)
	}
	if _, _, err := ParseTrustList(file); err != nil {
		t.Errorf("the list as built: %v", err)
	}
	// A second file name at the header's end, the header-length element's
	// value (bytes 8 and 9, after the version element) grown to hold it.
	hdr := append([]byte(nil), file[:h.Length]...)
	hdr = append(hdr, tagFilename, 0, 2, 'x', 0)
	hdr = append(hdr, file[h.Length:]...)
	if hdr[5] != tagHeaderLength {
		t.Fatalf("byte 5 is %d, not the header-length tag", hdr[5])
	}
	hl := h.Length + 5
	hdr[8], hdr[9] = byte(hl>>8), byte(hl)
	if _, _, err := ParseHeader(hdr); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "again") {
		t.Errorf("a header with two file names: %v, want ErrMalformed for the tag seen again", err)
	}
}

// bigPublic is a crypto.Signer whose public key is an RSA modulus of bits
// bits (only its size is looked at; it never signs).
type bigPublic struct{ bits int }

func (b bigPublic) Public() crypto.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), uint(b.bits-1))
	return &rsa.PublicKey{N: n.Or(n, big.NewInt(1)), E: 65537}
}

func (bigPublic) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("bigPublic does not sign")
}

// TestTrustListKeyRules: §11.4's rules — a trust list is signed with RSA
// of at most 2048 bits, and an EC certificate stands only in the TFTP or
// application-server role, from signer version 1.1.
func TestTrustListKeyRules(t *testing.T) {
	k := loadKeys(t)
	sast := Entry{Role: RoleSAST, Cert: k.sast.Cert}
	for _, tc := range []struct {
		name    string
		entries []Entry
		signer  Signer
		sv      Version
		ok      bool
	}{
		{"EC TFTP at 1.1", []Entry{sast, {Role: RoleTFTP, Cert: k.ec}}, k.sast, Version{1, 1}, true},
		{"EC application server at 1.1", []Entry{sast, {Role: RoleAppServer, Cert: k.ec}}, k.sast, Version{1, 1}, true},
		{"EC TFTP at 1.0", []Entry{sast, {Role: RoleTFTP, Cert: k.ec}}, k.sast, Version{1, 0}, false},
		{"EC TFTP at the default version", []Entry{sast, {Role: RoleTFTP, Cert: k.ec}}, k.sast, Version{}, false},
		{"EC CCM at 1.1", []Entry{sast, {Role: RoleCCM, Cert: k.ec}}, k.sast, Version{1, 1}, false},
		{"RSA 4096 signer", []Entry{sast}, Signer{Key: bigPublic{4096}, Cert: k.sast.Cert}, Version{1, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildTrustList("ITLFile.tlv", tc.entries, tc.signer, TrustListOptions{SignerVersion: tc.sv})
			// The rule's own message: a key the signer's certificate does not
			// match would be refused later anyway.
			if tc.ok != (err == nil) || err != nil && (!errors.Is(err, ErrKey) || !strings.Contains(err.Error(), "EC certificate") && !strings.Contains(err.Error(), "at most 2048")) {
				t.Errorf("%v, want ok %v (else ErrKey from the key rules)", err, tc.ok)
			}
		})
	}
}

// TestTrustListSize: the size TrustListSize reckons without a private key
// is exactly that of the list BuildTrustList makes, for lists with and
// without DNS names, a timestamp, signer version 1.1 and SHA-1.
func TestTrustListSize(t *testing.T) {
	k := loadKeys(t)
	for i, c := range []struct {
		entries []Entry
		o       TrustListOptions
	}{
		{[]Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, TrustListOptions{}},
		{[]Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleTFTP, Cert: k.tftp.Cert, DNSName: "tftp.example.net"}},
			TrustListOptions{Hash: SHA1, Time: time.Unix(1700000000, 0)}},
		{[]Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleSAST, Cert: k.sast2.Cert}, {Role: RoleCCM, Cert: k.foreign.Cert, DNSName: "cm1"}},
			TrustListOptions{SignerVersion: Version{1, 1}, Time: time.Unix(1700000000, 0)}},
	} {
		for _, name := range []string{"ITLFile.tlv", "ext_ITLSEP001122AABBCC.tlv"} {
			file, err := BuildTrustList(name, c.entries, k.sast, c.o)
			if err != nil {
				t.Fatal(err)
			}
			n, err := TrustListSize(name, c.entries, k.sast.Cert, c.o)
			if err != nil || n != len(file) {
				t.Errorf("case %d %s: TrustListSize = %d, %v; the list is %d bytes", i, name, n, err, len(file))
			}
		}
	}
	if _, err := TrustListSize("ITLFile.tlv", nil, k.ec, TrustListOptions{}); !errors.Is(err, ErrKey) {
		t.Errorf("EC signer: %v, want ErrKey", err)
	}
}
