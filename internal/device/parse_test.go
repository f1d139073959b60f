package device

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

func golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "render", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signed prefixes body with a signed header of spec §11.1: version 1.1,
// the header length, and filler standing for the signer and signature.
func signed(body string, filler int) []byte {
	n := 10 + filler
	h := []byte{1, 0, 2, 1, 1, 2, 0, 2, byte(n >> 8), byte(n)}
	h = append(h, make([]byte, filler)...)
	for i := 10; i < n; i++ {
		h[i] = 0x0d
	}
	return append(h, body...)
}

func TestParseLoads(t *testing.T) {
	for _, tc := range []struct {
		name, err string
		in        []byte
		archives  []string
		version   string
	}{
		{name: "79x1 CRLF", in: []byte("# RELEASE load version 9-4-2ES9\r\njar41sccp.9-4-2ES9.sbn  \r\ncnu41.9-4-2ES9.sbn\r\n"),
			archives: []string{"jar41sccp.9-4-2ES9.sbn", "cnu41.9-4-2ES9.sbn"}},
		{name: "7940 LF", in: []byte("P0030801SR02.sbn\nP0030801SR02.sb2\nLA_VERSION=PAS30831\n"),
			archives: []string{"P0030801SR02.sbn", "P0030801SR02.sb2"}, version: "PAS30831"},
		{name: "792x", in: []byte("#? HW_REV 0-4.*\r\nAPPS-1.4.6.3.SBN   1234567 0123456789abcdef0123456789abcdef\r\n"),
			archives: []string{"APPS-1.4.6.3.SBN"}},
		{name: "signed", in: signed("# x\r\njar70sip.sbn\r\n", 300), archives: []string{"jar70sip.sbn"}},
		{name: "no final newline", in: []byte("a.sbn"), archives: []string{"a.sbn"}},
		{name: "empty", in: nil, err: "names no archive"},
		{name: "comments only", in: []byte("# nothing\n\n"), err: "names no archive"},
		{name: "random bytes", in: []byte{0x8f, 0x00, 0x13, 0xff}, err: "not a text file"},
		{name: "header past the end", in: []byte{1, 0, 2, 1, 1, 2, 0, 2, 0x40, 0}, err: "signed header of 16384 bytes"},
		{name: "header without length", in: []byte{1, 0, 2, 1, 1, 9, 0, 2, 0, 10, 'a'}, err: "without its version"},
		{name: "a path", in: []byte("../../etc/passwd\n"), err: "not an archive name"},
		{name: "two fields", in: []byte("a.sbn 12\n"), err: "neither NAME"},
		{name: "size not a number", in: []byte("a.sbn big 0123\n"), err: "not a number"},
	} {
		l, err := parseLoads(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(l.archives, tc.archives) || l.version != tc.version {
			t.Errorf("%s: %q %q %v, want %q %q", tc.name, l.archives, l.version, err, tc.archives, tc.version)
		}
	}
}

func TestParseKV(t *testing.T) {
	for _, tc := range []struct {
		name, in, err string
		want          map[string]string
	}{
		{name: "spec §5.1", in: "# c\nimage_version: \"P0S3-08-12-00\"\nproxy1_port:\"5060\"\nphone_label: \"Desk 12\" ; label\ntelnet_level: 2   ; 0-Disabled\n",
			want: map[string]string{"image_version": "P0S3-08-12-00", "proxy1_port": "5060", "phone_label": "Desk 12", "telnet_level": "2"}},
		{name: "CME ;", in: "image_version: \"P0S3-07-4-00\";\r\nuser_info: \"phone\";\r\n",
			want: map[string]string{"image_version": "P0S3-07-4-00", "user_info": "phone"}},
		{name: "colons in the value", in: "proxy_backup: ::1\nservices_url: http://h:6970/s.xml\n",
			want: map[string]string{"proxy_backup": "::1", "services_url": "http://h:6970/s.xml"}},
		{name: "empty value", in: "line2_name: \"\"\n", want: map[string]string{"line2_name": ""}},
		{name: "empty file", in: "", want: map[string]string{}},
		{name: "no colon", in: "proxy1_port=5060\n", err: "line 1"},
		{name: "open quote", in: "a: \"x\n", err: "not closed"},
		{name: "after the quote", in: "a: \"x\" y\n", err: "after the closing quote"},
		{name: "bad key", in: "a b: c\n", err: "not key: value"},
		{name: "binary", in: "a: \x00\n", err: "not a text file"},
	} {
		kv, err := parseKV([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(kv) != len(tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, kv, err, tc.want)
		}
		for k, v := range tc.want {
			if kv[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, kv[k], v)
			}
		}
	}
}

func TestCallControlOfTextFiles(t *testing.T) {
	kv, err := parseKV(golden(t, "SIP0000DE000003.cnf"))
	if err != nil {
		t.Fatal(err)
	}
	cms, err := sipProxies(kv)
	if err != nil || len(cms) != 2 || cms[0] != (CallManager{Name: "proxy1", Host: "127.0.0.1", SIPPort: 5060}) || !cms[1].Secondary {
		t.Errorf("7940 SIP proxies %+v %v", cms, err)
	}
	if _, err := sipProxies(map[string]string{"proxy1_address": "h", "proxy1_port": "99999"}); err == nil {
		t.Error("proxy1_port 99999 accepted")
	}
	kv, err = parseKV(golden(t, "SEP0000DE000007.cnf"))
	if err != nil {
		t.Fatal(err)
	}
	cms, err = legacyCallManagers(kv)
	if err != nil || len(cms) != 2 || cms[1] != (CallManager{Name: "callManager2", Host: "::1", SCCPPort: 2000}) {
		t.Errorf("legacy call managers %+v %v", cms, err)
	}
	if _, err := legacyCallManagers(map[string]string{"callManager1": "a 2000 x"}); err == nil {
		t.Error("callManager1 of three fields accepted")
	}
	for in, want := range map[string]CallManager{
		"192.0.2.40":      {Name: "Proxy", Host: "192.0.2.40", SIPPort: 5060},
		"192.0.2.40.5070": {Name: "Proxy", Host: "192.0.2.40", SIPPort: 5070},
		"cme.example":     {Name: "Proxy", Host: "cme.example", SIPPort: 5060},
	} {
		if cms, err := profileProxy(map[string]string{"Proxy": in}); err != nil || len(cms) != 1 || cms[0] != want {
			t.Errorf("Proxy:%s: %+v %v, want %+v", in, cms, err, want)
		}
	}
}

func TestParseProfile(t *testing.T) {
	kv, err := parseProfile(golden(t, "ld0000de000004"))
	if err != nil || kv["ImageVersion"] != "CP7905080003SIP070409A" || kv["Proxy"] != "127.0.0.1" {
		t.Fatalf("%v %v", kv, err)
	}
	for in, want := range map[string]string{
		"UIPassword:1\n": "not a #txt profile",
		"#txt\nno colon": "not Parameter:value",
		"#txt\nA:\x01\n": "not a text file",
		"#txt\nA B:c\n":  "not Parameter:value",
		"\x00\x01binary": "not a #txt profile",
	} {
		if _, err := parseProfile([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// TestKeyValueSyntaxes: the two key/value readers share their lines —
// comments, blank lines, CRLF, a later key overriding, the line number of
// an error — and differ where their syntaxes do: spaces around the key,
// and quotes and ; in the value.
func TestKeyValueSyntaxes(t *testing.T) {
	for _, tc := range []struct {
		name, in      string
		kv, profile   map[string]string // nil: an error
		kvErr, prfErr string
	}{
		{name: "shared lines", in: "# c\r\n\r\nA:1\r\n  # indented comment\nB: 2\nA:3\n",
			kv: map[string]string{"A": "3", "B": "2"}, profile: map[string]string{"A": "3", "B": "2"}},
		{name: "spaces around the key", in: "A : 1\n",
			kv: map[string]string{"A": "1"}, prfErr: "line 2: \"A : 1\" is not Parameter:value"},
		{name: "quotes and ;", in: `A: "x y" ; c` + "\n",
			kv: map[string]string{"A": "x y"}, profile: map[string]string{"A": `"x y" ; c`}},
		{name: "error on line 3", in: "A:1\n\nno colon\n", kvErr: "line 3: \"no colon\" is not key: value", prfErr: "line 4:"},
	} {
		kv, err := parseKV([]byte(tc.in))
		if tc.kvErr != "" && (err == nil || !strings.Contains(err.Error(), tc.kvErr)) || tc.kvErr == "" && (err != nil || !maps.Equal(kv, tc.kv)) {
			t.Errorf("%s: key: value %v %v, want %v %q", tc.name, kv, err, tc.kv, tc.kvErr)
		}
		// A profile's first line is #txt: its lines are one further on.
		kv, err = parseProfile([]byte("#txt\n" + tc.in))
		if tc.prfErr != "" && (err == nil || !strings.Contains(err.Error(), tc.prfErr)) || tc.prfErr == "" && (err != nil || !maps.Equal(kv, tc.profile)) {
			t.Errorf("%s: profile %v %v, want %v %q", tc.name, kv, err, tc.profile, tc.prfErr)
		}
	}
}

func TestParseXMLConfig(t *testing.T) {
	s, err := parseXMLConfig(golden(t, "XMLDefault.cnf.xml"), 30018)
	if err != nil || s.load != "SCCP41.9-4-2SR3-1S" || len(s.callManagers) != 2 || s.root != "Default" {
		t.Errorf("XMLDefault for 7961: %+v %v", s, err)
	}
	if s, _ := parseXMLConfig(golden(t, "XMLDefault.cnf.xml"), 9999); s.load != "" {
		t.Errorf("XMLDefault for a type it does not list: load %q", s.load)
	}
	s, err = parseXMLConfig(golden(t, "SEP0000DE000006.cnf.xml"), 683)
	if err != nil || s.load != "sip88xx.14-2-1-0001-50" || s.dialTemplate != "DRdemo-79x1.xml" || s.softKeyFile != "SKStandard-User.xml" ||
		s.userLocale != "English_United_States" || s.networkLocale != "United_States" {
		t.Errorf("8841: %+v %v", s, err)
	}
	for in, want := range map[string]string{
		"":           "no root element",
		"<a/><b/>":   "more than one root",
		"text<a/>":   "text outside",
		"<a><b></a>": "element <b> closed by </a>",
		"<a>":        "unexpected EOF",
		"<d><callManager><name>x</name><ports><sipPort>70000</sipPort></ports></callManager></d>": "not a port",
		"<d><callManager><description>x</description></callManager></d>":                          "neither",
		strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100):                                  "nested deeper",
	} {
		if _, err := parseXMLConfig([]byte(in), 0); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40q: %v, want %q", in, err, want)
		}
	}
}

func TestReadNamedFiles(t *testing.T) {
	for _, tc := range []struct {
		read func([]byte) (string, error)
		in   []byte
		note string
	}{
		{readDialTemplate, golden(t, "DRdemo-79x1.xml"), "4 rules"},
		{readDialTemplate, golden(t, "demo-7940.xml"), "4 rules"},
		{readSoftkeys, golden(t, "SKStandard-User.xml"), "12 softkeys"},
		{readRingList, []byte("<CiscoIPPhoneRingList><Ring/></CiscoIPPhoneRingList>"), "1 ring"},
		{readRingDat, []byte("Chirp 1\t\tChirp1.raw\r\nOld Bell\tOldBell.raw\n"), "2 rings"},
		{readLocaleFile("United_States/g3-tones.xml"), []byte("<tones/>"), "<tones>"},
		{readLocaleFile("x/mk-sip.jar"), []byte{0x50, 0x4b, 3, 4}, "4 bytes"},
	} {
		if note, err := tc.read(tc.in); err != nil || note != tc.note {
			t.Errorf("%.30q: %q %v, want %q", tc.in, note, err, tc.note)
		}
	}
	for _, tc := range []struct {
		read func([]byte) (string, error)
		in   string
	}{
		{readDialTemplate, "<softKeyCfg/>"}, {readRingList, "<CiscoIPPhoneRingList>"}, {readRingDat, "no tab here\n"},
		{readLocaleFile("a/g3-tones.xml"), "<tones>"}, {readSoftkeys, ""},
	} {
		if _, err := tc.read([]byte(tc.in)); err == nil {
			t.Errorf("%q read without an error", tc.in)
		}
	}
}

// TestDemoLoads: every .loads of the demo root reads, and every archive
// it names is in the root.
func TestDemoLoads(t *testing.T) {
	root := domain.DemoRoot()
	n := 0
	for name, b := range root {
		if !strings.HasSuffix(name, ".loads") {
			continue
		}
		n++
		l, err := parseLoads(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, a := range l.archives {
			if _, ok := root[a]; !ok {
				t.Errorf("%s names %s, which the demo root lacks", name, a)
			}
		}
	}
	if n < 5 {
		t.Errorf("%d .loads files in the demo root", n)
	}
}
