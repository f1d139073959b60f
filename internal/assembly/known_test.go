package assembly

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/timeline"
)

// TestKnownSet: each step sets one device's MAC (or deletes it); after it,
// exactly the listed MACs are known, and only devices not named SEP<their
// MAC> are remembered by name.
func TestKnownSet(t *testing.T) {
	const a, b = 0x0000DE000001, 0x0000DE000002
	k := newKnownDevices(nil, nil)
	for _, step := range []struct {
		what  string
		name  string
		mac   uint64
		has   bool
		known []uint64
		other int
	}{
		{"a SEP device", "SEP0000DE000001", a, true, []uint64{a}, 0},
		{"the same again (a resync, then its event)", "SEP0000DE000001", a, true, []uint64{a}, 0},
		{"a gateway with a's MAC", "gw-1", a, true, []uint64{a}, 1},
		{"the SEP device deleted: the gateway still has a", "SEP0000DE000001", 0, false, []uint64{a}, 1},
		{"the gateway moves to b", "gw-1", b, true, []uint64{b}, 1},
		{"a second gateway on b", "gw-2", b, true, []uint64{b}, 2},
		{"the first deleted", "gw-1", 0, false, []uint64{b}, 1},
		{"the second deleted", "gw-2", 0, false, nil, 0},
		{"a device deleted twice", "gw-2", 0, false, nil, 0},
		{"a SEP device back", "SEP0000DE000002", b, true, []uint64{b}, 0},
		{"a device without a MAC", "analog-7", 0, false, []uint64{b}, 0},
	} {
		k.set(step.name, step.mac, step.has)
		for _, m := range []uint64{a, b} {
			want := false
			for _, w := range step.known {
				want = want || w == m
			}
			if k.Known(m) != want {
				t.Errorf("%s: Known(%012X) = %v, want %v", step.what, m, !want, want)
			}
		}
		if len(k.other) != step.other || len(k.macs) != len(step.known) {
			t.Errorf("%s: %d by name, %d MACs; want %d, %d", step.what, len(k.other), len(k.macs), step.other, len(step.known))
		}
	}
}

// TestKnownFollowsStore: over a real SQLite file, the resync streams every
// device in and device changes keep the set current, a gateway named
// otherwise than SEP<MAC> included.
func TestKnownFollowsStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	site := domain.DemoSite()
	if _, err := st.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	k := newKnownDevices(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	k.HandleChange(ctx, store.Change{Kind: store.KindResync})
	// The demo's gateways add four keys: the VG224's, the ATA 190's two
	// ports', the ISR's host name.
	devices := len(site.Devices) + 4
	if len(k.macs) != devices || !k.KnownMAC("0000DE000001") || k.KnownMAC("0000DE0000AA") {
		t.Fatalf("after the resync: %d MACs of %d devices and gateways", len(k.macs), devices)
	}
	gw := *site.Devices[0]
	gw.Name, gw.MAC, gw.Lines = "gw-hq", "0000DE0000AA", nil
	if _, err := st.Put(ctx, &gw); err != nil {
		t.Fatal(err)
	}
	k.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: "gw-hq"})
	if !k.KnownMAC("0000DE0000AA") || len(k.other) != 4+1 {
		t.Errorf("the gateway is not known by its MAC")
	}
	if err := st.Delete(ctx, domain.KindDevice, "gw-hq"); err != nil {
		t.Fatal(err)
	}
	k.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: "gw-hq"})
	if k.KnownMAC("0000DE0000AA") || len(k.other) != 4 {
		t.Errorf("the deleted gateway is still known")
	}
	k.HandleChange(ctx, store.Change{Kind: store.KindResync})
	if len(k.macs) != devices || len(k.other) != 4 {
		t.Errorf("after a second resync: %d MACs, %d by name", len(k.macs), len(k.other))
	}
	// A SEP<MAC> phone is followed from its change alone (no read: the
	// store is closed by then).
	sep := *site.Devices[0]
	sep.Name, sep.MAC, sep.Lines = "", "0000DE0000BB", nil
	if _, err := st.Put(ctx, &sep); err != nil {
		t.Fatal(err)
	}
	k.HandleChange(ctx, store.Change{Kind: store.KindResync})
	st.Close()
	k.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: "SEP0000DE0000BB", Op: store.OpUpdate})
	if !k.KnownMAC("0000DE0000BB") || len(k.macs) != devices+1 {
		t.Errorf("an updated SEP phone: known %v, %d MACs", k.KnownMAC("0000DE0000BB"), len(k.macs))
	}
	k.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: "SEP0000DE0000BB", Op: store.OpDelete})
	k.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: "SEP0000DE0000CC", Op: store.OpInsert})
	if k.KnownMAC("0000DE0000BB") || !k.KnownMAC("0000DE0000CC") || len(k.macs) != devices+1 {
		t.Errorf("a deleted and a new SEP phone: %v %v, %d MACs", k.KnownMAC("0000DE0000BB"), k.KnownMAC("0000DE0000CC"), len(k.macs))
	}
}

// TestKnownGateways: the demo's gateways are known by their names (an
// ATA 190 by its second port's too) after a resync, and a deleted one is
// forgotten from its change alone.
func TestKnownGateways(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	k := newKnownDevices(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	k.HandleChange(ctx, store.Change{Kind: store.KindResync})
	knownGateway(t, k, "after the resync", map[string]bool{"SKIGW00DE0000A1": true, "ATA0000DE0000B1": true,
		domain.ATAPort2Name("0000DE0000B1"): true, "isr4321.demo.example": true, "other.demo.example": false})
	if err := st.Delete(ctx, domain.KindGateway, "ATA0000DE0000B1"); err != nil {
		t.Fatal(err)
	}
	st.Close() // the change alone says what to forget
	k.HandleChange(ctx, store.Change{Kind: domain.KindGateway, Key: "ATA0000DE0000B1", Op: store.OpDelete})
	knownGateway(t, k, "the ATA deleted", map[string]bool{"ATA0000DE0000B1": false, domain.ATAPort2Name("0000DE0000B1"): false,
		"SKIGW00DE0000A1": true, "isr4321.demo.example": true})
}

// knownGateway checks which gateway names (and an ATA's port-2 name) the
// set knows.
func knownGateway(t *testing.T, k *knownDevices, when string, want map[string]bool) {
	t.Helper()
	for name, w := range want {
		key, ok := timeline.GatewayKey(name)
		if !ok {
			t.Fatalf("%s: no key for %s", when, name)
		}
		if k.Known(key) != w {
			t.Errorf("%s: Known(%s) = %v, want %v", when, name, !w, w)
		}
	}
}

// TestKnownCompact: a million SEP devices cost at most 48 bytes each.
func TestKnownCompact(t *testing.T) {
	const n = 1_000_000
	k := newKnownDevices(nil, nil)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("SEP%012X", 0x0022AA000000+i)
	}
	heap0 := heapAfterGC()
	for _, name := range names {
		mac, _ := timeline.MACNumber(name[3:])
		k.set(name, mac, true)
	}
	grown := heapAfterGC() - heap0
	t.Logf("%d bytes a device", grown/n)
	if per := grown / n; per > 48 || len(k.macs) != n {
		t.Errorf("%d devices: %d bytes each", len(k.macs), per)
	}
	runtime.KeepAlive(k)
	runtime.KeepAlive(names)
}

func heapAfterGC() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
