package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// screenshotDir is where the browser tests write their screenshots, at
// the repository's root (ignored by git), for a person to review.
const screenshotDir = "../test-output/console"

// browser is one headless Chromium tab driven through chromedp. It records
// every problem the page shows — an uncaught exception, a console error,
// an error in the browser's log, a failed request, a response of 400 or
// more — that no expected entry names; check fails the test with them.
type browser struct {
	ctx  context.Context
	base string // the console's origin, http://HOST:PORT

	mu       sync.Mutex
	urls     map[network.RequestID]string
	problems []string
	expected []string // substrings of problems the test provokes on purpose
}

// newBrowser starts Chromium for the console at base. The test fails when
// Debian's chromium is not installed (./scripts/test installs it).
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: the console's browser tests need Debian's chromium (apt-get install chromium; ./scripts/test installs it)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx, base: base, urls: map[network.RequestID]string{}}
	if err := chromedp.Do(ctx); err != nil { // start the browser and open the tab
		t.Fatalf("start chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// event records the problems among the tab's events. It runs in the
// tab's reading loop: it only takes notes.
func (b *browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.urls[e.RequestID] = e.Request.Method + " " + e.Request.URL
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			b.note(fmt.Sprintf("HTTP %d for %s", e.Response.Status, b.urls[e.RequestID]))
		}
	case *network.EventLoadingFailed:
		b.note(fmt.Sprintf("request failed (%s, canceled %v): %s", e.ErrorText, e.Canceled, b.urls[e.RequestID]))
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		b.note(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, text))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.note("console.error: " + strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			b.note(fmt.Sprintf("log error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

// note records p unless an expected entry names it. b.mu is held.
func (b *browser) note(p string) {
	for _, x := range b.expected {
		if strings.Contains(p, x) {
			return
		}
	}
	b.problems = append(b.problems, p)
}

// expect names problems (by a substring) that the test provokes on
// purpose, until the returned func is called.
func (b *browser) expect(subs ...string) (done func()) {
	b.mu.Lock()
	n := len(b.expected)
	b.expected = append(b.expected, subs...)
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.expected = b.expected[:n]
		b.mu.Unlock()
	}
}

// check fails t with every problem recorded since the last check.
func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	ps := b.problems
	b.problems = nil
	b.mu.Unlock()
	for _, p := range ps {
		t.Errorf("browser: %s", p)
	}
}

// do runs actions in the tab, at most 15 s.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// open navigates to the console page path and waits for its <main id="page-NAME">.
func (b *browser) open(t *testing.T, path, page string) {
	t.Helper()
	b.do(t, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main#page-"+page)))
}

// text returns the text of the first element sel matches, waiting for it.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browser: %s: %v", expr, err)
	}
	return v
}

// waitFor polls the JavaScript condition expr in the page (every 50 ms,
// at most 15 s) until it is true; what says what is awaited. A poll cut
// short by a navigation (a form's submit landing) is polled again in the
// new page.
func (b *browser) waitFor(t *testing.T, what, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if ctx.Err() != nil || !navigated(err) {
			t.Fatalf("browser: waiting for %s (%s): %v", what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navigated reports whether err is the page going away under an
// evaluation (Chrome's "Inspected target navigated or closed", or its
// execution context destroyed), not a failure of the page itself.
func navigated(err error) bool {
	m := err.Error()
	return strings.Contains(m, "navigated or closed") || strings.Contains(m, "context was destroyed") ||
		strings.Contains(m, "Cannot find context")
}

// screenSize is a viewport the screenshots are taken at.
type screenSize struct {
	name          string
	width, height int64
	mobile        bool
}

// screenSizes are a desktop's and a phone's.
var screenSizes = []screenSize{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}}

// resize sets the tab's viewport to s.
func (b *browser) resize(t *testing.T, s screenSize) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if s.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	b.do(t, chromedp.EmulateViewport(s.width, s.height, opts...))
}

// screenshot writes a full-page PNG of the tab as test-output/console/NAME.png.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
