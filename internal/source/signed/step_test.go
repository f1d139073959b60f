package signed

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

var testTime = time.Unix(1700000000, 0)

// signables are files of each signable kind, as the inner chain holds them.
var signables = map[string]string{
	"SEP0000DE000001.cnf.xml":                   "",
	"XMLDefault.cnf.xml":                        "<Default><loadInformation/></Default>",
	"SKStandard-User.xml":                       "<softKeyCfg/>",
	"DRdemo-79x1.xml":                           "<DIALTEMPLATE/>",
	"dialplan.xml":                              "<DIALTEMPLATE><TEMPLATE MATCH=\"*\"/></DIALTEMPLATE>",
	"DefaultFPStandard.xml":                     "<featurePolicy/>",
	"AppDialRules.xml":                          "<DialRules/>",
	"RingList.xml":                              "<CiscoIPPhoneRingList/>",
	"Desktops/320x196x4/List.xml":               "<CiscoIPPhoneImageList/>",
	"English_United_States/7960-dictionary.xml": "<phrases/>",
}

// TestSignedKinds: X.sgn of every signable kind verifies with the TFTP key,
// names X.sgn in its header and carries exactly X; from the memory files
// and from the disk (ring file, PNG, locale jar).
func TestSignedKinds(t *testing.T) {
	mem := map[string]string{}
	for k, v := range signables {
		mem[k] = v
	}
	mem["SEP0000DE000001.cnf.xml"] = deviceXML(t, "2")
	r := newRig(t, mem)
	onDisk := map[string][]byte{
		"OldBell.raw":                      bytes.Repeat([]byte{0xff, 0x7e}, 4080),
		"Desktops/320x196x4/Beach.png":     append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3000)...),
		"English_United_States/mk-sip.jar": bytes.Repeat([]byte("PK"), 5000),
	}
	for name, b := range onDisk {
		r.disk(t, name, b)
		mem[name] = string(b)
	}
	for name, x := range mem {
		t.Run(name, func(t *testing.T) {
			file, f, err := r.get(t, name+".sgn", source.TFTP)
			if err != nil {
				t.Fatal(err)
			}
			if got := verified(t, file, keys.tftp1, name+".sgn"); string(got) != x {
				t.Errorf("payload differs from %s", name)
			}
			if source.SignerOf(f) != "tftp#1" {
				t.Errorf("SignerOf = %q", source.SignerOf(f))
			}
			if f.ModTime().Before(modOf(t, r, name)) {
				t.Errorf("ModTime %v is before the unsigned file's", f.ModTime())
			}
		})
	}
}

// modOf is the modification time of the unsigned name.
func modOf(t *testing.T, r *rig, name string) (m time.Time) {
	t.Helper()
	_, f, err := r.get(t, name, source.HTTPS)
	if err != nil {
		t.Fatal(err)
	}
	return f.ModTime()
}

// TestAlreadySigned: a .sgn the inner chain has (firmware, a custom file
// signed elsewhere) is served byte for byte, never signed again; a
// firmware name without one is not found, and never signed.
func TestAlreadySigned(t *testing.T) {
	r := newRig(t, map[string]string{"SIP88xx.12-8-1.loads": "load", "RingList.xml": "<CiscoIPPhoneRingList/>"})
	firmware := append([]byte{1, 0, 2, 1, 2}, bytes.Repeat([]byte{0xab}, 9000)...)
	r.disk(t, "cmterm-88xx.sip.zz.sgn", firmware)
	foreign, err := trust.Sign("RingList.xml.sgn", []byte("<CiscoIPPhoneRingList>theirs</CiscoIPPhoneRingList>"), keys.tftp2, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.disk(t, "RingList.xml.sgn", foreign)
	for name, want := range map[string][]byte{"cmterm-88xx.sip.zz.sgn": firmware, "RingList.xml.sgn": foreign} {
		got, f, err := r.get(t, name, source.TFTP)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || source.SignerOf(f) != "" {
			t.Errorf("%s: not the inner file byte for byte (signer %q)", name, source.SignerOf(f))
		}
	}
	if _, _, err := r.get(t, "SIP88xx.12-8-1.loads.sgn", source.TFTP); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("firmware .sgn: %v, want not found", err)
	}
	if _, _, err := r.get(t, "missing.xml.sgn", source.TFTP); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("missing: %v, want not found", err)
	}
	if _, _, err := r.get(t, "SKmissing.xml.sgn", source.TFTP); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("signable but missing: %v, want not found", err)
	}
	if n := r.signs.Load(); n != 0 {
		t.Errorf("%d signings, want none", n)
	}
}

