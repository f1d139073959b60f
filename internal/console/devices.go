package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/timeline"
)

// devicesPerPage is the devices page's page size.
const devicesPerPage = 50

// errNoSearch is the devices page's error when the store cannot page.
var errNoSearch = errors.New("console: this store does not implement store.DeviceSearcher")

// deviceRow is one row of the devices table: the device and what the
// timeline last saw of it.
type deviceRow struct {
	Device domain.Device
	Last   timeline.Entry
	Seen   bool
}

// devicesData is the devices page's.
type devicesData struct {
	Query string
	After string
	Rows  []deviceRow
	Next  string // the next page's URL; "" on the last page
}

// devices serves GET /ui/devices?q=TEXT&after=NAME: 50 devices a page, in
// name order, keyset-paged so a page costs the same at any depth.
func (c *Console) devices(w http.ResponseWriter, r *http.Request, ses session) error {
	search, ok := c.cfg.Store.(store.DeviceSearcher)
	if !ok {
		return errNoSearch
	}
	q := r.URL.Query()
	d := devicesData{Query: q.Get("q"), After: q.Get("after")}
	// One more than a page tells whether a next page exists.
	list, err := search.SearchDevices(r.Context(), store.DeviceQuery{Text: d.Query, After: d.After, Limit: devicesPerPage + 1})
	if err != nil {
		return fmt.Errorf("console: search devices: %w", err)
	}
	if len(list) > devicesPerPage {
		list = list[:devicesPerPage]
		v := url.Values{"after": {list[len(list)-1].Name}}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		d.Next = "/ui/devices?" + v.Encode()
	}
	for _, dev := range list {
		row := deviceRow{Device: dev}
		row.Last, row.Seen = c.lastSeen(dev.Name)
		d.Rows = append(d.Rows, row)
	}
	return c.render(w, r, http.StatusOK, "devices", ses, d)
}

// lastSeen returns the timeline's latest request of a device.
func (c *Console) lastSeen(device string) (timeline.Entry, bool) {
	if c.cfg.Timeline == nil {
		return timeline.Entry{}, false
	}
	es := c.cfg.Timeline.Of(device)
	if len(es) == 0 {
		return timeline.Entry{}, false
	}
	return es[len(es)-1], true
}
