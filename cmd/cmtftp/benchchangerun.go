package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// changeConfig is one "bench change" run.
type changeConfig struct {
	Targets         []changeTarget
	Writes          []changeWriter
	File, Line, Tag string
	First, Devices  int
	Changes         int
	Every, Bound    time.Duration
}

// changeReport is the outcome of a run: one row per server and write, one
// per server over all writes, and one over all.
type changeReport struct {
	Changes  int           `json:"changes"`
	Bound    time.Duration `json:"bound_ns"`
	Timeouts int           `json:"timeouts"`
	Rows     []changeRow   `json:"rows"`
}

// changeRow holds the latencies of one server (or "all") and one write
// path (or "all").
type changeRow struct {
	Server      string        `json:"server"`
	Write       string        `json:"write"`
	Count       int           `json:"count"`
	Timeouts    int           `json:"timeouts"`
	FetchErrors int           `json:"fetch_errors"`
	P50         time.Duration `json:"p50_ns"`
	P99         time.Duration `json:"p99_ns"`
	Max         time.Duration `json:"max_ns"`
	samples     []time.Duration
}

// changeSample is one server's wait for one change.
type changeSample struct {
	took      time.Duration
	errs      int
	timedOut  bool
	server, w int
}

// measureChanges makes the changes one after another and waits for every
// server to serve each; the report holds what was measured even when an
// error ends the run early.
func measureChanges(ctx context.Context, cfg changeConfig) (*changeReport, error) {
	if cfg.Devices < 1 || cfg.Changes < 1 || cfg.Bound <= 0 || cfg.Every < 0 {
		return nil, fmt.Errorf("want --devices and --changes of 1 or more, a --bound above 0, an --every of 0 or more")
	}
	var all []changeSample
	var err error
	for i := range cfg.Changes {
		var s []changeSample
		if s, err = measureOne(ctx, cfg, i); err != nil {
			break
		}
		all = append(all, s...)
	}
	rep := summarize(cfg, all)
	if err == nil && rep.Timeouts > 0 {
		err = fmt.Errorf("%d of %d waits saw no new bytes within %v", rep.Timeouts, len(all), cfg.Bound)
	}
	return rep, err
}

// measureOne makes change i and waits for every server to serve it.
func measureOne(ctx context.Context, cfg changeConfig, i int) ([]changeSample, error) {
	k := cfg.First + i%cfg.Devices
	name, line := fmt.Sprintf(cfg.File, k), fmt.Sprintf(cfg.Line, k)
	marker := []byte(fmt.Sprintf("chg%s-%d", cfg.Tag, i))
	wi := i % len(cfg.Writes)
	for _, t := range cfg.Targets {
		if err := fetchOld(ctx, t, name, marker, cfg.Bound); err != nil {
			return nil, fmt.Errorf("%s before change %d: %w", t.label, i, err)
		}
	}
	if err := cfg.Writes[wi].rename(ctx, line, string(marker)); err != nil {
		return nil, fmt.Errorf("change %d through %s: %w", i, cfg.Writes[wi].label, err)
	}
	start := time.Now()
	out := make([]changeSample, len(cfg.Targets))
	var wg sync.WaitGroup
	for ti, t := range cfg.Targets {
		wg.Go(func() {
			out[ti] = waitNew(ctx, t, name, marker, start, cfg.Every, cfg.Bound)
			out[ti].server, out[ti].w = ti, wi
		})
	}
	wg.Wait()
	return out, ctx.Err()
}

// fetchOld asks t for name, again while it fails (busy, say) for at most
// bound: the server serves the file, without marker, before the change.
func fetchOld(ctx context.Context, t changeTarget, name string, marker []byte, bound time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	for {
		b, err := t.fetch(ctx, name)
		switch {
		case err == nil && bytes.Contains(b, marker):
			return fmt.Errorf("%s holds %q already", name, marker)
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("%s: %w", name, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitNew asks t for name every pause until its bytes hold marker, at
// most bound after start.
func waitNew(ctx context.Context, t changeTarget, name string, marker []byte, start time.Time, pause, bound time.Duration) changeSample {
	ctx, cancel := context.WithDeadline(ctx, start.Add(bound))
	defer cancel()
	var s changeSample
	for {
		b, err := t.fetch(ctx, name)
		if err == nil && bytes.Contains(b, marker) {
			s.took = time.Since(start)
			return s
		}
		if err != nil && ctx.Err() == nil {
			s.errs++
		}
		select {
		case <-ctx.Done():
			s.took, s.timedOut = bound, true
			return s
		case <-time.After(pause):
		}
	}
}

// summarize groups the samples into rows.
func summarize(cfg changeConfig, all []changeSample) *changeReport {
	rep := &changeReport{Changes: cfg.Changes, Bound: cfg.Bound}
	rows := map[[2]int]*changeRow{}
	row := func(server, w int) *changeRow {
		key := [2]int{server, w}
		if rows[key] == nil {
			rows[key] = &changeRow{Server: "all", Write: "all"}
			if server >= 0 {
				rows[key].Server = cfg.Targets[server].label
			}
			if w >= 0 {
				rows[key].Write = cfg.Writes[w].label
			}
		}
		return rows[key]
	}
	for _, s := range all {
		for _, r := range []*changeRow{row(s.server, s.w), row(s.server, -1), row(-1, -1)} {
			r.add(s)
		}
		if s.timedOut {
			rep.Timeouts++
		}
	}
	var keys [][2]int
	for si := range cfg.Targets {
		for wi := range cfg.Writes {
			keys = append(keys, [2]int{si, wi})
		}
		keys = append(keys, [2]int{si, -1})
	}
	for _, key := range append(keys, [2]int{-1, -1}) {
		if r := rows[key]; r != nil && r.Count > 0 { // nil: no sample (the run failed before it)
			r.finish()
			rep.Rows = append(rep.Rows, *r)
		}
	}
	return rep
}

func (r *changeRow) add(s changeSample) {
	r.Count++
	r.FetchErrors += s.errs
	if s.timedOut {
		r.Timeouts++
	}
	r.samples = append(r.samples, s.took)
}

// finish sets the percentiles (nearest rank).
func (r *changeRow) finish() {
	slices.Sort(r.samples)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(r.samples))+0.999999) - 1
		return r.samples[max(0, min(i, len(r.samples)-1))]
	}
	r.P50, r.P99, r.Max = at(0.50), at(0.99), r.samples[len(r.samples)-1]
}
