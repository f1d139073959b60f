// Package loadgen drives a TFTP server with many concurrent clients, each
// transfer on a fresh socket as real phones do, and reports throughput,
// latency percentiles and errors. It is the engine of "cmtftp bench".
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/tftpclient"
)

// MaxDuration bounds every run, whatever Count and Duration say.
const MaxDuration = 20 * time.Minute

// Config says what load to generate.
type Config struct {
	Server      string // host:port
	File        string
	Concurrency int           // clients at once; default 1
	Count       int           // transfers in all; 0 means until Duration
	Duration    time.Duration // how long to run; 0 means until Count
	Client      tftpclient.Client
	// Names, when positive, makes File a pattern with one verb for an
	// integer (%d, %06X …): the k-th transfer asks for
	// fmt.Sprintf(File, k % Names), so a run of Names transfers asks for
	// each of Names files once (they must hold the same bytes unless
	// AnyBytes).
	Names int
	// AnyBytes skips the check that every transfer's bytes equal the
	// first's, for runs over files that differ (one per device):
	// Mismatched stays 0.
	AnyBytes bool
}

// fileName is the name the transfer numbered k asks for.
func (cfg *Config) fileName(k int64) string {
	if cfg.Names <= 0 {
		return cfg.File
	}
	return fmt.Sprintf(cfg.File, k%int64(cfg.Names))
}

// Report is the outcome of a run.
type Report struct {
	Server      string         `json:"server"`
	File        string         `json:"file"`
	Concurrency int            `json:"concurrency"`
	BlockSize   int            `json:"blksize"`
	WindowSize  int            `json:"windowsize"`
	Transfers   int            `json:"transfers"`
	Failed      int            `json:"failed"`
	Mismatched  int            `json:"mismatched"`
	Bytes       int64          `json:"bytes"`
	FileSize    int64          `json:"file_size"`
	Elapsed     time.Duration  `json:"elapsed_ns"`
	PerSecond   float64        `json:"transfers_per_second"`
	MiBPerSec   float64        `json:"mib_per_second"`
	P50         time.Duration  `json:"p50_ns"`
	P90         time.Duration  `json:"p90_ns"`
	P99         time.Duration  `json:"p99_ns"`
	Max         time.Duration  `json:"max_ns"`
	Errors      map[string]int `json:"errors"`
}

// ErrMismatch is returned when a transfer's bytes differ from the first one's.
var ErrMismatch = errors.New("loadgen: a transfer's bytes differ from the first transfer's")

// Run generates the load and reports on it. It fails when no transfer
// succeeded or when the bytes of two successful transfers differ.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Count <= 0 && cfg.Duration <= 0 {
		return Report{}, errors.New("loadgen: give a count or a duration")
	}
	limit := MaxDuration
	if cfg.Duration > 0 && cfg.Duration < limit {
		limit = cfg.Duration
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	conc := max(cfg.Concurrency, 1)

	rec := &recorder{seed: maphash.MakeSeed(), anyBytes: cfg.AnyBytes, rep: Report{Server: cfg.Server, File: cfg.File, Concurrency: conc, BlockSize: cfg.Client.BlockSize, WindowSize: cfg.Client.WindowSize}, errs: map[string]int{}}
	rep := &rec.rep
	start := time.Now()
	if !runLoop(ctx, cfg, conc, rec) {
		runGoroutines(ctx, cfg, conc, rec)
	}
	rep.Elapsed = time.Since(start)
	lat := rec.lat
	rep.Transfers = len(lat)
	for _, n := range rec.errs {
		rep.Failed += n
	}
	rep.Errors = rec.errs
	if rep.Elapsed > 0 {
		rep.PerSecond = float64(rep.Transfers) / rep.Elapsed.Seconds()
		rep.MiBPerSec = float64(rep.Bytes) / (1 << 20) / rep.Elapsed.Seconds()
	}
	slices.Sort(lat)
	rep.P50, rep.P90, rep.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	if len(lat) > 0 {
		rep.Max = lat[len(lat)-1]
	}
	switch {
	case rep.Mismatched > 0:
		return *rep, fmt.Errorf("%w (%d transfers)", ErrMismatch, rep.Mismatched)
	case rep.Transfers == 0:
		return *rep, errors.New("loadgen: no transfer succeeded")
	}
	return *rep, nil
}

// runGoroutines runs the load with one goroutine per client, each
// transfer through tftpclient.Client.Get.
func runGoroutines(ctx context.Context, cfg Config, conc int, rec *recorder) {
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h maphash.Hash
			h.SetSeed(rec.seed)
			var local recorder
			for ctx.Err() == nil {
				k, ok := rec.takeNumbered(cfg.Count)
				if !ok {
					break
				}
				h.Reset()
				t0 := time.Now()
				res, err := cfg.Client.Get(ctx, cfg.Server, cfg.fileName(k), &h)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					break // the run's time is up: not the server's fault
				}
				local.done(rec, res.Bytes, h.Sum64(), d, err)
			}
			rec.merge(&local)
		}()
	}
	wg.Wait()
}

// recorder gathers the outcomes of transfers: one per client goroutine,
// merged into the run's at the end.
type recorder struct {
	rep      Report
	seed     maphash.Seed
	anyBytes bool // Config.AnyBytes: no comparison with the first sum
	next     atomic.Int64
	same     firstSum
	mu       sync.Mutex
	lat      []time.Duration
	errs     map[string]int
}

// takeNumbered claims the next transfer of a run of count (0: no
// limit): its number, from 0, and whether the run has it.
func (r *recorder) takeNumbered(count int) (int64, bool) {
	k := r.next.Add(1)
	return k - 1, count <= 0 || k <= int64(count)
}

// done records one transfer in r; run holds the first checksum.
func (r *recorder) done(run *recorder, bytes int64, sum uint64, d time.Duration, err error) {
	if err != nil {
		if r.errs == nil {
			r.errs = map[string]int{}
		}
		r.errs[errorKey(err)]++
		return
	}
	if !run.anyBytes && !run.same.check(sum) {
		r.rep.Mismatched++
	}
	r.rep.FileSize = bytes
	r.rep.Bytes += bytes
	r.lat = append(r.lat, d)
}

// merge adds a client's record to the run's.
func (r *recorder) merge(local *recorder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat = append(r.lat, local.lat...)
	for k, v := range local.errs {
		r.errs[k] += v
	}
	r.rep.Bytes += local.rep.Bytes
	r.rep.Mismatched += local.rep.Mismatched
	if local.rep.FileSize > 0 {
		r.rep.FileSize = local.rep.FileSize
	}
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func errorKey(err error) string {
	var re *tftpclient.RemoteError
	switch {
	case errors.As(err, &re):
		return fmt.Sprintf("error %d (%s)", re.Code, re.Message)
	case errors.Is(err, tftpclient.ErrTimeout):
		return "timeout"
	}
	return "other: " + err.Error()
}

// firstSum remembers the checksum of the first successful transfer and
// compares every later one with it.
type firstSum struct {
	mu   sync.Mutex
	sum  uint64
	have bool
}

func (f *firstSum) check(sum uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.have {
		f.sum, f.have = sum, true
		return true
	}
	return f.sum == sum
}
