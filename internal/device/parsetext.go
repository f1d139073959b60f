package device

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// textOnly checks that b is text: UTF-8 without control characters other
// than tab, CR and LF.
func textOnly(b []byte) error {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return fmt.Errorf("not a text file (byte 0x%02x at offset %d)", c, i)
		}
	}
	if !utf8.Valid(b) {
		return errors.New("not a text file (invalid UTF-8)")
	}
	return nil
}

// eachLine calls f with every line of b (LF or CRLF) and its number from 1.
func eachLine(b []byte, f func(n int, line string) error) error {
	for n := 1; len(b) > 0; n++ {
		line, rest, _ := bytes.Cut(b, []byte{'\n'})
		if err := f(n, string(bytes.TrimSuffix(line, []byte{'\r'}))); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		b = rest
	}
	return nil
}

// keyName reports whether s is a key of a key: value file.
func keyName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseKV reads a key: value text, the syntax of the 7940/7960 SIP files
// (spec §5.1) and of cmtftp's legacy .cnf: one key: value a line, # starts
// a comment line, spaces may surround the key, a value in "quotes" may
// hold spaces, and ; starts a trailing comment. A later key overrides an
// earlier one.
func parseKV(b []byte) (map[string]string, error) {
	return keyValues(b, kvSyntax{form: "key: value", spacedKey: true, value: kvValue})
}

// kvSyntax is what differs between the key/value texts: how a line is
// called in errors, whether spaces may surround the key, and how the
// value (after the colon, spaces trimmed) is read.
type kvSyntax struct {
	form      string
	spacedKey bool
	value     func(string) (string, error)
	key       func(string) bool // what a key may be; nil: keyName
}

// keyOK reports whether k is a key of the syntax.
func (syn kvSyntax) keyOK(k string) bool {
	if syn.key == nil {
		return keyName(k)
	}
	return syn.key(k)
}

// keyValues reads a key/value text of syntax syn: blank lines and lines
// beginning with # are skipped, every other line is KEY:VALUE with KEY a
// key name. A later key overrides an earlier one.
func keyValues(b []byte, syn kvSyntax) (map[string]string, error) {
	if err := textOnly(b); err != nil {
		return nil, err
	}
	kv := map[string]string{}
	err := eachLine(b, func(_ int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			return nil
		}
		k, v, ok := strings.Cut(line, ":")
		if syn.spacedKey {
			k = strings.TrimSpace(k)
		}
		if !ok || !syn.keyOK(k) {
			return fmt.Errorf("%q is not %s", cut(line, 40), syn.form)
		}
		v, err := syn.value(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		kv[k] = v
		return nil
	})
	return kv, err
}

// kvValue reads the value of a key: value line.
func kvValue(v string) (string, error) {
	if !strings.HasPrefix(v, `"`) {
		v, _, _ = strings.Cut(v, ";")
		return strings.TrimSpace(v), nil
	}
	end := strings.IndexByte(v[1:], '"')
	if end < 0 {
		return "", errors.New("a quote is not closed")
	}
	if rest := strings.TrimSpace(v[end+2:]); rest != "" && rest[0] != ';' {
		return "", fmt.Errorf("%q after the closing quote", cut(rest, 20))
	}
	return v[1 : end+1], nil
}

// plural says "1 ring", "2 rings".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// sipProxies is the call-control list of a 7940/7960 SIP configuration:
// proxy1_address … proxy6_address (each with its proxyN_port, default
// 5060), then proxy_backup and proxy_emergency.
func sipProxies(kv map[string]string) ([]CallManager, error) {
	var out []CallManager
	add := func(name, host, port string, backup bool) error {
		if host == "" || strings.EqualFold(host, "UNPROVISIONED") || strings.EqualFold(host, "USECALLMANAGER") {
			return nil
		}
		p, err := parsePort(port)
		if err != nil {
			return fmt.Errorf("%s_port: %w", name, err)
		}
		if p == 0 {
			p = 5060
		}
		out = append(out, CallManager{Name: name, Host: host, SIPPort: p, Secondary: backup})
		return nil
	}
	for i := 1; i <= 6; i++ {
		n := "proxy" + strconv.Itoa(i)
		if err := add(n, kv[n+"_address"], kv[n+"_port"], false); err != nil {
			return nil, err
		}
	}
	for _, n := range []string{"proxy_backup", "proxy_emergency"} {
		if err := add(n, kv[n], kv[n+"_port"], true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// legacyCallManagers is the call-control list of a legacy .cnf:
// callManager1 … callManager5, each "HOST PORT".
func legacyCallManagers(kv map[string]string) ([]CallManager, error) {
	var out []CallManager
	for i := 1; i <= 5; i++ {
		k := "callManager" + strconv.Itoa(i)
		v, ok := kv[k]
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 || len(f) > 2 {
			return nil, fmt.Errorf("%s: %q is not \"HOST PORT\"", k, v)
		}
		cm := CallManager{Name: k, Host: f[0], SCCPPort: 2000}
		if len(f) == 2 {
			p, err := parsePort(f[1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			cm.SCCPPort = p
		}
		out = append(out, cm)
	}
	return out, nil
}

// parseProfile reads the text form of a 7902/7905/7912 profile (spec §6):
// a first line beginning #txt, # comment lines, Parameter:value lines (no
// space before the colon; the value is taken whole). The cfgfmt binary
// the phone really reads cannot be read here: it is broken.
func parseProfile(b []byte) (map[string]string, error) {
	if !bytes.HasPrefix(b, []byte("#txt")) {
		return nil, errors.New("not a #txt profile (a cfgfmt binary cannot be read by the emulator)")
	}
	return keyValues(b, kvSyntax{form: "Parameter:value", value: func(v string) (string, error) { return v, nil }})
}

// profileProxy is the call control of a profile: its Proxy, an address, a
// name, or an "extended IP" a.b.c.d.port (spec §6); port 5060 unless
// given.
func profileProxy(kv map[string]string) ([]CallManager, error) {
	v := kv["Proxy"]
	if v == "" {
		return nil, nil
	}
	if strings.ContainsAny(v, " \t") {
		return nil, fmt.Errorf("Proxy %q is not an address", v)
	}
	cm := CallManager{Name: "Proxy", Host: v, SIPPort: 5060}
	if i := strings.LastIndexByte(v, '.'); i > 0 && strings.Count(v, ".") == 4 {
		if a, err := netip.ParseAddr(v[:i]); err == nil && a.Is4() {
			p, err := parsePort(v[i+1:])
			if err != nil {
				return nil, fmt.Errorf("Proxy %q: %w", v, err)
			}
			cm.Host, cm.SIPPort = a.String(), p
		}
	}
	return []CallManager{cm}, nil
}

// readRingDat reads a RINGLIST.DAT (spec §5.4): one ring a line, the
// display name, tabs, the file name.
func readRingDat(b []byte) (string, error) {
	if err := textOnly(b); err != nil {
		return "", err
	}
	n := 0
	err := eachLine(b, func(_ int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		name, file, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(file) == "" {
			return fmt.Errorf("%q is not NAME<TAB>FILE", cut(line, 40))
		}
		n++
		return nil
	})
	return plural(n, "ring"), err
}
