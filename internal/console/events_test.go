package console

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
)

// sseEvent is one server-sent event.
type sseEvent struct{ name, id, data string }

// openEvents opens an event stream with f's session; next returns its
// events one by one (at most max lines read per event).
func openEvents(t *testing.T, f *fixture, path string) func() sseEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path, nil)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	br := bufio.NewReader(resp.Body)
	return func() sseEvent {
		t.Helper()
		var ev sseEvent
		for range 10000 {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && ev.name != "":
				return ev
			case strings.HasPrefix(line, "event: "):
				ev.name = line[len("event: "):]
			case strings.HasPrefix(line, "id: "):
				ev.id = line[len("id: "):]
			case strings.HasPrefix(line, "data: "):
				ev.data += line[len("data: "):] + "\n"
			}
		}
		t.Fatalf("%s: no event", path)
		return ev
	}
}

func TestChangeEvents(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	next := openEvents(t, f, "/ui/events/changes")
	if _, err := f.st.Put(context.Background(), &domain.Line{Number: "4242", DisplayName: "New"}); err != nil {
		t.Fatal(err)
	}
	ev := next()
	if ev.name != "change" || ev.id == "" || !strings.Contains(ev.data, "<td>4242</td>") || !strings.Contains(ev.data, "<td>line</td>") {
		t.Errorf("change event: %+v", ev)
	}
	// The changes page resumes after the last change it lists.
	_, body := f.get(t, "/ui/changes")
	if !strings.Contains(body, `data-events="/ui/events/changes?after=`+ev.id+`"`) || !strings.Contains(body, "<td>4242</td>") {
		t.Errorf("changes page after the event:\n%s", body)
	}
}

func TestTimelineEvents(t *testing.T) {
	f := newFixture(t, "tok")
	f.con.cfg.TimelinePoll = 10 * time.Millisecond
	f.login(t)
	client := netip.MustParseAddrPort("127.0.0.1:5000")
	f.tl.HTTP(httpd.Result{Name: "SEP001122AABB01.cnf.xml", Remote: client, Status: 200, Bytes: 10})
	_, body := f.get(t, "/ui/devices/SEP001122AABB01")
	if !strings.Contains(body, "<td>SEP001122AABB01.cnf.xml</td><td>completed</td>") {
		t.Fatalf("the device page lacks the timeline entry:\n%s", body)
	}
	_, devices := f.get(t, "/ui/devices")
	if !strings.Contains(devices, "<td>SEP001122AABB01.cnf.xml</td><td class=\"result-completed\">completed</td>") {
		t.Errorf("the devices page lacks the last file and result:\n%s", devices)
	}
	after := body[strings.Index(body, "timeline?after=")+len("timeline?after="):]
	after = after[:strings.IndexByte(after, '"')]
	next := openEvents(t, f, "/ui/events/devices/SEP001122AABB01/timeline?after="+after)
	f.tl.HTTP(httpd.Result{Name: "RingList.xml", Remote: client, Status: 404})
	if ev := next(); ev.name != "entry" || !strings.Contains(ev.data, "<td>RingList.xml</td><td>not_found</td>") {
		t.Errorf("timeline event: %+v", ev)
	}
}

func TestOverviewEvents(t *testing.T) {
	f := newFixture(t, "tok")
	reqs := prometheus.NewCounter(prometheus.CounterOpts{Name: "cmtftp_tftp_requests_total", Help: "h"})
	f.reg.MustRegister(reqs)
	f.login(t)
	next := openEvents(t, f, "/ui/events/overview")
	if ev := next(); ev.name != "charts" {
		t.Fatalf("first event: %+v", ev)
	}
	now := time.Now()
	f.con.samples.sample(now)
	if ev := next(); ev.name != "charts" || strings.Count(ev.data, `<svg class="chart"`) != len(chartSeries)-1 {
		t.Errorf("charts event: %+v", ev)
	}
	reqs.Add(50)
	f.con.samples.sample(now.Add(10 * time.Second))
	if ev := next(); !strings.Contains(ev.data, `<text class="value main" x="314" y="14" text-anchor="end">5</text>`) {
		t.Errorf("requests/s after 50 requests in 10 s is not 5:\n%s", ev.data)
	}
}

func TestStreamsBounded(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	for range MaxStreams {
		openEvents(t, f, "/ui/events/overview")
	}
	if code, _ := f.get(t, "/ui/events/overview"); code != http.StatusServiceUnavailable {
		t.Errorf("stream past the bound: %d", code)
	}
}

// TestStreamEndsWithSession: an open event stream ends once its session
// does — here by a new admin token, as a SIGHUP reload makes — instead of
// feeding a logged-out browser.
func TestStreamEndsWithSession(t *testing.T) {
	f := newFixture(t, "tok")
	f.con.cfg.TimelinePoll = 10 * time.Millisecond
	var token atomic.Value
	token.Store("tok")
	f.con.cfg.Token = func() string { return token.Load().(string) } // read by the streams as it changes
	f.login(t)
	for _, path := range []string{"/ui/events/devices/SEP001122AABB01/timeline", "/ui/events/overview"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path, nil)
		resp, err := f.client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		token.Store("rotated")
		if path == "/ui/events/overview" {
			f.con.samples.sample(time.Now()) // the overview looks at its session at each sample
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || ctx.Err() != nil {
			t.Errorf("%s after the token changed: %v (%v), want the stream ended", path, err, ctx.Err())
		}
		token.Store("tok")
		f.login(t)
	}
}

func TestEventLineEnds(t *testing.T) {
	for in, want := range map[string]string{"a\rid: 9": "a\nid: 9", "a\r\nb": "a\nb", "a\nb": "a\nb", "\r\r": "\n\n"} {
		if got := lineEnds.Replace(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
