package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestInterop has clients no one here wrote fetch a 1 MiB random file
// byte-exact from "cmtftp serve", over IPv4 and IPv6.
func TestInterop(t *testing.T) {
	root := t.TempDir()
	want := randomFile(t, root, "load.bin", 1<<20)
	port := freePort(t)
	p := strconv.Itoa(port)
	startServe(t, nil, 2, "--root", root, "--tftp-addr", "127.0.0.1:"+p, "--tftp-addr", "[::1]:"+p)

	curl, tftp, atftp, busybox := needTool(t, "curl"), needTool(t, "tftp"), needTool(t, "atftp"), needTool(t, "busybox")
	clients := []struct {
		name string
		argv func(out string) []string
		// toFile is false when the client writes to standard output.
		toFile bool
	}{
		{"curl", func(string) []string {
			return []string{curl, "-sS", "--fail", fmt.Sprintf("tftp://127.0.0.1:%d/load.bin", port)}
		}, false},
		{"curl blksize 1428", func(string) []string {
			return []string{curl, "-sS", "--tftp-blksize", "1428", fmt.Sprintf("tftp://127.0.0.1:%d/load.bin", port)}
		}, false},
		{"curl IPv6", func(string) []string {
			return []string{curl, "-sS", "-g", fmt.Sprintf("tftp://[::1]:%d/load.bin", port)}
		}, false},
		{"tftp-hpa", func(out string) []string {
			return []string{tftp, "-m", "binary", "127.0.0.1", p, "-c", "get", "load.bin", out}
		}, true},
		{"tftp-hpa IPv6", func(out string) []string {
			return []string{tftp, "-6", "-m", "binary", "::1", p, "-c", "get", "load.bin", out}
		}, true},
		{"atftp blksize 1428", func(out string) []string {
			return []string{atftp, "--option", "blksize 1428", "-g", "-r", "load.bin", "-l", out, "127.0.0.1", p}
		}, true},
		{"atftp", func(out string) []string { return []string{atftp, "-g", "-r", "load.bin", "-l", out, "127.0.0.1", p} }, true},
		{"busybox", func(out string) []string {
			return []string{busybox, "tftp", "-g", "-r", "load.bin", "-l", out, "127.0.0.1", p}
		}, true},
		{"busybox blksize 1024", func(out string) []string {
			return []string{busybox, "tftp", "-b", "1024", "-g", "-r", "load.bin", "-l", out, "127.0.0.1", p}
		}, true},
	}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.bin")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			argv := c.argv(out)
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\n%s", argv, err, stderr.String())
			}
			got := stdout.Bytes()
			if c.toFile {
				var err error
				if got, err = os.ReadFile(out); err != nil {
					t.Fatalf("%v wrote no file: %v\n%s", argv, err, stderr.String())
				}
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s fetched %d bytes, not the %d bytes served (or they differ)", c.name, len(got), len(want))
			}
		})
	}
	// A missing file is reported as such to a real client: curl's exit code
	// 68 is CURLE_TFTP_NOTFOUND.
	cmd := exec.Command(curl, "-sS", fmt.Sprintf("tftp://127.0.0.1:%d/missing.bin", port))
	if out, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != 68 {
		t.Fatalf("curl on a missing file: err %v, output %q (want exit 68, file not found)", err, out)
	}
}

// TestGetCommand runs "cmtftp get" against "cmtftp serve --demo" as the
// README tells a newcomer to.
func TestGetCommand(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(freePort(t))
	startServe(t, nil, 2, "--demo", "--tftp-addr", "127.0.0.1:"+port, "--tftp-addr", "[::1]:"+port)
	// serve --demo writes its root relative to its working directory: the
	// test's, so look there.
	want, err := os.ReadFile(filepath.Join("cmtftp-demo", "tftp", "jar41sip.9-4-2SR3-1S.sbn"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll("cmtftp-demo") })
	out := filepath.Join(dir, "load")
	get := exec.Command(binary, "get", "--blksize", "1428", "--windowsize", "16", "--tsize", "[::1]:"+port, "jar41sip.9-4-2SR3-1S.sbn", "-o", out)
	if b, err := get.CombinedOutput(); err != nil {
		t.Fatalf("cmtftp get: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	if len(want) != 4<<20 || !bytes.Equal(got, want) {
		t.Fatalf("demo load: got %d bytes, want %d", len(got), len(want))
	}
	miss := exec.Command(binary, "get", "127.0.0.1:"+port, "nope.xml", "-o", filepath.Join(dir, "nope"))
	if b, err := miss.CombinedOutput(); err == nil || !bytes.Contains(b, []byte("File not found")) {
		t.Fatalf("get of a missing file: %v %s", err, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); !os.IsNotExist(err) {
		t.Fatalf("a failed get left a file behind: %v", err)
	}
	// -o naming a FIFO (or a device such as /dev/null) writes into it; it
	// must not be replaced by a regular file.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		read <- b
	}()
	if b, err := exec.Command(binary, "get", "127.0.0.1:"+port, "RingList.xml", "-o", fifo).CombinedOutput(); err != nil {
		t.Fatalf("get -o FIFO: %v\n%s", err, b)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("get -o replaced the FIFO with a regular file: %v %v", st.Mode(), err)
	}
	select {
	case got := <-read:
		if !bytes.Contains(got, []byte("CiscoIPPhoneRingList")) {
			t.Fatalf("FIFO carried %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing was written into the FIFO")
	}
	bench := exec.Command(binary, "bench", "--server", "127.0.0.1:"+port, "--file", "RingList.xml", "-c", "8", "-n", "500", "--json")
	if b, err := bench.CombinedOutput(); err != nil || !bytes.Contains(b, []byte(`"transfers": 500`)) {
		t.Fatalf("cmtftp bench: %v\n%s", err, b)
	}
}
