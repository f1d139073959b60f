package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// seedGolden adds the built files whose names end in one of suffixes.
func seedGolden(f *testing.F, suffixes ...string) {
	dir := filepath.Join("..", "render", "testdata", "golden")
	es, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range es {
		for _, s := range suffixes {
			if strings.HasSuffix(e.Name(), s) {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				f.Add(b)
			}
		}
	}
}

// FuzzXMLConfig: any bytes give a summary or an error; a summary's
// call-control list has hosts and ports, and the counting readers agree.
func FuzzXMLConfig(f *testing.F) {
	seedGolden(f, ".xml")
	f.Add([]byte("<d><callManager><name>x</name></callManager></d>"))
	f.Add([]byte("<a/><b/>"))
	f.Add([]byte("<device><fullConfig>false</fullConfig><encrConfig>true</encrConfig></device>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseXMLConfig(b, 30018)
		if err != nil {
			return
		}
		for _, cm := range s.callManagers {
			if cm.Host == "" || cm.SCCPPort < 0 || cm.SCCPPort > 65535 || cm.SIPPort < 0 || cm.SIPPort > 65535 {
				t.Fatalf("call manager %+v", cm)
			}
		}
		readDialTemplate(b)
		readSoftkeys(b)
		if _, err := readRingList(b); err != nil && !strings.Contains(err.Error(), "root element") {
			t.Fatalf("well-formed for the configuration reader, not for the ring list: %v", err)
		}
	})
}

// FuzzKV: the key: value reader (7940 SIP files, legacy .cnf) never
// panics, and every key it returns is a key name.
func FuzzKV(f *testing.F) {
	seedGolden(f, ".cnf")
	f.Add([]byte("a: \"b\" ; c\r\nd:e;f\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		kv, err := parseKV(b)
		if err != nil {
			return
		}
		for k := range kv {
			if !keyName(k) {
				t.Fatalf("key %q", k)
			}
		}
		sipProxies(kv)
		legacyCallManagers(kv)
	})
}

// FuzzProfile: the 7905/7912 profile reader never panics.
func FuzzProfile(f *testing.F) {
	seedGolden(f, "0000de000004", "0000de000005")
	f.Add([]byte("#txt\nProxy:192.0.2.1.5060\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		kv, err := parseProfile(b)
		if err != nil {
			return
		}
		if cms, err := profileProxy(kv); err == nil && len(cms) == 1 && (cms[0].Host == "" || cms[0].SIPPort > 65535) {
			t.Fatalf("proxy %+v", cms[0])
		}
	})
}

// FuzzLoads: the .loads reader never panics, and what it accepts names at
// least one archive, each a plain file name.
func FuzzLoads(f *testing.F) {
	for name, b := range domain.DemoRoot() {
		if strings.HasSuffix(name, ".loads") {
			f.Add(b)
		}
	}
	f.Add(signed("a.sbn\r\n", 20))
	f.Add([]byte("#? HW_REV 0-4.*\nA.SBN 12 0123\nLA_VERSION=x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseLoads(b)
		if err != nil {
			return
		}
		if len(l.archives) == 0 {
			t.Fatal("no archive and no error")
		}
		for _, a := range l.archives {
			if !archiveName(a) {
				t.Fatalf("archive %q", a)
			}
		}
	})
}

// FuzzRingDat: the RINGLIST.DAT reader never panics.
func FuzzRingDat(f *testing.F) {
	f.Add([]byte("Chirp 1\t\tChirp1.raw\n"))
	f.Add([]byte("x\n\ty\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readRingDat(b)
	})
}
