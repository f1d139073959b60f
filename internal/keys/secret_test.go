package keys_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cmtftp/internal/keys"
)

// TestLoadSecret: the flag's file comes first, then the file
// CMTFTP_KEYS_SECRET_FILE names, then CMTFTP_KEYS_SECRET; a file's line
// end is not part of the secret; a missing or short secret is refused
// with an error naming the three ways, never the secret.
func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flagFile := write("flag", "secret-from-the-flag-file\n")
	envFile := write("env", "secret-from-the-env-file\r\n")
	short := write("short", "tooshort\n")
	for _, tc := range []struct {
		name    string
		file    string
		env     map[string]string
		want    string
		wantErr string // part of the error
	}{
		{"flag first", flagFile, map[string]string{keys.EnvSecretFile: envFile, keys.EnvSecret: "secret-in-the-environment"}, "secret-from-the-flag-file", ""},
		{"env file", "", map[string]string{keys.EnvSecretFile: envFile, keys.EnvSecret: "secret-in-the-environment"}, "secret-from-the-env-file", ""},
		{"env secret", "", map[string]string{keys.EnvSecret: "secret-in-the-environment"}, "secret-in-the-environment", ""},
		{"none", "", nil, "", "--keys-secret-file FILE, or set CMTFTP_KEYS_SECRET_FILE to the path of a file holding it, or CMTFTP_KEYS_SECRET"},
		{"short file", short, nil, "", "has 8 bytes, at least 16"},
		{"short env", "", map[string]string{keys.EnvSecret: "tooshort"}, "", "CMTFTP_KEYS_SECRET has 8 bytes"},
		{"missing file", filepath.Join(dir, "nothing"), nil, "", "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.LoadSecret(tc.file, func(k string) string { return tc.env[k] })
			if tc.wantErr == "" {
				if err != nil || string(got) != tc.want {
					t.Errorf("%q %v, want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "tooshort") {
				t.Errorf("error %v, want one saying %q (and not the secret)", err, tc.wantErr)
			}
			if tc.name != "missing file" && !errors.Is(err, keys.ErrNoSecret) {
				t.Errorf("%v is not ErrNoSecret", err)
			}
		})
	}
}
