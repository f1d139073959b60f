package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// keepAlive is how often an idle event stream sends a comment, so that
// proxies and browsers keep it open.
const keepAlive = 15 * time.Second

// eventStream writes server-sent events.
type eventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// openStream takes a stream slot (errBusy when none is free) and writes
// the event stream's headers; release gives the slot back.
func (c *Console) openStream(w http.ResponseWriter) (*eventStream, func(), error) {
	select {
	case c.streams <- struct{}{}:
	default:
		return nil, nil, errBusy
	}
	release := func() { <-c.streams }
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := &eventStream{w: w, rc: http.NewResponseController(w)}
	if err := s.rc.Flush(); err != nil {
		release()
		return nil, nil, fmt.Errorf("console: event stream: %w", err)
	}
	return s, release, nil
}

// lineEnds turns every line end of an event's data into "\n": an event
// stream also ends a line at a lone "\r", which a value could hold.
var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// send writes one event (id may be ""); data may span lines.
func (s *eventStream) send(event, id, data string) error {
	data = lineEnds.Replace(data)
	var b strings.Builder
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("event: " + event + "\n")
	for line := range strings.SplitSeq(data, "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	if _, err := s.w.Write([]byte(b.String())); err != nil {
		return fmt.Errorf("console: event stream: %w", err)
	}
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("console: event stream: %w", err)
	}
	return nil
}

// ping writes a comment line.
func (s *eventStream) ping() error {
	if _, err := s.w.Write([]byte(": ping\n\n")); err != nil {
		return fmt.Errorf("console: event stream: %w", err)
	}
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("console: event stream: %w", err)
	}
	return nil
}

// streamErr is what a handler returns once its stream has begun: nothing
// more can be written, so an ended client is not an error.
func streamErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// overviewEvents serves GET /ui/events/overview: the charts as "charts"
// events of HTML, at once and again at every sample.
func (c *Console) overviewEvents(w http.ResponseWriter, r *http.Request, ses session) error {
	s, release, err := c.openStream(w)
	if err != nil {
		return err
	}
	defer release()
	ctx := r.Context()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	sent := ^uint64(0)
	for {
		if !c.live(ses) {
			return nil // the browser's reconnect is refused: it is logged out
		}
		gen, next := c.samples.current()
		if gen != sent {
			html, err := c.fragment("charts", c.charts())
			if err != nil {
				return err
			}
			if err := s.send("charts", "", html); err != nil {
				return streamErr(ctx, err)
			}
			sent = gen
			continue
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
		case <-next:
		}
	}
}

// afterID reads where a stream resumes: Last-Event-ID (a reconnect),
// else ?after=, else def.
func afterID(r *http.Request, def int64) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("after: not a change ID")
	}
	return n, nil
}