// TestChangedContent: a request for unchanged X reuses the header; a
// changed X is signed again and never served with the old header.
func TestChangedContent(t *testing.T) {
	r := newRig(t, map[string]string{"SKStandard-User.xml": "<softKeyCfg>1</softKeyCfg>"})
	first := r.mustGet(t, "SKStandard-User.xml.sgn")
	again := r.mustGet(t, "SKStandard-User.xml.sgn")
	if !bytes.Equal(first, again) || r.signs.Load() != 1 {
		t.Fatalf("unchanged file: %d signings, same bytes %v", r.signs.Load(), bytes.Equal(first, again))
	}
	r.mem.set("SKStandard-User.xml", "<softKeyCfg>2</softKeyCfg>")
	changed := r.mustGet(t, "SKStandard-User.xml.sgn")
	if got := verified(t, changed, keys.tftp1, "SKStandard-User.xml.sgn"); string(got) != "<softKeyCfg>2</softKeyCfg>" {
		t.Errorf("payload %q", got)
	}
	if r.signs.Load() != 2 {
		t.Errorf("%d signings, want 2", r.signs.Load())
	}
	h1, _, _ := trust.ParseHeader(first)
	if bytes.HasPrefix(changed, first[:h1.Length]) {
		t.Error("the changed file carries the old header")
	}
}

// TestStateChange: a new State (a new key) signs again, with the new key.
func TestStateChange(t *testing.T) {
	r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>"})
	verified(t, r.mustGet(t, "dialplan.xml.sgn"), keys.tftp1, "dialplan.xml.sgn")
	r.state.Store(r.mixed(keys.tftp2, "tftp#2"))
	file, f, err := r.get(t, "dialplan.xml.sgn", source.TFTP)
	if err != nil {
		t.Fatal(err)
	}
	verified(t, file, keys.tftp2, "dialplan.xml.sgn")
	if source.SignerOf(f) != "tftp#2" || r.signs.Load() != 2 {
		t.Errorf("signer %q after %d signings", source.SignerOf(f), r.signs.Load())
	}
	st := r.mixed(keys.tftp1, "tftp#1")
	st.Hash = trust.SHA1
	r.state.Store(st)
	h, _, err := trust.ParseHeader(r.mustGet(t, "dialplan.xml.sgn"))
	if err != nil || h.Hash != trust.SHA1 {
		t.Errorf("hash %d, %v; want SHA-1", h.Hash, err)
	}
}

