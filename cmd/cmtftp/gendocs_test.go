package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenDocs writes the man pages and completions and checks the pages of
// a few visible commands (none for the hidden gen-docs), that bash accepts
// its completion script's syntax and that the others name the command.
func TestGenDocs(t *testing.T) {
	dir := t.TempDir()
	root := newRoot()
	root.SetArgs([]string{"gen-docs", "--man", filepath.Join(dir, "man"), "--completions", filepath.Join(dir, "completions")})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"cmtftp.1", "cmtftp-serve.1", "cmtftp-device-list.1"} {
		b, err := os.ReadFile(filepath.Join(dir, "man", page))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), ".nh\n.TH \"CMTFTP\" \"1\"") {
			t.Errorf("%s does not start as a section 1 page: %.80q", page, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "cmtftp-gen-docs.1")); err == nil {
		t.Error("the hidden gen-docs command has a man page")
	}
	out, err := exec.Command("bash", "-n", filepath.Join(dir, "completions", "cmtftp.bash")).CombinedOutput()
	if err != nil {
		t.Errorf("bash -n cmtftp.bash: %v\n%s", err, out)
	}
	for _, f := range []string{"_cmtftp", "cmtftp.fish"} {
		if b, err := os.ReadFile(filepath.Join(dir, "completions", f)); err != nil || !strings.Contains(string(b), "cmtftp") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestVersionString(t *testing.T) {
	if got := versionString(); got != "dev" && !strings.HasPrefix(got, "v") {
		t.Errorf("versionString() = %q without -X main.version", got)
	}
}
