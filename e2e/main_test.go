// Package e2e tests the cmtftp binary from the outside: real clients no one
// here wrote, a network namespace with packet loss, the commands an admin
// types. TestMain builds the binary once.
package e2e

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cmtftp-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "cmtftp")
	// No server of these tests reads the machine's /etc/cmtftp/cmtftp.yaml
	// (a package test installs one): an empty CMTFTP_CONFIG is no file.
	os.Setenv("CMTFTP_CONFIG", "")
	build := exec.Command("go", "build", "-o", binary, "cmtftp/cmd/cmtftp")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building cmtftp:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTool fails the test loudly when a client it needs is missing: the
// tests cover these clients, so passing without them would be a lie.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed; ./scripts/test installs it (apt-get)", name)
	}
	return p
}

// freePort finds a UDP port free on both 127.0.0.1 and [::1].
func freePort(t testing.TB) int {
	t.Helper()
	for range 50 {
		c4, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := c4.LocalAddr().(*net.UDPAddr).Port
		c6, err := net.ListenPacket("udp6", fmt.Sprintf("[::1]:%d", port))
		c4.Close()
		if err == nil {
			c6.Close()
			return port
		}
	}
	t.Fatal("no free UDP port")
	return 0
}

// startServe runs "cmtftp serve" with args (prefixed by a command such as
// "ip netns exec NS" when given) and waits until every listener is up,
// reading its log rather than sleeping.
func startServe(t testing.TB, prefix []string, listeners int, args ...string) *exec.Cmd {
	t.Helper()
	return startServeIn(t, "", prefix, listeners, args...)
}

// startServeIn is startServe with the server's working directory set.
func startServeIn(t testing.TB, dir string, prefix []string, listeners int, args ...string) *exec.Cmd {
	t.Helper()
	// Each server gets its own database, and no admin listener unless the
	// test asks for one, so tests never share state or ports.
	if !hasFlag(args, "--db") {
		args = append(args, "--db", "sqlite:"+filepath.Join(t.TempDir(), "cmtftp.db"))
	}
	if !hasFlag(args, "--admin-addr") {
		args = append(args, "--admin-addr=")
	}
	if !hasFlag(args, "--config") {
		args = append(args, "--config=")
	}
	if !hasFlag(args, "--http-addr") {
		args = append(args, "--http-addr=")
	}
	argv := append(append(append([]string{}, prefix...), binary, "serve"), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(cmd) })
	ready := make(chan struct{})
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			if n < listeners && strings.Contains(line, "tftp listening") {
				if n++; n == listeners {
					close(ready)
				}
			}
			if testing.Verbose() {
				fmt.Fprintln(os.Stderr, "serve:", line)
			}
			log.WriteString(line + "\n")
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatalf("cmtftp serve did not start")
	}
	return cmd
}

// stop interrupts a process the test started and waits for it, killing
// it when it has not ended within 5 s.
func stop(cmd *exec.Cmd) {
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

func randomFile(t testing.TB, dir, name string, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}
