package device

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for StormConfig's zero fields.
const (
	DefaultConcurrency   = 200
	DefaultDeadline      = 5 * time.Minute
	DefaultProgressEvery = 200 * time.Millisecond
)

// StormConfig describes a storm: N devices of one model booting at once,
// as after a power cut. Concurrency, Deadline and ProgressEvery left 0
// take their defaults; negative, they are an error wrapping ErrConfig.
type StormConfig struct {
	// Device is every device's configuration but its MAC. A secure one
	// (Device.Secure) makes every device of the storm a secure phone, each
	// verifying its own trust list and signed files, against one installed
	// list read once; Device.SkipVerify keeps the signed names and drops
	// the RSA work.
	Device Config
	// N is the number of devices.
	N int
	// MACPrefix is 6 hex digits; device i (from 1) is MACPrefix followed
	// by i as 6 hex digits: 0011AA000001, 0011AA000002 …
	MACPrefix string
	// Concurrency bounds the devices booting at once; default 200.
	Concurrency int
	// SourceNet, when set, gives every device an address of its own to
	// send from, as a real storm comes from many hosts (servers share
	// their slots per source): device i's TFTP requests leave from the
	// i-th address of SourceNet (its first address is skipped). The
	// addresses must be local: on Linux all of 127.0.0.0/8 is, elsewhere
	// "ip route add local PREFIX dev lo" makes a prefix so. HTTP
	// connections leave from Device.LocalAddr still.
	SourceNet netip.Prefix
	// Deadline bounds the whole storm; default 5 minutes. Devices still
	// booting then end canceled, and those not started are counted
	// canceled too.
	Deadline time.Duration
	// Progress, when set, is called every ProgressEvery (default 200 ms)
	// and once at the end, always from the same goroutine.
	Progress      func(StormProgress)
	ProgressEvery time.Duration
}

// StormProgress is how far a storm has come.
type StormProgress struct {
	Total, Done, Configured int
	Elapsed                 time.Duration
}

// StormReport is the outcome of a storm.
type StormReport struct {
	Total      int `json:"total"`
	Configured int `json:"configured"`
	Failed     int `json:"failed"`
	// Took is the time from the start until the last device ended: with
	// every device configured, the time until all were configured.
	Took time.Duration `json:"took_ns"`
	// P50, P99 and Max are of the boot times of the configured devices;
	// Durations holds all of them, shortest first.
	P50       time.Duration   `json:"p50_ns"`
	P99       time.Duration   `json:"p99_ns"`
	Max       time.Duration   `json:"max_ns"`
	Durations []time.Duration `json:"durations_ns"`
	// Failures counts the failed devices by cause; Examples holds one
	// device's detail for each cause.
	Failures map[Cause]int    `json:"failures,omitempty"`
	Examples map[Cause]string `json:"examples,omitempty"`
}

// OK reports whether every device ended configured.
func (s *StormReport) OK() bool { return s.Total > 0 && s.Configured == s.Total }

// Storm boots cfg.N devices, at most cfg.Concurrency at a time, each its
// full sequence (Boot), sharing one TFTP client value and one pool of
// HTTP connections; it keeps of each device only its outcome and boot
// time. The error is for a configuration it cannot play.
func Storm(ctx context.Context, cfg StormConfig) (*StormReport, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	p, err := newPlan(cfg.Device)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Deadline, DefaultDeadline))
	defer cancel()
	e := newEnv(p.cfg)
	defer e.close()
	s := &storm{cfg: cfg, plan: p, env: e, start: time.Now(),
		rep: &StormReport{Total: cfg.N, Failures: map[Cause]int{}, Examples: map[Cause]string{}}}
	stopProgress := s.progress()
	var wg sync.WaitGroup
	for range min(cmp.Or(cfg.Concurrency, DefaultConcurrency), cfg.N) {
		wg.Go(func() { s.worker(ctx) })
	}
	wg.Wait()
	s.rep.Took = time.Since(s.start)
	stopProgress()
	s.rep.finish()
	return s.rep, nil
}

