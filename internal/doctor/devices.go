package doctor

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// oldLoad is the load the doctor's devices say they run when it checks a
// load: any other name makes them fetch the load their file names.
const oldLoad = "cmtftp-doctor-old-load"

// bootAll boots every device of the site once, at most c.Concurrency at a
// time, then once more per load ID as a device that must upgrade, and
// turns what went wrong into findings: a device that does not end
// configured fails, a file it could do without but lacks is a warning.
func bootAll(ctx context.Context, c Config, site *domain.Site, r *Report) {
	reports := bootEach(ctx, c, site.Devices, "")
	r.Devices = len(reports)
	failed := map[string][]string{} // cause and detail → devices
	warned := map[string][]string{} // warning → devices
	loads := map[string]*domain.Device{}
	for i, rep := range reports {
		d := site.Devices[i]
		if !rep.OK() {
			failed[string(rep.Cause)+": "+rep.Detail] = append(failed[string(rep.Cause)+": "+rep.Detail], d.MAC)
			continue
		}
		r.Configured++
		for _, w := range rep.Warnings {
			warned[w] = append(warned[w], d.MAC)
		}
		if rep.LoadID != "" && loads[rep.LoadID] == nil && rep.Kind != device.Gateway {
			loads[rep.LoadID] = d
		}
	}
	report(r, Fail, "device boot", failed, "fix the device's records (cmtftp device show MAC) or the files they name")
	report(r, Warn, "device files", warned, "put the missing files in the TFTP root, or change what the configuration names")
	checkLoads(ctx, c, loads, r)
	if len(failed) == 0 {
		r.add(OK, "device boot", fmt.Sprintf("all %d devices boot and end configured", r.Devices), "")
	}
}

// checkLoads boots one device per load ID as if it ran another load, so
// that it fetches the .loads file and every archive it names.
func checkLoads(ctx context.Context, c Config, loads map[string]*domain.Device, r *Report) {
	ids := make([]string, 0, len(loads))
	for id := range loads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	devs := make([]*domain.Device, len(ids))
	for i, id := range ids {
		devs[i] = loads[id]
	}
	missing := map[string][]string{}
	for i, rep := range bootEach(ctx, c, devs, oldLoad) {
		if !rep.OK() {
			missing[rep.Detail] = []string{devs[i].MAC}
		}
	}
	report(r, Fail, "loads", missing, "copy the load's .loads file and every archive it lists into the TFTP root")
	if len(missing) == 0 && len(ids) > 0 {
		r.add(OK, "loads", fmt.Sprintf("the %d loads the configurations name are there, every archive of each", len(ids)), "")
	}
}

// report adds one finding per key of by, naming its devices.
func report(r *Report, s Severity, check string, by map[string][]string, fix string) {
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.add(s, check, fmt.Sprintf("%s — devices: %s", k, short(by[k])), fix)
	}
}

// bootEach boots devs (running load; "" runs what its file names), at
// most c.Concurrency at a time, and returns their reports in order.
func bootEach(ctx context.Context, c Config, devs []*domain.Device, load string) []*device.Report {
	return bootAllOf(c, devs, func(d *domain.Device) *device.Report { return bootOne(ctx, c, d, load) })
}

// bootAllOf runs boot on each of xs, at most c.Concurrency at a time, and
// returns the reports in order.
func bootAllOf[T any](c Config, xs []T, boot func(T) *device.Report) []*device.Report {
	out := make([]*device.Report, len(xs))
	sem := make(chan struct{}, max(c.Concurrency, 1))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = boot(x)
		}()
	}
	wg.Wait()
	return out
}

// bootOne plays one device's boot against the site's TFTP server.
func bootOne(ctx context.Context, c Config, d *domain.Device, load string) *device.Report {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	cfg := device.Config{MAC: d.MAC, Model: d.Model, Protocol: d.Protocol, Servers: []netip.AddrPort{c.TFTP},
		Timeout: timeout, Retries: 2, Load: load}
	rep, err := device.Boot(ctx, cfg)
	if err != nil {
		return &device.Report{Device: "SEP" + d.MAC, Outcome: device.NotConfigured, Cause: "unplayable", Detail: err.Error()}
	}
	return rep
}
