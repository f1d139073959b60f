package trust

import (
	"bytes"
	"errors"
	"testing"
)

// rawList lays out and signs a trust list of entries with none of
// BuildTrustList's checks, so that the verifier's can be tested: version v,
// signer version sv (nil: no tag 28), hash hs.
func rawList(t *testing.T, entries []Entry, s Signer, v Version, sv *Version, hs Hash) []byte {
	t.Helper()
	var body []byte
	for _, e := range entries {
		var err error
		if body, err = appendRecord(body, e); err != nil {
			t.Fatal(err)
		}
	}
	sigLen, err := checkSigner(s)
	if err != nil {
		t.Fatal(err)
	}
	file, err := signWith(&Header{Filename: "ITLFile.tlv", Version: v, SignerVersion: sv, Hash: hs}, body, s, sigLen)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// records returns the parsed records of a trust list.
func records(t *testing.T, file []byte) []Record {
	t.Helper()
	_, recs, err := ParseTrustList(file)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestVerifyTrustList: a phone's acceptance of a trust list, first install
// (leap of faith) and rollover (§11.2), against every way to fail.
func TestVerifyTrustList(t *testing.T) {
	k := loadKeys(t)
	sast := func(s Signer) Entry { return Entry{Role: RoleSAST, Cert: s.Cert} }
	tftp := Entry{Role: RoleTFTP, Cert: k.tftp.Cert}
	v12, sv := Version{1, 2}, &Version{1, 0}
	listN := rawList(t, []Entry{sast(k.sast), sast(k.sast2), tftp}, k.sast, v12, sv, SHA512)
	installedN := records(t, listN)
	next := []Entry{sast(k.sast2), sast(k.third), tftp}
	tampered := bytes.Clone(listN)
	tampered[len(tampered)-30] ^= 1
	cases := []struct {
		name      string
		file      []byte
		installed []Record
		want      error
	}{
		{"first install, leap of faith", listN, nil, nil},
		{"same list again", listN, installedN, nil},
		{"rollover N to N+1 signed by a SAST of N", rawList(t, next, k.sast2, v12, sv, SHA512), installedN, nil},
		{"SHA-1", rawList(t, next, k.sast2, v12, sv, SHA1), installedN, nil},
		{"SHA-256 is read", rawList(t, next, k.sast2, v12, sv, SHA256), installedN, nil},
		{"N+1 signed by its new SAST only", rawList(t, next, k.third, v12, sv, SHA512), installedN, ErrUntrusted},
		{"foreign SAST", rawList(t, []Entry{sast(k.foreign), tftp}, k.foreign, v12, sv, SHA512), installedN, ErrUntrusted},
		{"foreign SAST on a phone without list", rawList(t, []Entry{sast(k.foreign), tftp}, k.foreign, v12, sv, SHA512), nil, nil},
		{"impostor: the SAST's name, issuer and serial, another key", rawList(t, []Entry{sast(k.impostor)}, k.impostor, v12, sv, SHA512), installedN, ErrUntrusted},
		{"signer not listed", rawList(t, []Entry{sast(k.sast2), tftp}, k.sast, v12, sv, SHA512), nil, ErrSignerNotListed},
		{"signer listed as TFTP only", rawList(t, []Entry{sast(k.sast2), {Role: RoleTFTP, Cert: k.sast.Cert}}, k.sast, v12, sv, SHA512), nil, ErrSignerNotListed},
		{"three SAST", rawList(t, []Entry{sast(k.sast), sast(k.sast2), sast(k.third)}, k.sast, v12, sv, SHA512), nil, ErrTooManySAST},
		{"no records", rawList(t, nil, k.sast, v12, sv, SHA512), nil, ErrMalformed},
		{"version 1.0", rawList(t, []Entry{sast(k.sast)}, k.sast, Version{1, 0}, sv, SHA512), nil, ErrMalformed},
		{"no signer version", rawList(t, []Entry{sast(k.sast)}, k.sast, v12, nil, SHA512), nil, ErrMalformed},
		{"tampered body byte", tampered, nil, ErrSignature},
		{"tampered body byte, installed", tampered, installedN, ErrSignature},
		{"not a list", []byte("<device/>"), nil, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, recs, err := VerifyTrustList(c.file, c.installed)
			if c.want == nil {
				if err != nil || len(recs) == 0 || h.Version != v12 {
					t.Fatalf("VerifyTrustList: %d records, version %v, %v", len(recs), h.Version, err)
				}
				return
			}
			if !errors.Is(err, c.want) || recs != nil {
				t.Errorf("VerifyTrustList = %d records, %v; want %v", len(recs), err, c.want)
			}
		})
	}
}

// TestVerifyTrustListInstalledWithoutCertificate: an installed SAST record
// that carries only its public key and certificate hash (no tag 9) still
// matches, and its key verifies.
func TestVerifyTrustListInstalledWithoutCertificate(t *testing.T) {
	k := loadKeys(t)
	file := rawList(t, []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, k.sast, Version{1, 2}, &Version{1, 0}, SHA512)
	inst := records(t, file)
	inst[0].Certificate = nil
	if _, _, err := VerifyTrustList(file, inst); err != nil {
		t.Errorf("hash-only installed SAST: %v", err)
	}
	inst[0].CertHash = bytes.Repeat([]byte{1}, 20)
	if _, _, err := VerifyTrustList(file, inst); !errors.Is(err, ErrUntrusted) {
		t.Errorf("installed SAST with another hash: %v, want ErrUntrusted", err)
	}
}

// TestVerifySigned: a signed file checks against the TFTP records of a
// trust list only.
func TestVerifySigned(t *testing.T) {
	k := loadKeys(t)
	list := func(e ...Entry) []Record {
		return records(t, rawList(t, append([]Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, e...), k.sast, Version{1, 2}, &Version{1, 0}, SHA512))
	}
	sgn := func(s Signer) []byte {
		f, err := Sign("SEP001122AABBCC.cnf.xml.sgn", []byte("<device/>"), s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	tampered := sgn(k.tftp)
	tampered[len(tampered)-1] ^= 1
	cases := []struct {
		name string
		file []byte
		list []Record
		want error
	}{
		{"TFTP role", sgn(k.tftp), list(Entry{Role: RoleTFTP, Cert: k.tftp.Cert}), nil},
		{"CCM+TFTP role", sgn(k.tftp), list(Entry{Role: RoleCCMTFTP, Cert: k.tftp.Cert}), nil},
		{"CCM role only", sgn(k.tftp), list(Entry{Role: RoleCCM, Cert: k.tftp.Cert}), ErrUntrusted},
		{"signed by the SAST", sgn(k.sast), list(Entry{Role: RoleTFTP, Cert: k.tftp.Cert}), ErrUntrusted},
		{"impostor of the SAST listed as TFTP", sgn(k.impostor), list(Entry{Role: RoleTFTP, Cert: k.sast.Cert}), ErrSignature},
		{"tampered payload", tampered, list(Entry{Role: RoleTFTP, Cert: k.tftp.Cert}), ErrSignature},
		{"no list", sgn(k.tftp), nil, ErrUntrusted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, payload, err := VerifySigned(c.file, c.list)
			if c.want == nil {
				if err != nil || string(payload) != "<device/>" {
					t.Fatalf("VerifySigned = %q, %v", payload, err)
				}
				return
			}
			if !errors.Is(err, c.want) || payload != nil {
				t.Errorf("VerifySigned = %q, %v; want %v", payload, err, c.want)
			}
		})
	}
}

// TestCertificates: the certificates of the records with the roles asked
// for, in list order.
func TestCertificates(t *testing.T) {
	k := loadKeys(t)
	recs := records(t, rawList(t, []Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleTFTP, Cert: k.tftp.Cert},
		{Role: RoleCCM, Cert: k.sast2.Cert}, {Role: RoleCCMTFTP, Cert: k.third.Cert}}, k.sast, Version{1, 2}, &Version{1, 0}, SHA512))
	got := Certificates(recs, RoleTFTP, RoleCCMTFTP)
	if len(got) != 2 || !got[0].Equal(k.tftp.Cert) || !got[1].Equal(k.third.Cert) {
		t.Errorf("Certificates(TFTP, CCM+TFTP) = %d certificates", len(got))
	}
	if got := Certificates(recs, RoleCAPF); got != nil {
		t.Errorf("Certificates(CAPF) = %d certificates, want none", len(got))
	}
}
