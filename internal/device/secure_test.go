package device_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
	"cmtftp/internal/trust"
)

const secureMAC = "0011AABB5EC1"

// secureConfig is the device configuration the secure tests serve.
const secureConfig = `<device><devicePool><callManagerGroup><members><member priority="0"><callManager>
<name>cm-a</name><processNodeName>127.0.0.1</processNodeName><ports><ethernetPhonePort>2000</ethernetPhonePort></ports>
</callManager></member></members></callManagerGroup></devicePool>
<userLocale><name>English_United_States</name></userLocale><networkLocaleInfo><name>United_States</name></networkLocaleInfo>
<dialTemplate>DRlab.xml</dialTemplate><softKeyFile>SKlab.xml</softKeyFile></device>`

// secureFiles are the files a 7961 asks for, as X: the tests serve X.sgn.
var secureFiles = map[string]string{
	"SEP" + secureMAC + ".cnf.xml":      secureConfig,
	"English_United_States/mk-sccp.jar": "jar bytes",
	"United_States/g3-tones.xml":        "<tones/>",
	"DRlab.xml":                         "<DIALTEMPLATE><TEMPLATE MATCH=\"*\"/></DIALTEMPLATE>",
	"SKlab.xml":                         "<softKeyCfg><softKeyDef/></softKeyCfg>",
	"RingList.xml":                      "<CiscoIPPhoneRingList><Ring/></CiscoIPPhoneRingList>",
}

// secureNames are what a secure 7961 asks for, in order.
var secureNames = []string{"CTLFile.tlv", "ITLFile.tlv", "SEP" + secureMAC + ".cnf.xml.sgn",
	"English_United_States/mk-sccp.jar.sgn", "United_States/g3-tones.xml.sgn", "DRlab.xml.sgn", "SKlab.xml.sgn", "RingList.xml.sgn"}