func (c *StormConfig) check() error {
	if c.N <= 0 || c.N > 0xFFFFFF {
		return badConfig("storm of %d devices: want 1 to %d", c.N, 0xFFFFFF)
	}
	if len(c.MACPrefix) != 6 || strings.Trim(strings.ToUpper(c.MACPrefix), "0123456789ABCDEF") != "" {
		return badConfig("MAC prefix %q: want 6 hex digits", c.MACPrefix)
	}
	if c.Device.Kind == Gateway {
		return badConfig("a storm boots phones")
	}
	if c.SourceNet.IsValid() {
		if free := c.SourceNet.Addr().BitLen() - c.SourceNet.Bits(); free < 25 && 1<<free <= c.N {
			return badConfig("source net %v holds fewer than %d addresses", c.SourceNet, c.N+1)
		}
		if c.Device.LocalAddr.IsValid() && c.Device.LocalAddr.Is4() != c.SourceNet.Addr().Is4() {
			return badConfig("source net %v and local address %v are not of one family", c.SourceNet, c.Device.LocalAddr)
		}
	}
	if c.Concurrency < 0 {
		return badConfig("concurrency %d: want 0 (%d) or more", c.Concurrency, DefaultConcurrency)
	}
	for _, d := range []struct {
		name   string
		v, def time.Duration
	}{{"deadline", c.Deadline, DefaultDeadline}, {"progress interval", c.ProgressEvery, DefaultProgressEvery}} {
		if d.v < 0 {
			return badConfig("%s %v: want 0 (%v) or more", d.name, d.v, d.def)
		}
	}
	return nil
}

// source is device i's own source address: the i-th of SourceNet, or
// none (the env's) without one.
func (s *storm) source(i int64) netip.Addr {
	if !s.cfg.SourceNet.IsValid() {
		return netip.Addr{}
	}
	b := s.cfg.SourceNet.Masked().Addr().AsSlice()
	for j, carry := len(b)-1, uint64(i); j >= 0 && carry > 0; j-- {
		sum := uint64(b[j]) + carry&0xff
		b[j], carry = byte(sum), carry>>8+sum>>8
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// storm is the state of a running storm.
type storm struct {
	cfg              StormConfig
	plan             *plan
	env              *env
	start            time.Time
	next             atomic.Int64 // the last device index handed out
	done, configured atomic.Int64

	mu  sync.Mutex
	rep *StormReport
}

// worker boots devices until none is left.
func (s *storm) worker(ctx context.Context) {
	prefix := strings.ToUpper(s.cfg.MACPrefix)
	for {
		i := s.next.Add(1)
		if i > int64(s.cfg.N) {
			return
		}
		mac := fmt.Sprintf("%s%06X", prefix, i)
		if ctx.Err() != nil {
			s.record(mac, &Report{Outcome: NotConfigured, Cause: CauseCanceled, Detail: "not started before the deadline"})
			continue
		}
		s.record(mac, s.plan.boot(ctx, s.env, mac, s.source(i)))
	}
}

// record keeps a device's outcome and boot time.
func (s *storm) record(mac string, r *Report) {
	s.mu.Lock()
	if r.OK() {
		s.rep.Configured++
		s.rep.Durations = append(s.rep.Durations, r.Took)
	} else {
		s.rep.Failed++
		if s.rep.Failures[r.Cause]++; s.rep.Failures[r.Cause] == 1 {
			s.rep.Examples[r.Cause] = "SEP" + mac + ": " + r.Detail
		}
	}
	s.mu.Unlock()
	if r.OK() {
		s.configured.Add(1)
	}
	s.done.Add(1)
}

// progress calls the Progress callback until the returned stop, which
// makes one last call.
func (s *storm) progress() (stop func()) {
	if s.cfg.Progress == nil {
		return func() {}
	}
	every := s.cfg.ProgressEvery
	if every <= 0 {
		every = DefaultProgressEvery
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	report := func() {
		s.cfg.Progress(StormProgress{Total: s.cfg.N, Done: int(s.done.Load()), Configured: int(s.configured.Load()), Elapsed: time.Since(s.start)})
	}
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				report()
			case <-quit:
				report()
				return
			}
		}
	}()
	return func() { close(quit); <-exited }
}

// finish sorts the boot times and takes their percentiles.
func (s *StormReport) finish() {
	slices.Sort(s.Durations)
	if n := len(s.Durations); n > 0 {
		s.P50, s.P99, s.Max = s.Durations[(n-1)*50/100], s.Durations[(n-1)*99/100], s.Durations[n-1]
	}
}
