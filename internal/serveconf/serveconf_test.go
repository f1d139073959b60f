package serveconf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// testFlags is a small set shaped like serve's.
func testFlags() *pflag.FlagSet {
	fl := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fl.String(ConfigFlag, DefaultPath, "")
	fl.String("db", "", "")
	fl.String("root", "", "")
	fl.StringArray("tftp-addr", nil, "")
	fl.StringSlice("provisioning-nets", []string{"127.0.0.1/32", "::1/128"}, "")
	fl.Int("max-serving-count", 500, "")
	fl.String("log-level", "info", "")
	fl.Bool("demo", false, "")
	fl.Duration("heartbeat", 0, "")
	return fl
}

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeConf(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cmtftp.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func get(r Result, name string) Setting {
	for _, s := range r.Settings {
		if s.Name == name {
			return s
		}
	}
	return Setting{}
}

func TestPrecedence(t *testing.T) {
	file := "db: sqlite:/file.db\nroot: /srv/file\ntftp-addr: [\":69\", \"127.0.0.1:6969\"]\nlog-level: warn\nmax-serving-count: 7\nprovisioning-nets: 10.0.0.0/8\n"
	cases := []struct {
		name, setting string
		args          []string
		env           []string
		want, from    string
	}{
		{"default", "heartbeat", nil, nil, "0s", "default"},
		{"file", "db", nil, nil, "sqlite:/file.db", "file F:1"},
		{"file sequence", "tftp-addr", nil, nil, ":69,127.0.0.1:6969", "file F:3"},
		{"file scalar for a list", "provisioning-nets", nil, nil, "10.0.0.0/8", "file F:6"},
		{"env beats file", "root", nil, []string{"CMTFTP_ROOT", "/srv/env"}, "/srv/env", "env CMTFTP_ROOT"},
		{"env list", "tftp-addr", nil, []string{"CMTFTP_TFTP_ADDR", "[::1]:1, 127.0.0.1:2"}, "[::1]:1,127.0.0.1:2", "env CMTFTP_TFTP_ADDR"},
		{"env empty list", "provisioning-nets", nil, []string{"CMTFTP_PROVISIONING_NETS", ""}, "", "env CMTFTP_PROVISIONING_NETS"},
		{"env over default", "demo", nil, []string{"CMTFTP_DEMO", "true"}, "true", "env CMTFTP_DEMO"},
		{"flag beats env", "log-level", []string{"--log-level", "debug"}, []string{"CMTFTP_LOG_LEVEL", "error"}, "debug", "flag"},
		{"flag beats file", "max-serving-count", []string{"--max-serving-count=9"}, nil, "9", "flag"},
		{"flag list beats file", "tftp-addr", []string{"--tftp-addr", ":1", "--tftp-addr", ":2"}, nil, ":1,:2", "flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeConf(t, file)
			fl := testFlags()
			if err := fl.Parse(append([]string{"--config", p}, c.args...)); err != nil {
				t.Fatal(err)
			}
			r, err := Load(fl, Options{LookupEnv: env(c.env...)})
			if err != nil {
				t.Fatal(err)
			}
			s := get(r, c.setting)
			from := strings.ReplaceAll(s.From, p, "F")
			if s.Value != c.want || from != c.from {
				t.Errorf("%s = %q from %q, want %q from %q", c.setting, s.Value, from, c.want, c.from)
			}
			if r.File != p {
				t.Errorf("File = %q, want %q", r.File, p)
			}
		})
	}
}