// itl builds an ITL signed by signer listing sasts and the TFTP key.
func itl(t *testing.T, signer trust.Signer, sasts []trust.Signer, tftp trust.Signer) []byte {
	t.Helper()
	var entries []trust.Entry
	for _, s := range sasts {
		entries = append(entries, trust.Entry{Role: trust.RoleSAST, Cert: s.Cert})
	}
	entries = append(entries, trust.Entry{Role: trust.RoleTFTP, Cert: tftp.Cert})
	b, err := trust.BuildTrustList("ITLFile.tlv", entries, signer, trust.TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign signs payload as name.
func sign(t *testing.T, name string, payload []byte, s trust.Signer) []byte {
	t.Helper()
	b, err := trust.Sign(name, payload, s, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secureServer serves list N (sast1 signing, listing sast1 and tftp) as
// ITLFile.tlv and every secureFiles file as X.sgn signed by tftp.
func secureServer(t *testing.T, k secureKeys) (*fileServer, []byte) {
	t.Helper()
	list := itl(t, k.sast1, []trust.Signer{k.sast1}, k.tftp)
	files := map[string][]byte{"ITLFile.tlv": list}
	for name, body := range secureFiles {
		files[name+".sgn"] = sign(t, name+".sgn", []byte(body), k.tftp)
	}
	return newFileServer(t, files), list
}

func secureBoot(t *testing.T, fs *fileServer, c device.Config) *device.Report {
	t.Helper()
	if c.MAC == "" {
		c.MAC, c.Model, c.Protocol = secureMAC, "7961", "SCCP"
	}
	c.Secure, c.Servers = true, []netip.AddrPort{fs.addr}
	return boot(t, c)
}

// fingerprintOf is the SHA-1 of a certificate as the report prints it.
func fingerprintOf(s trust.Signer) string {
	sum := sha1.Sum(s.Cert.Raw)
	var parts []string
	for _, c := range sum {
		parts = append(parts, fmt.Sprintf("%02X", c))
	}
	return strings.Join(parts, ":")
}

// TestSecureBoot: a secure phone with no list installed takes the ITL on
// its own SAST (leap of faith), asks for every configuration-type file
// signed, and reports each signed by the TFTP certificate; the text
// timeline names signer and fingerprint.
func TestSecureBoot(t *testing.T) {
	k := loadSecureKeys(t)
	fs, list := secureServer(t, k)
	r := secureBoot(t, fs, device.Config{})
	if !r.OK() {
		t.Fatalf("not configured: %s: %s\n%s", r.Cause, r.Detail, text(r))
	}
	if got := r.Names(); !slices.Equal(got, secureNames) {
		t.Errorf("asked for %q, want %q", got, secureNames)
	}
	for _, st := range r.Steps[2:] {
		if st.Signed == nil || st.Signed.Signer != k.tftp.Cert.Subject.String() || st.Signed.SHA1 != fingerprintOf(k.tftp) || st.Signed.Role != "TFTP" || len(st.Signed.SHA256) != 95 || !st.Signed.Verified {
			t.Errorf("%s: signed %+v, want by %s", st.Name, st.Signed, k.tftp.Cert.Subject)
		}
	}
	tl := r.TrustList
	if tl == nil || tl.Name != "ITLFile.tlv" || tl.How != "leap of faith" || tl.Signer == nil || tl.Signer.SHA1 != fingerprintOf(k.sast1) || tl.Records != 2 || len(tl.FileSigners) != 1 {
		t.Errorf("trust list %+v", tl)
	}
	if !bytes.Equal(r.AcceptedTrustList, list) {
		t.Error("the accepted trust list is not the one served")
	}
	if r.Config != "SEP"+secureMAC+".cnf.xml.sgn" || len(r.CallManagers) != 1 || len(r.Warnings) != 0 {
		t.Errorf("config %q, call control %+v, warnings %q", r.Config, r.CallManagers, r.Warnings)
	}
	out := text(r)
	for _, want := range []string{"signed by CN=tftp1,O=Lab (TFTP, SHA-1 " + fingerprintOf(k.tftp), "trust list: ITLFile.tlv, leap of faith, signed by CN=sast1,O=Lab (SAST"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

// TestSecureTrustListNames: a 8841 asks for its own CTL, its own ITL and,
// that missing, the cluster's ITLFile.tlv.
func TestSecureTrustListNames(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	r := secureBoot(t, fs, device.Config{MAC: secureMAC, Model: "8841", Protocol: "SIP"})
	want := []string{"CTLSEP" + secureMAC + ".tlv", "ITLSEP" + secureMAC + ".tlv", "ITLFile.tlv", "SEP" + secureMAC + ".cnf.xml.sgn"}
	if got := r.Names(); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("asked for %q, want first %q", got, want)
	}
	if !r.OK() || r.TrustList == nil || r.TrustList.Name != "ITLFile.tlv" {
		t.Errorf("%s %s: %s; trust list %+v", r.Outcome, r.Cause, r.Detail, r.TrustList)
	}
}

// TestTrustListRollover: with list N installed, N+1 (signed by N's SAST,
// listing the new SAST too) is accepted; then with N+1 installed, N+2
// (signed by the new SAST alone) is; N+2 is refused by a phone still on N,
// and a list signed by a foreign key by any phone holding a list — "Trust
// List update failed" naming the signer, and the phone keeps its list (its
// files are signed by a TFTP key that list has, so it boots). A phone that
// holds a list and gets none keeps its own.
func TestTrustListRollover(t *testing.T) {
	k := loadSecureKeys(t)
	fs, listN := secureServer(t, k)
	listN1 := itl(t, k.sast1, []trust.Signer{k.sast1, k.sast2}, k.tftp)
	listN2 := itl(t, k.sast2, []trust.Signer{k.sast2}, k.tftp)
	foreign := itl(t, k.foreign, []trust.Signer{k.foreign}, k.tftp)
	for _, tc := range []struct {
		name            string
		installed, serv []byte
		how, detail     string
		warn            string // the warning of a refused update
	}{
		{"N to N+1", listN, listN1, "signed by a SAST of the installed list", "", ""},
		{"N+1 to N+2", listN1, listN2, "signed by a SAST of the installed list", "", ""},
		{"N to N+2", listN, listN2, "installed list kept", "", "Trust List update failed: ITLFile.tlv: signer CN=sast2,O=Lab is not in the installed list"},
		{"N to foreign", listN, foreign, "installed list kept", "", "Trust List update failed: ITLFile.tlv: signer CN=intruder,O=Lab is not in the installed list"},
		{"none to foreign", nil, foreign, "leap of faith", "", ""},
		{"N, none served", listN, nil, "installed list kept", "", ""},
		{"none, none served", nil, nil, "", "no trust list", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs.set("ITLFile.tlv", tc.serv)
			r := secureBoot(t, fs, device.Config{TrustList: tc.installed})
			if tc.detail != "" {
				if r.OK() || r.Cause != device.CauseTrustList || !strings.Contains(r.Detail, tc.detail) {
					t.Fatalf("%s %s: %q, want failed saying %q", r.Outcome, r.Cause, r.Detail, tc.detail)
				}
				if len(r.Steps) != 2 || r.AcceptedTrustList != nil {
					t.Errorf("went on after the trust list: %q", r.Names())
				}
				return
			}
			if !r.OK() || r.TrustList.How != tc.how {
				t.Fatalf("%s %s: %s; trust list %+v\n%s", r.Outcome, r.Cause, r.Detail, r.TrustList, text(r))
			}
			if tc.warn != "" {
				if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, tc.warn) }) || r.AcceptedTrustList != nil {
					t.Errorf("warnings %q, want one saying %q; accepted list %d bytes, want none", r.Warnings, tc.warn, len(r.AcceptedTrustList))
				}
				return
			}
			if !bytes.Equal(r.AcceptedTrustList, tc.serv) {
				t.Error("accepted trust list is not the one served")
			}
		})
	}
}

// TestSignedFileRejected: a file asked for signed that is tampered with,
// unsigned, signed by a key not in the trust list, or signed under
// another name ends the boot naming it — the configuration as well as a
// file the phone could do without.
func TestSignedFileRejected(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	cnf := "SEP" + secureMAC + ".cnf.xml.sgn"
	good := sign(t, cnf, []byte(secureConfig), k.tftp)
	tampered := bytes.Replace(good, []byte("cm-a"), []byte("cm-x"), 1)
	ring := sign(t, "RingList.xml.sgn", []byte(secureFiles["RingList.xml"]), k.tftp)
	ringTampered := bytes.Clone(ring)
	ringTampered[len(ringTampered)-3] ^= 1
	for _, tc := range []struct {
		name, file string
		body       []byte
		detail     string
	}{
		{"tampered", cnf, tampered, "bad signature"},
		{"unsigned", cnf, []byte(secureConfig), "not a signed file"},
		{"foreign signer", cnf, sign(t, cnf, []byte(secureConfig), k.foreign), "signer CN=intruder,O=Lab is not in the trust list"},
		{"signed by the SAST", cnf, sign(t, cnf, []byte(secureConfig), k.sast1), "signer CN=sast1,O=Lab is not in the trust list"},
		{"another name", cnf, sign(t, "SEP001122334455.cnf.xml.sgn", []byte(secureConfig), k.tftp), `signed as "SEP001122334455.cnf.xml.sgn"`},
		{"ring list tampered", "RingList.xml.sgn", ringTampered, "bad signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs.set(tc.file, tc.body)
			t.Cleanup(func() { fs.set(cnf, good); fs.set("RingList.xml.sgn", ring) })
			r := secureBoot(t, fs, device.Config{})
			if r.OK() || r.Cause != device.CauseSignature || !strings.HasPrefix(r.Detail, tc.file+": ") || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("%s %s: %q, want %s failing with %q\n%s", r.Outcome, r.Cause, r.Detail, tc.file, tc.detail, text(r))
			}
			if last := r.Steps[len(r.Steps)-1]; last.Name != tc.file || last.Outcome != device.Broken || last.Signed != nil {
				t.Errorf("last step %+v", last)
			}
		})
	}
}

