package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/timeline"
)

// TestResetSIP restarts phones from the server against "serve --demo": a
// 7940 played by "cmtftp simulate --sip-listen" answers the check-sync
// NOTIFY and fetches its files again, which its timeline shows after the
// NOTIFY; an SCCP phone is not sent anything; an 8841 whose user agent is
// not running gives no answer. The SIP port is the demo SIP profile's
// voipControlPort, set for the test.
func TestResetSIP(t *testing.T) {
	dir := t.TempDir()
	admin := freeTCP(t)
	tftp := "127.0.0.1:" + strconv.Itoa(freePort(t))
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", tftp, "--admin-addr", admin)
	sipPort := strconv.Itoa(freePort(t))
	mustCLI(t, admin, "sipprofile", "set", "Standard SIP Profile", "--voip-control-port", sipPort)

	sim := startSIPPhone(t, "--mac", "0000DE000003", "--model", "7940", "--protocol", "sip", "--tftp", tftp,
		"--sip-listen", "127.0.0.1:"+sipPort, "--sip-resets", "1", "--sip-wait", "60s")
	out := mustCLI(t, admin, "device", "restart", "SEP0000DE000003")
	for _, want := range []string{"SEP0000DE000003", "SIP", "127.0.0.1:" + sipPort, "check-sync", "answered 200"} {
		if !strings.Contains(out, want) {
			t.Errorf("restart output lacks %q:\n%s", want, out)
		}
	}
	if code, simOut := sim.wait(t); code != 0 || !strings.Contains(simOut, "SIP NOTIFY check-sync") {
		t.Errorf("simulate exit %d:\n%s", code, simOut)
	}
	checkResetTimeline(t, admin, "SEP0000DE000003", "NOTIFY check-sync", "SIP0000DE000003.cnf")

	out, _, err := cli(t, admin, nil, "device", "reset", "SEP0000DE000001")
	if exitCode(err) != 1 || !strings.Contains(out, "not-sent") || !strings.Contains(out, "SCCP phones are reset by their call-control server") {
		t.Errorf("SCCP reset: exit %d (%v):\n%s", exitCode(err), err, out)
	}

	var r struct{}
	if code := simulate(t, &r, "--mac", "0000DE000006", "--model", "8841", "--protocol", "sip", "--tftp", tftp); code != 0 {
		t.Fatalf("8841 boot: exit %d", code)
	}
	out, _, err = cli(t, admin, nil, "device", "restart", "SEP0000DE000006")
	if exitCode(err) != 1 || !strings.Contains(out, "service-control") || !strings.Contains(out, "no-answer") {
		t.Errorf("reset of a phone not listening: exit %d (%v):\n%s", exitCode(err), err, out)
	}
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// sipPhone is a running "cmtftp simulate --sip-listen".
type sipPhone struct {
	cmd  *exec.Cmd
	out  strings.Builder
	done chan struct{}
}

// startSIPPhone starts simulate with args and waits until it has booted
// and listens for SIP, reading its stderr rather than sleeping.
func startSIPPhone(t *testing.T, args ...string) *sipPhone {
	t.Helper()
	p := &sipPhone{cmd: exec.Command(binary, append([]string{"simulate"}, args...)...), done: make(chan struct{})}
	p.cmd.Stdout = &p.out
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(p.cmd) })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "waiting for SIP NOTIFY") {
				close(ready)
				break
			}
		}
		io.Copy(io.Discard, stderr)
		close(p.done)
	}()
	select {
	case <-ready:
	case <-p.done:
		t.Fatalf("simulate ended before listening for SIP:\n%s", p.out.String())
	case <-time.After(30 * time.Second):
		t.Fatal("simulate did not start listening for SIP")
	}
	return p
}

// wait waits (at most 30 s) for simulate to end, and returns its exit
// status and output.
func (p *sipPhone) wait(t *testing.T) (int, string) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("simulate did not end after the reset")
	}
	p.cmd.Wait()
	return p.cmd.ProcessState.ExitCode(), p.out.String()
}

// checkResetTimeline checks that "cmtftp device timeline" shows the NOTIFY
// answered 200, then the phone's second fetch of its configuration.
func checkResetTimeline(t *testing.T, admin, device, notify, config string) {
	t.Helper()
	var entries []timeline.Entry
	if err := json.Unmarshal([]byte(mustCLI(t, admin, "device", "timeline", device, "-o", "json")), &entries); err != nil {
		t.Fatal(err)
	}
	sipAt, before, after := -1, 0, 0
	for i, e := range entries {
		switch {
		case e.Protocol == "sip" && e.Name == notify && e.Result == "200":
			sipAt = i
		case e.Name == config && e.Result == "completed" && sipAt < 0:
			before++
		case e.Name == config && e.Result == "completed":
			after++
		}
	}
	if sipAt < 0 || before != 1 || after != 1 {
		t.Errorf("timeline of %s: want %s → 200 between two fetches of %s: %+v", device, notify, config, entries)
	}
}
