package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/tftpclient"
)

// Documentation addresses (RFC 5737) that exist only on the veth pair the
// test makes: the server's inside its namespace, the relay's outside.
const (
	lossServerIP = "192.0.2.1"
	lossRelayIP  = "192.0.2.2"
)

func run(t *testing.T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// lossNamespace makes a network namespace holding one end of a veth pair
// (192.0.2.1) and drops 10% of UDP packets in both directions inside it
// with nftables (this kernel has no netem). Everything is removed at the end.
func lossNamespace(t *testing.T) (ns string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the loss test needs root to create a network namespace (CI runs as root); run ./scripts/test as root")
	}
	needTool(t, "ip")
	needTool(t, "nft")
	id := os.Getpid() % 100000
	ns = fmt.Sprintf("cmtftp-loss-%d", id)
	outer, inner := fmt.Sprintf("ctl%da", id), fmt.Sprintf("ctl%db", id)
	exec.Command("ip", "netns", "del", ns).Run() // a leftover from a killed run
	exec.Command("ip", "link", "del", outer).Run()
	run(t, "ip", "netns", "add", ns)
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", ns).Run()
		exec.Command("ip", "link", "del", outer).Run()
	})
	run(t, "ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
	run(t, "ip", "link", "set", inner, "netns", ns)
	run(t, "ip", "addr", "add", lossRelayIP+"/30", "dev", outer)
	run(t, "ip", "link", "set", outer, "up")
	run(t, "ip", "netns", "exec", ns, "ip", "addr", "add", lossServerIP+"/30", "dev", inner)
	run(t, "ip", "netns", "exec", ns, "ip", "link", "set", inner, "up")
	run(t, "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
	rules := `table inet cmtftp_loss {
  chain in { type filter hook input priority 0; meta l4proto udp numgen random mod 10 < 1 drop; }
  chain out { type filter hook output priority 0; meta l4proto udp numgen random mod 10 < 1 drop; }
}`
	cmd := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nft: %v\n%s", err, out)
	}
	return ns
}

// TestLoss: 10% loss each way, 5% duplication and 25% reordering; 20
// transfers of 1 MiB in lockstep and 20 with windowsize 16, all byte-exact.
func TestLoss(t *testing.T) {
	ns := lossNamespace(t)
	root := t.TempDir()
	want := randomFile(t, root, "load.bin", 1<<20)
	startServe(t, []string{"ip", "netns", "exec", ns}, 1, "--root", root, "--tftp-addr", lossServerIP+":69",
		"--retransmit-timeout", "20ms", "--retries", "30", "--transfer-timeout", "120s")

	r := newRelay(t, netip.MustParseAddrPort(lossRelayIP+":0"), netip.MustParseAddrPort(lossServerIP+":69"), 0.05, 0.25)
	modes := map[string]tftpclient.Client{
		"lockstep":     {BlockSize: 1428, Timeout: 60 * time.Millisecond, Retries: 30, Dally: 100 * time.Millisecond},
		"windowsize16": {BlockSize: 1428, WindowSize: 16, Timeout: 60 * time.Millisecond, Retries: 30, Dally: 100 * time.Millisecond},
	}
	for name, c := range modes {
		t.Run(name, func(t *testing.T) {
			const transfers, parallel = 20, 5
			var wg sync.WaitGroup
			errs := make(chan error, transfers)
			jobs := make(chan int, transfers)
			for i := range transfers {
				jobs <- i
			}
			close(jobs)
			start := time.Now()
			for range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range jobs {
						ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
						var buf bytes.Buffer
						_, err := c.Get(ctx, r.addr(), "load.bin", &buf)
						cancel()
						if err == nil && !bytes.Equal(buf.Bytes(), want) {
							err = fmt.Errorf("transfer %d: %d bytes, differ from the file", i, buf.Len())
						}
						if err != nil {
							errs <- fmt.Errorf("transfer %d: %w", i, err)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			t.Logf("%s: %d transfers of 1 MiB in %v through 10%%/10%% loss (relay so far: %d duplicated, %d held back)",
				name, transfers, time.Since(start).Round(time.Millisecond), r.dups.Load(), r.held.Load())
		})
	}
	if r.dups.Load() == 0 || r.held.Load() == 0 {
		t.Fatalf("the relay did not impair: %d duplicated, %d held back", r.dups.Load(), r.held.Load())
	}
}