// TestSecureSkipVerify: without verification the phone still asks for the
// signed names and reads their headers, and does not notice a tampered
// payload; it reports the signers as not verified.
func TestSecureSkipVerify(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	cnf := "SEP" + secureMAC + ".cnf.xml.sgn"
	fs.set(cnf, bytes.Replace(sign(t, cnf, []byte(secureConfig), k.tftp), []byte("cm-a"), []byte("cm-x"), 1))
	r := secureBoot(t, fs, device.Config{SkipVerify: true})
	if !r.OK() || !slices.Equal(r.Names(), secureNames) {
		t.Fatalf("%s %s: %s, asked %q", r.Outcome, r.Cause, r.Detail, r.Names())
	}
	if s := r.Steps[2].Signed; s == nil || s.Verified || s.Signer != k.tftp.Cert.Subject.String() || r.CallManagers[0].Name != "cm-x" {
		t.Errorf("signed %+v", s)
	}
	fs.set(cnf, []byte(secureConfig))
	if r := secureBoot(t, fs, device.Config{SkipVerify: true}); r.OK() || r.Cause != device.CauseSignature {
		t.Errorf("unsigned config without verification: %s %s", r.Outcome, r.Detail)
	}
}

// TestSecureBadConfig: only a phone that asks for trust lists can be
// secure; an installed list, a phone key or skipping verification need
// Secure; an installed list must parse.
func TestSecureBadConfig(t *testing.T) {
	srv := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:69")}
	k := loadSecureKeys(t)
	for _, tc := range []struct {
		name string
		c    device.Config
		want string
	}{
		{"7905", device.Config{MAC: secureMAC, Model: "7905", Secure: true}, "only phones with XML loads"},
		{"gateway", device.Config{Kind: device.Gateway, Hostname: "gw1", Secure: true}, "gateway"},
		{"list without secure", device.Config{MAC: secureMAC, Model: "7961", TrustList: []byte{1}}, "secure phone"},
		{"key without secure", device.Config{MAC: secureMAC, Model: "7961", PhoneKey: k.phone.Key.(*rsa.PrivateKey)}, "secure phone"},
		{"broken list", device.Config{MAC: secureMAC, Model: "7961", Secure: true, TrustList: []byte("junk")}, "installed trust list"},
	} {
		tc.c.Servers = srv
		_, err := device.Boot(context.Background(), tc.c)
		if !errors.Is(err, device.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrConfig saying %q", tc.name, err, tc.want)
		}
	}
}