func TestConfigFileChoice(t *testing.T) {
	p := writeConf(t, "root: /chosen\n")
	missing := filepath.Join(t.TempDir(), "none.yaml")
	cases := []struct {
		name     string
		args     []string
		env      []string
		def      string
		wantRoot string
		wantErr  error
	}{
		{"default file", nil, nil, p, "/chosen", nil},
		{"missing default is none", nil, nil, missing, "", nil},
		{"env names the file", nil, []string{"CMTFTP_CONFIG", p}, missing, "/chosen", nil},
		{"env empty is none", nil, []string{"CMTFTP_CONFIG", ""}, p, "", nil},
		{"flag empty is none", []string{"--config="}, []string{"CMTFTP_CONFIG", p}, p, "", nil},
		{"missing explicit file", []string{"--config", missing}, nil, p, "", fs.ErrNotExist},
		{"missing env file", nil, []string{"CMTFTP_CONFIG", missing}, p, "", fs.ErrNotExist},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fl := testFlags()
			if err := fl.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			r, err := Load(fl, Options{LookupEnv: env(c.env...), Default: c.def})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if err == nil && get(r, "root").Value != c.wantRoot {
				t.Errorf("root = %q, want %q", get(r, "root").Value, c.wantRoot)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	cases := []struct {
		name, body string
		env        []string
		line       int
		is         error
		text       string
	}{
		{"unknown with suggestion", "root: /srv\n\n# c\ntftp-adr: [\":69\"]\n", nil, 4, ErrUnknownSetting, `unknown setting "tftp-adr" (did you mean "tftp-addr"?)`},
		{"unknown far from any", "root: /srv\nzzzzzz: 1\n", nil, 2, ErrUnknownSetting, `unknown setting "zzzzzz"`},
		{"first unknown by line", "nope2: 1\nroot: /x\nnope1: 2\n", nil, 1, ErrUnknownSetting, `"nope2"`},
		{"config is not a setting", "config: /x\n", nil, 1, ErrUnknownSetting, `"config"`},
		{"bad value", "root: /srv\nmax-serving-count: lots\n", nil, 2, nil, `max-serving-count: invalid value "lots"`},
		{"bad bool", "demo: maybe\n", nil, 1, nil, `demo: invalid value "maybe"`},
		{"sequence for one value", "\nroot: [a, b]\n", nil, 2, ErrNotList, "root takes one value"},
		{"nested", "root:\n  a: b\n", nil, 2, ErrNested, "root: want a value"},
		{"nested in a sequence", "tftp-addr:\n  - [a]\n", nil, 2, ErrNested, "tftp-addr: want"},
		{"duplicate", "root: a\ndb: b\nroot: c\n", nil, 3, ErrDuplicate, `"root" set twice (first on line 1)`},
		{"not a mapping", "- root\n", nil, 1, ErrNotMapping, "flat mapping"},
		{"yaml syntax", "root: /srv\ndb: a: b\n", nil, 2, nil, "mapping values are not allowed"},
		{"yaml tab", "root: /srv\n\tdb: x\n", nil, 2, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeConf(t, c.body)
			fl := testFlags()
			if err := fl.Parse([]string{"--config", p}); err != nil {
				t.Fatal(err)
			}
			_, err := Load(fl, Options{LookupEnv: env(c.env...)})
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if fe.File != p || fe.Line != c.line {
				t.Errorf("at %s:%d, want %s:%d (%v)", fe.File, fe.Line, p, c.line, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("err = %v, want %v", err, c.is)
			}
			if !strings.HasPrefix(err.Error(), p+":") || !strings.Contains(err.Error(), c.text) {
				t.Errorf("err = %q, want %q after %s:LINE:", err, c.text, p)
			}
		})
	}
}

func TestEnvBadValue(t *testing.T) {
	fl := testFlags()
	if err := fl.Parse([]string{"--config="}); err != nil {
		t.Fatal(err)
	}
	_, err := Load(fl, Options{LookupEnv: env("CMTFTP_MAX_SERVING_COUNT", "x")})
	if err == nil || !strings.Contains(err.Error(), "CMTFTP_MAX_SERVING_COUNT") {
		t.Fatalf("err = %v, want one naming CMTFTP_MAX_SERVING_COUNT", err)
	}
}

func TestEmptyFiles(t *testing.T) {
	for _, body := range []string{"", "# only a comment\n", "---\n"} {
		p := writeConf(t, body)
		fl := testFlags()
		if err := fl.Parse([]string{"--config", p}); err != nil {
			t.Fatal(err)
		}
		r, err := Load(fl, Options{})
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if s := get(r, "log-level"); s.Value != "info" || s.From != "default" {
			t.Errorf("%q: log-level %q from %s", body, s.Value, s.From)
		}
	}
}

func TestReplay(t *testing.T) {
	p := writeConf(t, "log-level: warn\nroot: /a\n")
	fl := testFlags()
	if err := fl.Parse([]string{"--config", p, "--root", "/flag", "--tftp-addr", ":1"}); err != nil {
		t.Fatal(err)
	}
	first, err := Load(fl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("log-level: debug\nroot: /b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	again := testFlags()
	if err := first.Replay(again); err != nil {
		t.Fatal(err)
	}
	r, err := Load(again, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"log-level": "debug", "root": "/flag", "tftp-addr": ":1"} {
		if got := get(r, name).Value; got != want {
			t.Errorf("after replay %s = %q, want %q", name, got, want)
		}
	}
	if get(r, "root").From != "flag" || get(r, "log-level").From != "file "+p+":1" {
		t.Errorf("sources: root %s, log-level %s", get(r, "root").From, get(r, "log-level").From)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"tftp-addr", "http-addr", "admin-addr", "log-level", "root"}
	for in, want := range map[string]string{"tftp-adr": "tftp-addr", "log-levle": "log-level", "rot": "root", "xyzzy": "", "adminaddr": "admin-addr"} {
		if got := suggest(in, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseFile(f *testing.F) {
	for _, s := range []string{"root: /srv\ntftp-addr: [\":69\"]\n", "a: [b, c]\n", "- x\n", "a:\n  b: c\n", "a: &x 1\nb: *x\n", "", "a: [\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseFile("f.yaml", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != "f.yaml" {
				t.Fatalf("error %v is not a *FileError of f.yaml", err)
			}
			return
		}
		for k, e := range entries {
			if e.line < 1 || e.values == nil || (!e.seq && len(e.values) != 1) {
				t.Fatalf("entry %q = %+v", k, e)
			}
		}
	})
}
