package console

import (
	"net/http"
	"strconv"
	"time"
)

// timelineEvents serves GET /ui/events/devices/{name}/timeline?after=NS:
// each request of the device the timeline records after NS (Unix
// nanoseconds) as an "entry" event whose data is its table row.
func (c *Console) timelineEvents(w http.ResponseWriter, r *http.Request, ses session) error {
	if c.cfg.Timeline == nil {
		return notFound("this server keeps no timeline")
	}
	name := r.PathValue("name")
	if c.cfg.Timeline.Of(name) == nil {
		return badRequest("name a phone by SEP<MAC> or its MAC, or a gateway by its name")
	}
	after, err := afterID(r, time.Now().UnixNano())
	if err != nil {
		return err
	}
	s, release, err := c.openStream(w)
	if err != nil {
		return err
	}
	defer release()
	ctx := r.Context()
	poll := time.NewTicker(c.cfg.TimelinePoll)
	defer poll.Stop()
	idle := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.done:
			return nil
		case <-poll.C:
		}
		if !c.live(ses) {
			return nil // the browser's reconnect is refused: it is logged out
		}
		sent := false
		for _, e := range c.cfg.Timeline.Of(name) {
			at := e.Time.UnixNano()
			if at <= after {
				continue
			}
			row, err := c.fragment("timelineRow", e)
			if err != nil {
				return err
			}
			if err := s.send("entry", strconv.FormatInt(at, 10), row); err != nil {
				return streamErr(ctx, err)
			}
			after, sent = at, true
		}
		if idle++; sent {
			idle = 0
		} else if time.Duration(idle)*c.cfg.TimelinePoll >= keepAlive {
			idle = 0
			if err := s.ping(); err != nil {
				return streamErr(ctx, err)
			}
		}
	}
}