// TestNonSecure: a non-secure cluster (no State, or not mixed) passes
// every name to the inner chain: trust lists not found unless the disk has
// one, .sgn as the inner chain has it, nothing signed.
func TestNonSecure(t *testing.T) {
	for _, st := range []*State{nil, {Mixed: false, Signer: testKeys(t).tftp1}} {
		r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>"})
		r.state.Store(st)
		for _, name := range []string{"ITLFile.tlv", "CTLFile.tlv", "ITLSEP0000DE000001.tlv", "dialplan.xml.sgn"} {
			if _, _, err := r.get(t, name, source.TFTP); !errors.Is(err, source.ErrNotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
		own := []byte("an operator's own CTL")
		r.disk(t, "CTLFile.tlv", own)
		r.disk(t, "dialplan.xml.sgn", own)
		for _, name := range []string{"CTLFile.tlv", "dialplan.xml.sgn"} {
			if got := r.mustGet(t, name); !bytes.Equal(got, own) {
				t.Errorf("%s: not the disk's file", name)
			}
		}
		if r.signs.Load() != 0 || r.lists.Load() != 0 {
			t.Errorf("non-secure cluster signed %d files, %d lists", r.signs.Load(), r.lists.Load())
		}
	}
}

// TestTrustLists: in mixed mode the lists are built under the requested
// name (once per name and State), signed by the SAST; a per-device list
// only for a device of the cluster; a file on disk does not replace them.
func TestTrustLists(t *testing.T) {
	r := newRig(t, nil)
	r.disk(t, "ITLFile.tlv", []byte("stale"))
	cases := []struct {
		name string
		ctl  bool
	}{
		{"ITLFile.tlv", false}, {"CTLFile.tlv", true}, {"ITLSEP0000DE000001.tlv", false},
		{"CTLSEP0000de000001.tlv", true}, {"ext_ITLSEP0000DE000001.tlv", false},
	}
	for _, c := range cases {
		file := r.mustGet(t, c.name)
		if err := trust.Verify(file, keys.sast.Cert.PublicKey); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h, recs, err := trust.ParseTrustList(file)
		if err != nil {
			t.Fatal(err)
		}
		if h.Filename != c.name {
			t.Errorf("%s: header names %q", c.name, h.Filename)
		}
		if ctl := len(recs) == 3; ctl != c.ctl {
			t.Errorf("%s: %d records, CTL %v", c.name, len(recs), c.ctl)
		}
		r.mustGet(t, c.name)
	}
	if n := r.lists.Load(); n != int64(len(cases)) {
		t.Errorf("%d lists built for %d names asked twice each", n, len(cases))
	}
	for _, name := range []string{"ITLSEP0000DE0000FF.tlv", "CTLSEP0000DE0000FF.tlv", "ext_ITLSEP0000DE0000FF.tlv"} {
		if _, _, err := r.get(t, name, source.TFTP); !errors.Is(err, source.ErrNotFound) {
			t.Errorf("%s of an unknown device: %v, want not found", name, err)
		}
	}
	r.state.Store(r.mixed(keys.tftp2, "tftp#2"))
	r.mustGet(t, "ITLFile.tlv")
	if n := r.lists.Load(); n != int64(len(cases))+1 {
		t.Errorf("a new State did not build the list again (%d builds)", n)
	}
}

// TestHTTPS: over HTTPS X.sgn is the unsigned X (TLS protects it);
// firmware .sgn as it is; an encrypted device's full configuration (the
// name and its .sgn) only to a client presenting the device's own
// certificate, refused to any other.
func TestHTTPS(t *testing.T) {
	full := deviceXML(t, "3")
	r := newRig(t, map[string]string{"SEP0000DE000009.cnf.xml": full, "SKStandard-User.xml": "<softKeyCfg/>"})
	r.disk(t, "dsp.zz.sgn", []byte("firmware"))
	r.certs.Store(keys.phone.Cert)
	phone := certSum(keys.phone.Cert)
	cases := []struct {
		name string
		peer []byte
		want string // "" is refused
	}{
		{"SKStandard-User.xml.sgn", nil, "<softKeyCfg/>"},
		{"dsp.zz.sgn", nil, "firmware"},
		{"SEP0000DE000009.cnf.xml.sgn", phone, full},
		{"SEP0000DE000009.cnf.xml", phone, full},
		{"SEP0000DE000009.cnf.xml.sgn", nil, ""},
		{"SEP0000DE000009.cnf.xml", nil, ""},
		{"SEP0000DE000009.cnf.xml.sgn", certSum(keys.tftp2.Cert), ""},
		{"SEP0000DE000009.cnf.xml", phone[:16], ""},
	}
	for _, c := range cases {
		got, f, err := r.getFrom(t, r.step, c.name, source.HTTPS, c.peer)
		if c.want == "" {
			if !errors.Is(err, source.ErrDenied) {
				t.Errorf("%s over HTTPS, client certificate %x: %v (%d bytes), want denied", c.name, c.peer, err, len(got))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(got) != c.want || source.SignerOf(f) != "" {
			t.Errorf("%s over HTTPS: %d bytes (signer %q), want the unsigned file", c.name, len(got), source.SignerOf(f))
		}
	}
	if r.signs.Load() != 0 {
		t.Errorf("%d signings over HTTPS", r.signs.Load())
	}
	if !strings.Contains(r.logs(), "its configuration in clear is refused") {
		t.Errorf("the refusal is not logged:\n%s", r.logs())
	}
	r.certs.Store(nil)
	r.step.HandleChange(context.Background(), store.Change{Kind: domain.KindDevice, Key: "SEP0000DE000009", Op: store.OpUpdate})
	if _, _, err := r.getFrom(t, r.step, "SEP0000DE000009.cnf.xml", source.HTTPS, phone); !errors.Is(err, source.ErrDenied) {
		t.Errorf("a device whose certificate was deleted: %v, want denied", err)
	}
}

// TestSigningFails: a key that cannot sign makes the file busy (logged),
// never the unsigned file.
func TestSigningFails(t *testing.T) {
	r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>"})
	bad := r.mixed(trust.Signer{Key: keys.tftp1.Key, Cert: keys.tftp2.Cert}, "mismatched")
	r.state.Store(bad)
	if _, _, err := r.get(t, "dialplan.xml.sgn", source.TFTP); !errors.Is(err, source.ErrBusy) {
		t.Errorf("mismatched key: %v, want busy", err)
	}
	bad.TrustList = func(string, bool) ([]byte, error) { return nil, trust.ErrTooLarge }
	if _, _, err := r.get(t, "ITLFile.tlv", source.TFTP); !errors.Is(err, source.ErrBusy) {
		t.Errorf("trust list failing: %v, want busy", err)
	}
	if !strings.Contains(r.logs(), "signing dialplan.xml.sgn") || !strings.Contains(r.logs(), "building ITLFile.tlv") {
		t.Errorf("failures not logged:\n%s", r.logs())
	}
}

// TestBuiltNamesSignedFirst: for a name only the builders make, X is asked
// first and signed — a stored X.sgn beside it is not served (the built X
// comes first in the chain, so does its signature) — and a stored X.sgn
// counts only when there is no X at all.
func TestBuiltNamesSignedFirst(t *testing.T) {
	r := newRig(t, map[string]string{"SKStandard-User.xml": "<softKeyCfg/>"})
	stale, err := trust.Sign("SKStandard-User.xml.sgn", []byte("<softKeyCfg>old</softKeyCfg>"), keys.tftp2, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.disk(t, "SKStandard-User.xml.sgn", stale)
	file, _, err := r.get(t, "SKStandard-User.xml.sgn", source.TFTP)
	if err != nil {
		t.Fatal(err)
	}
	if got := verified(t, file, keys.tftp1, "SKStandard-User.xml.sgn"); string(got) != "<softKeyCfg/>" {
		t.Errorf("payload %q, want the built softkeys signed here", got)
	}
	only, err := trust.Sign("SKOther.xml.sgn", []byte("<softKeyCfg>theirs</softKeyCfg>"), keys.tftp2, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.disk(t, "SKOther.xml.sgn", only)
	if got, _, err := r.get(t, "SKOther.xml.sgn", source.TFTP); err != nil || !bytes.Equal(got, only) {
		t.Errorf("a stored X.sgn with no X: %v, byte for byte %v", err, bytes.Equal(got, only))
	}
}