// TestSecureStorm: a secure storm's devices ask for the signed names and
// verify them.
func TestSecureStorm(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	for _, skip := range []bool{false, true} {
		const n = 4
		prefix := "0011AB"
		if skip {
			prefix = "0011AC"
		}
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("SEP%s%06X.cnf.xml", prefix, i)
			fs.set(name+".sgn", sign(t, name+".sgn", []byte(secureConfig), k.tftp))
		}
		c := quick(device.Config{Model: "7961", Protocol: "SCCP", Servers: []netip.AddrPort{fs.addr}, Secure: true, SkipVerify: skip})
		r, err := device.Storm(context.Background(), device.StormConfig{Device: c, N: n, MACPrefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Fatalf("skip %v: %d of %d configured: %v %v", skip, r.Configured, r.Total, r.Failures, r.Examples)
		}
		if got := fs.count(fmt.Sprintf("SEP%s000001.cnf.xml.sgn", prefix)); got != 1 {
			t.Errorf("skip %v: SEP…000001.cnf.xml.sgn asked %d times", skip, got)
		}
		if got := fs.count(fmt.Sprintf("SEP%s000001.cnf.xml", prefix)); got != 0 {
			t.Errorf("skip %v: the unsigned name asked %d times", skip, got)
		}
	}
}

// TestSecureAgainstNonSecureServer: a real cmtftp of a non-secure cluster
// answers no trust list, so a secure phone with none installed stops
// there, saying so; one holding a list keeps it and finds no signed
// configuration.
func TestSecureAgainstNonSecureServer(t *testing.T) {
	k := loadSecureKeys(t)
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	c := device.Config{MAC: "0000DE000001", Model: "7961", Protocol: "SCCP", Servers: []netip.AddrPort{s.tftp}, Secure: true}
	r := boot(t, c)
	if r.OK() || r.Cause != device.CauseTrustList || !strings.Contains(r.Detail, "none of CTLFile.tlv, ITLFile.tlv") {
		t.Fatalf("%s %s: %s", r.Outcome, r.Cause, r.Detail)
	}
	c.TrustList = itl(t, k.sast1, []trust.Signer{k.sast1}, k.tftp)
	r = boot(t, c)
	want := []string{"CTLFile.tlv", "ITLFile.tlv", "SEP0000DE000001.cnf.xml.sgn", "XMLDefault.cnf.xml.sgn"}
	if r.OK() || r.Cause != device.CauseNoConfig || r.TrustList == nil || r.TrustList.How != "installed list kept" || !slices.Equal(r.Names(), want) {
		t.Fatalf("%s %s: %s; asked %q", r.Outcome, r.Cause, r.Detail, r.Names())
	}
}

// TestSecureCTL: a CTL alone is a trust list too: its CCM+TFTP record
// signs the files, and it is what the phone keeps.
func TestSecureCTL(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	ctl, err := trust.BuildTrustList("CTLFile.tlv", []trust.Entry{{Role: trust.RoleSAST, Cert: k.sast1.Cert},
		{Role: trust.RoleCCMTFTP, Cert: k.tftp.Cert, DNSName: "cm-a"}}, k.sast1, trust.TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs.set("CTLFile.tlv", ctl)
	fs.set("ITLFile.tlv", nil)
	r := secureBoot(t, fs, device.Config{})
	if !r.OK() || r.TrustList.Name != "CTLFile.tlv" || !bytes.Equal(r.AcceptedTrustList, ctl) || r.Steps[2].Signed == nil || r.Steps[2].Signed.Role != "CCM+TFTP" {
		t.Fatalf("%s %s: %s; trust list %+v\n%s", r.Outcome, r.Cause, r.Detail, r.TrustList, text(r))
	}
}
