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
// time, each batch one Apply and so one transaction: only one batch is in
// memory at a time. progress, if not nil, is told the devices written so
// far after each batch. On an error the result counts the whole batches
// written, and an error the server returned about a device names the
// device's CSV line (a *LineError).
func (c *Client) Import(ctx context.Context, r io.Reader, f *devicecsv.File, batch int, progress func(int)) (ImportResult, error) {
	var total ImportResult
	err := f.Batches(r, batch, func(site *domain.Site) error {
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
		return nil
	})
	return total, err
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
