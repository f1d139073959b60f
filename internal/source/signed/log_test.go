package signed

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// TestBusyLogLimit: a storm of failures logs one line per cause a minute,
// whatever the number of files failing; the next line counts the ones
// held back; another cause has its own line.
func TestBusyLogLimit(t *testing.T) {
	mem := map[string]string{}
	for i := range 50 {
		mem[fmt.Sprintf("SK%02d.xml", i)] = "<softKeyCfg/>"
	}
	r := newRig(t, mem)
	var mu sync.Mutex
	now := time.Unix(1800000000, 0)
	r.step.clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	bad := r.mixed(trust.Signer{Key: keys.tftp1.Key, Cert: keys.tftp2.Cert}, "mismatched")
	bad.TrustList = func(string, bool) ([]byte, error) { return nil, trust.ErrTooLarge }
	r.state.Store(bad)
	for i := range 49 {
		r.get(t, fmt.Sprintf("SK%02d.xml.sgn", i), source.TFTP)
		r.get(t, "ITLFile.tlv", source.TFTP)
	}
	if n := strings.Count(r.logs(), "signed files: signing"); n != 1 {
		t.Errorf("%d lines for 49 signings failing, want 1:\n%s", n, r.logs())
	}
	if n := strings.Count(r.logs(), "signed files: building"); n != 1 {
		t.Errorf("%d lines for 49 trust lists failing, want 1", n)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	r.get(t, "SK49.xml.sgn", source.TFTP)
	if !strings.Contains(r.logs(), `msg="signed files: signing SK49.xml.sgn" cause=sign`) || !strings.Contains(r.logs(), "suppressed=48") {
		t.Errorf("the line a minute later does not count the 48 held back:\n%s", r.logs())
	}
}

// TestDeviceLinesLimit: 100 encrypted devices without a certificate
// booting at once write one line, not 100 (each device once a minute, and
// the line about devices at most deviceLinesEvery apart); the next line
// counts the devices held back.
func TestDeviceLinesLimit(t *testing.T) {
	mem := map[string]string{}
	for i := range 101 {
		mem[fmt.Sprintf("SEP0000DE%06X.cnf.xml", i)] = deviceXML(t, "3")
	}
	r := newRig(t, mem)
	var mu sync.Mutex
	now := time.Unix(1800000000, 0)
	r.step.clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	for i := range 100 {
		r.get(t, fmt.Sprintf("SEP0000DE%06X.cnf.xml.sgn", i), source.TFTP)
	}
	if n := strings.Count(r.logs(), "has no certificate"); n != 1 {
		t.Errorf("%d lines for 100 devices at once, want 1", n)
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	r.get(t, "SEP0000DE000064.cnf.xml.sgn", source.TFTP)
	if !strings.Contains(r.logs(), "SEP0000DE000064 is encrypted but has no certificate") || !strings.Contains(r.logs(), "devices_held_back=99") {
		t.Errorf("the next line does not count the 99 held back:\n%s", r.logs())
	}
}
