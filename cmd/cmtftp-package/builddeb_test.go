package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubBuild fills a build folder as scripts/package does, with small
// stand-ins for the binary, the man pages and the completions.
func stubBuild(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := []string{"cmtftp", "man/cmtftp.1.gz", "man/cmtftp-serve.1.gz", "completions/cmtftp.bash", "completions/_cmtftp", "completions/cmtftp.fish"}
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("stub "+f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func dpkgDeb(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestPackagingConfig builds packaging/nfpm.yaml, the real configuration,
// and reads the package back with dpkg-deb.
func TestPackagingConfig(t *testing.T) {
	build, out := stubBuild(t), t.TempDir()
	t.Chdir("../..")
	path, err := BuildDeb("packaging/nfpm.yaml", map[string]string{"CMTFTP_VERSION": "1.2.3~rc.1", "CMTFTP_BUILD": build}, out)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "cmtftp_1.2.3~rc.1_amd64.deb"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	fields := map[string]string{"Package": "cmtftp", "Version": "1.2.3~rc.1", "Architecture": "amd64", "Depends": "adduser"}
	for k, want := range fields {
		if got := strings.TrimSpace(dpkgDeb(t, "-f", path, k)); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	contents := dpkgDeb(t, "--contents", path)
	for _, want := range []string{"./usr/bin/cmtftp", "./usr/lib/systemd/system/cmtftp.service", "./etc/cmtftp/cmtftp.yaml", "./usr/share/man/man1/cmtftp-serve.1.gz", "./usr/share/bash-completion/completions/cmtftp", "./usr/share/zsh/vendor-completions/_cmtftp", "./usr/share/fish/vendor_completions.d/cmtftp.fish", "./var/lib/cmtftp/"} {
		if !strings.Contains(contents, want) {
			t.Errorf("package lacks %s:\n%s", want, contents)
		}
	}
	ctl := t.TempDir()
	dpkgDeb(t, "--control", path, ctl)
	conffiles, err := os.ReadFile(filepath.Join(ctl, "conffiles"))
	if err != nil || strings.TrimSpace(string(conffiles)) != "/etc/cmtftp/cmtftp.yaml" {
		t.Errorf("conffiles %q, %v; want /etc/cmtftp/cmtftp.yaml", conffiles, err)
	}
	if strings.Contains(contents, "./srv/") {
		t.Errorf("the package ships /srv (dpkg would remove an empty /srv no other package owns):\n%s", contents)
	}
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		if fi, err := os.Stat(filepath.Join(ctl, s)); err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("maintainer script %s: %v, %v", s, fi, err)
		}
	}
}

func TestBuildDebRefusesUnknownVariable(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nfpm.yaml")
	body := "name: x\narch: amd64\nversion: ${CMTFTP_VERSION}\ncontents:\n  - src: ${HOME}/x\n    dst: /x\n    expand: true\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := BuildDeb(conf, map[string]string{"CMTFTP_VERSION": "1"}, dir)
	if !errors.Is(err, ErrUnknownVariable) || !strings.Contains(err.Error(), "HOME") {
		t.Fatalf("err %v, want ErrUnknownVariable naming HOME", err)
	}
}

func TestRunRefuses(t *testing.T) {
	tests := [][]string{
		{"-version", "1:2", "-build", "x"},
		{"-version", "1.0"},
		{"-describe", "v1.0", "-date", "today"},
		{"extra"},
	}
	for _, args := range tests {
		var out strings.Builder
		if err := run(args, &out); err == nil {
			t.Errorf("run(%q) succeeded: %s", args, out.String())
		}
	}
}

func TestRunDescribe(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-describe", "v1.0.0-2-gabcdef0", "-date", "20261203"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "1.0.0+git20261203.2.abcdef0\n" {
		t.Errorf("printed %q", got)
	}
}
