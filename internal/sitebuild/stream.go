package sitebuild

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
)

// buildBatch is how many devices a worker takes at a time: enough that the
// Index built per batch costs nothing beside rendering, few enough that the
// batches in flight stay a few megabytes.
const buildBatch = 1024

// Count is what a build wrote.
type Count struct {
	Files, Devices int // files written; devices whose files they are
	Gateways       int // gateways, whose files are among Files
}

// writeSite renders every file of the site in s into dir: the shared files
// (gateways' files, dial plans, softkey templates, default files) first,
// then every device's, streamed from the store in batches that one worker per core renders and
// writes. Memory holds the shared records, the packed lines and the batches
// in flight, whatever the number of devices. progress (optional) counts devices.
func writeSite(ctx context.Context, s store.Lister, dir string, progress func(int64)) (Count, error) {
	site, err := loadBuildSite(ctx, s)
	if err != nil {
		return Count{}, err
	}
	w, err := openDirWriter(dir)
	if err != nil {
		return Count{}, err
	}
	defer w.close()
	var n Count
	var buf []byte
	for f, err := range render.SiteFiles(domain.NewIndex(site.shared)) {
		if err == nil {
			buf, err = renderTo(w, buf, f.Target, f.Records)
		}
		if err != nil {
			return Count{}, err
		}
		n.Files++
	}
	devs, err := writeDevices(ctx, s, site, w, progress)
	if err != nil {
		return Count{}, err
	}
	n.Files += devs.Files
	n.Devices = devs.Devices
	n.Gateways = len(site.shared.Gateways)
	return n, nil
}

// writeDevices streams the devices of s in batches to one worker per core.
func writeDevices(ctx context.Context, s store.Lister, site *buildSite, w *dirWriter, progress func(int64)) (Count, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan []*domain.Device, runtime.GOMAXPROCS(0))
	var files, devices atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf []byte // one buffer a worker, reused for every file
			for batch := range work {
				if ctx.Err() != nil {
					continue // a worker failed (or the build was cancelled): drain without writing
				}
				n, err := writeBatch(site, batch, w, &buf)
				files.Add(int64(n))
				if err != nil {
					cancel(err)
					continue
				}
				if n := devices.Add(int64(len(batch))); progress != nil {
					progress(n)
				}
			}
		})
	}
	// One reader per core, each over its range of keys, with its own batch.
	batches := make([][]*domain.Device, runtime.GOMAXPROCS(0))
	send := func(r int) error {
		select {
		case work <- batches[r]:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		batches[r] = make([]*domain.Device, 0, buildBatch)
		return nil
	}
	err := store.EachSplit(ctx, s, domain.KindDevice, len(batches), func(r int, e domain.Entity) error {
		if batches[r] = append(batches[r], e.(*domain.Device)); len(batches[r]) < buildBatch {
			return nil
		}
		return send(r)
	})
	for r := range batches {
		if err == nil && len(batches[r]) > 0 {
			err = send(r)
		}
	}
	close(work)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause // a worker's error, which also stopped the reading
	}
	if err != nil {
		return Count{}, err
	}
	return Count{Files: int(files.Load()), Devices: int(devices.Load())}, nil
}

// writeBatch renders and writes the files of each device of batch, as
// render.SiteFiles lists them, rendering into *buf (grown as needed), and
// returns how many it wrote.
func writeBatch(site *buildSite, batch []*domain.Device, w *dirWriter, buf *[]byte) (int, error) {
	x := site.index(batch)
	n := 0
	// The names of shared files (the dial plan and softkey template a device
	// names): whether a name resolves to a device's file depends on the name
	// alone, so each is resolved once a batch, not once a device.
	shared := map[string]bool{}
	for _, d := range batch {
		c, err := x.DeviceConfig(d.Name)
		if err != nil {
			return n, err
		}
		for _, name := range render.DeviceFiles(c) {
			if shared[name] {
				continue
			}
			t, ok := render.Resolve(name)
			if !ok || t.Kind.Needs() != render.NeedDevice {
				shared[name] = true
				continue
			}
			if t.Key != d.Name {
				continue // not a name a request would get this device's file for (render.SiteFiles skips it too)
			}
			if *buf, err = renderTo(w, *buf, t, render.Records{Device: c}); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// renderTo renders the file t from r into buf and writes it; it returns
// buf, grown to hold the file, for the next.
func renderTo(w *dirWriter, buf []byte, t render.Target, r render.Records) ([]byte, error) {
	b, err := render.AppendRender(buf[:0], t, r)
	if err != nil {
		return buf, err
	}
	return b, w.write(t.Name, b)
}
