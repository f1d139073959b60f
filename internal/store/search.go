package store

import (
	"context"

	"cmtftp/internal/domain"
)

// MaxSearchLimit is the most devices one SearchDevices call returns.
const MaxSearchLimit = 500

// DeviceQuery selects one page of devices, in name order.
type DeviceQuery struct {
	// Text, when set, keeps the devices whose name, MAC, description or a
	// line's directory number contains it (case-insensitively).
	Text string
	// After is the last name of the previous page; "" starts at the first.
	After string
	// Limit is the page's size: 1–MaxSearchLimit (0 or more is clamped).
	Limit int
}

// DeviceSearcher pages through the devices without loading them all: the
// cost of a page does not grow with the number of devices when Text is
// empty (keyset paging on the name). Both backends implement it.
type DeviceSearcher interface {
	// SearchDevices returns up to q.Limit devices, with their lines, whose
	// names sort after q.After and that match q.Text.
	SearchDevices(ctx context.Context, q DeviceQuery) ([]domain.Device, error)
}
