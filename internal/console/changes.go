package console

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"cmtftp/internal/store"
)

// changesShown is how many of the latest changes the changes page lists
// before live ones arrive.
const changesShown = 50

// changesData is the changes page's: the latest changes, newest first,
// and the ID the live stream resumes after.
type changesData struct {
	Changes []store.Change
	After   int64
}

// changes serves GET /ui/changes.
func (c *Console) changes(w http.ResponseWriter, r *http.Request, ses session) error {
	last, err := c.cfg.Store.LastChange(r.Context())
	if err != nil {
		return fmt.Errorf("console: last change: %w", err)
	}
	var list []store.Change
	if err := c.call(r.Context(), http.MethodGet, "/api/v1/changes?after="+strconv.FormatInt(max(last-changesShown, 0), 10), nil, &list); err != nil {
		return err
	}
	slices.Reverse(list)
	return c.render(w, r, http.StatusOK, "changes", ses, changesData{Changes: list, After: last})
}

// changeEvents serves GET /ui/events/changes?after=N: each committed
// change after N as a "change" event whose data is its table row.
func (c *Console) changeEvents(w http.ResponseWriter, r *http.Request, ses session) error {
	ctx := r.Context()
	last, err := c.cfg.Store.LastChange(ctx)
	if err != nil {
		return fmt.Errorf("console: last change: %w", err)
	}
	after, err := afterID(r, last)
	if err != nil {
		return err
	}
	ch, err := c.cfg.Store.Changes(ctx, after)
	if err != nil {
		return fmt.Errorf("console: change feed: %w", err)
	}
	s, release, err := c.openStream(w)
	if err != nil {
		return err
	}
	defer release()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	for {
		if !c.live(ses) {
			return nil // the browser's reconnect is refused: it is logged out
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.done:
			return nil
		case <-ping.C:
			if err := s.ping(); err != nil {
				return streamErr(ctx, err)
			}
		case chg, ok := <-ch:
			if !ok {
				return nil // the feed ended; the browser reconnects with Last-Event-ID
			}
			row, err := c.fragment("changeRow", chg)
			if err != nil {
				return err
			}
			if err := s.send("change", strconv.FormatInt(chg.ID, 10), row); err != nil {
				return streamErr(ctx, err)
			}
		}
	}
}
