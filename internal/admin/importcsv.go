package admin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// ImportResult counts what Import wrote.
type ImportResult struct {
	store.ApplyResult
	// Devices is the number of devices sent in batches the server wrote.
	Devices int
}

// Import sends the devices of a checked CSV file (devicecsv.Check) to the
// server, reading the file again from r (at its start) batch devices at a
// time, each batch one Apply and so one transaction. The next batch is read
// while the server writes one, so at most two are in memory. progress, if
// not nil, is told the devices written so far after each batch. On an
// error the result counts the whole batches written, and an error the
// server returned about a device names the device's CSV line (a
// *LineError).
func (c *Client) Import(ctx context.Context, r io.Reader, f *devicecsv.File, batch int, progress func(int)) (ImportResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *domain.Site)
	var total ImportResult
	sent := make(chan error, 1)
	go func() {
		sent <- c.sendBatches(ctx, batches, f, &total, progress)
		cancel()
	}()
	err := f.Batches(r, batch, func(site *domain.Site) error {
		select {
		case batches <- site:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(batches)
	if serr := <-sent; serr != nil || err == nil {
		return total, serr
	}
	return total, err
}

// sendBatches applies each batch in turn, counting what was written in
// total, until batches is closed or a batch fails.
func (c *Client) sendBatches(ctx context.Context, batches <-chan *domain.Site, f *devicecsv.File, total *ImportResult, progress func(int)) error {
	for site := range batches {
		res, err := c.Apply(ctx, site)
		if err != nil {
			var ae *Error
			if errors.As(err, &ae) && ae.Kind == domain.KindDevice {
				if l, ok := f.LineOf[ae.Key]; ok {
					err = &LineError{Line: l, Err: err}
				}
			}
			return err
		}
		total.Created += res.Created
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		total.Devices += len(site.Devices)
		if progress != nil {
			progress(total.Devices)
		}
	}
	return nil
}

// LineError is an error the server returned about the device on one line
// of a CSV file.
type LineError struct {
	Line int
	Err  error
}

// Error returns "line N: " and the server's error.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the server's error.
func (e *LineError) Unwrap() error { return e.Err }
