package admin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

// repeater yields item n times.
type repeater struct {
	item []byte
	n    int
	off  int
}

func (r *repeater) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.item[r.off:])
		w += c
		if r.off += c; r.off == len(r.item) {
			r.off, r.n = 0, r.n-1
		}
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// bigBody is head, item repeated to about size bytes, then tail.
func bigBody(head, item, tail string, size int) (io.Reader, int) {
	n := (size - len(head) - len(tail)) / len(item)
	return io.MultiReader(strings.NewReader(head), &repeater{item: []byte(item), n: n}, strings.NewReader(tail)),
		len(head) + n*len(item) + len(tail)
}

// statusKB reads a "Vm…: N kB" line of /proc/self/status.
func statusKB(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// peakGrowth runs f and returns how far the process's resident set rose
// above where it stood after a GC (the kernel's peak, VmHWM, reset first).
func peakGrowth(t *testing.T, f func()) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset the peak RSS: %v", err)
	}
	base := statusKB(t, "VmRSS")
	f()
	return (statusKB(t, "VmHWM") - base) << 10
}

// rawPost sends body as POST path (or "METHOD path") over its own TCP
// connection and reads the answer while the body is still being sent. The
// body is JSON, but for a path of /files/.
func rawPost(t *testing.T, addr, path string, body io.Reader, size int) (int, *Error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		if !strings.Contains(path, " ") {
			path = "POST " + path
		}
		ctype := "application/json"
		if strings.Contains(path, "/files/") {
			ctype = "application/octet-stream"
		}
		fmt.Fprintf(conn, "%s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, ctype, size)
		io.Copy(conn, body) // the server may stop reading: the error is expected
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	var e struct{ Error *Error }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e); err != nil || e.Error == nil {
		t.Fatalf("answer %d is not an error body: %v", resp.StatusCode, err)
	}
	conn.Close()
	<-sent
	return resp.StatusCode, e.Error
}

// TestApplyBoundedMemory sends 50 MB site documents to a real admin server
// over a real connection: each is refused with a clear error, and the
// process's resident set grows by less than 120 MiB (600 bytes for each of
// the DefaultMaxRecords records a document may hold, under 2.6 times the
// body; times raceMemFactor under the race detector). A 50 MB body of empty
// device records used to take the heap to 8.7 GB; it now costs nothing.
func TestApplyBoundedMemory(t *testing.T) {
	const size, bound = 50_000_000, 120 << 20 * raceMemFactor
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, tc := range []struct {
		name             string
		lim              Limits
		head, item, tail string
		status           int
		code, msg        string
	}{
		{"empty devices", Limits{}, `{"devices":[`, `{},`, `{}]}`, 422, CodeInvalid, "required"},
		{"valid lines past the record count", Limits{}, `{"lines":[`, `{"number":"4001"},`, `{"number":"4001"}]}`, 413, CodeTooLarge, "200000 records"},
		{"valid devices past the record count", Limits{}, `{"devices":[`, `{"name":"SEP001122334455","model":"7961","pool":"HQ"},`, `{"name":"SEP001122334455","model":"7961","pool":"HQ"}]}`, 413, CodeTooLarge, "200000 records"},
		{"one huge record", Limits{}, `{"devices":[{"name":"SEP001122334455","description":"`, `aaaaaaaaaaaaaaaa`, `"}]}`, 413, CodeTooLarge, "a record of devices: more than 65536 bytes"},
		{"whitespace", Limits{}, `{"devices":`, `                `, `[]}`, 413, CodeTooLarge, "more than 65536 bytes"},
		{"a huge list name", Limits{}, `{"`, `dddddddddddddddd`, `":[]}`, 413, CodeTooLarge, "more than 65536 bytes"},
		{"past the body limit", Limits{Body: 4 << 20, Records: 1 << 30}, `{"lines":[`, `{"number":"4001"},`, `{"number":"4001"}]}`, 413, CodeTooLarge, "request body: more than 4194304 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer((&Server{Store: st, Limits: tc.lim}).Handler())
			defer srv.Close()
			var status int
			var e *Error
			grew := peakGrowth(t, func() {
				body, n := bigBody(tc.head, tc.item, tc.tail, size)
				status, e = rawPost(t, srv.Listener.Addr().String(), "/api/v1/apply", body, n)
			})
			t.Logf("%d %s %q; resident set grew %.1f MiB", status, e.Code, e.Message, float64(grew)/(1<<20))
			if status != tc.status || e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("answer %d %s %q, want %d %s with %q", status, e.Code, e.Message, tc.status, tc.code, tc.msg)
			}
			if grew > bound {
				t.Errorf("resident set grew %d MiB for a %d MB body, bound %d MiB", grew>>20, size/1_000_000, bound>>20)
			}
		})
	}
}

// TestRecordLimits: one record PUT or POST is at most RecordBytes of JSON,
// a raw file upload at most 64 MiB.
func TestRecordLimits(t *testing.T) {
	c, _, srv := newAPI(t, "")
	addr := srv.Listener.Addr().String()
	for _, tc := range []struct {
		name, req        string
		head, item, tail string
		size             int
		status           int
		msg              string
	}{
		{"line", "PUT /api/v1/lines/4001", `{"number":"4001","displayName":"`, "aaaaaaaa", `"}`, 100 << 10, 413, "request body: more than 65536 bytes"},
		{"new line", "POST /api/v1/lines", `{"number":"4001","displayName":"`, "aaaaaaaa", `"}`, 100 << 10, 413, "request body: more than 65536 bytes"},
		{"parameter", "PUT /api/v1/params/BuildCNFFiles", `{"value":"`, "aaaaaaaa", `"}`, 100 << 10, 413, "request body: more than 65536 bytes"},
		{"raw file", "PUT /api/v1/files/big.bin", "", "aaaaaaaa", "", MaxFileUpload + 8, 413, "request body: more than 536870912 bytes"},
		{"a line within the limit", "PUT /api/v1/lines/4001", `{"number":"4001","displayName":"`, "aaaaaaaa", `"}`, 1 << 10, 422, "displayName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, n := bigBody(tc.head, tc.item, tc.tail, tc.size)
			status, e := rawPost(t, addr, tc.req, body, n)
			if status != tc.status || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("%d %s %q, want %d with %q", status, e.Code, e.Message, tc.status, tc.msg)
			}
		})
	}
	if _, _, err := c.PutFile(context.Background(), "ok.bin", bytes.NewReader(make([]byte, 1<<20)), 1<<20, ""); err != nil {
		t.Errorf("a 1 MiB file: %v", err)
	}
}

// decodeStatus decodes doc and returns the API status its error maps to
// (200 without one).
func decodeStatus(doc string, lim Limits) (*domain.Site, int, string) {
	site, err := DecodeSite(strings.NewReader(doc), lim)
	if err != nil {
		e := toError(err)
		return nil, e.Status, e.Code + ": " + e.Message
	}
	return site, 200, ""
}

func TestDecodeSite(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		lim       Limits
		status    int
		msg       string
	}{
		{"empty", `{}`, Limits{}, 200, ""},
		{"null list", `{"lines":null}`, Limits{}, 200, ""},
		{"not an object", `[]`, Limits{}, 400, `want "{", got [`},
		{"unknown list", `{"widgets":[]}`, Limits{}, 400, `"widgets"`},
		{"repeated list", `{"lines":[],"lines":[]}`, Limits{}, 400, `repeated list "lines"`},
		{"data after", `{"lines":[]} {}`, Limits{}, 400, "after the site document"},
		{"not a list", `{"lines":{}}`, Limits{}, 400, "lines: not a list"},
		{"unknown field", `{"lines":[{"number":"1","colour":1}]}`, Limits{}, 400, `lines[0]: json: unknown field "colour"`},
		{"cut short", `{"lines":[{"number":"1"}`, Limits{}, 400, "unexpected EOF"},
		{"invalid record", `{"lines":[{"number":"1"},{"number":""}]}`, Limits{}, 422, `line: number: "" is not a directory number`},
		{"null record", `{"lines":[null]}`, Limits{}, 422, "is not a directory number"},
		{"unknown parameter", `{"serviceParameters":[{"name":"NoSuch","value":"x"}]}`, Limits{}, 422, "no such service parameter"},
		{"records", `{"lines":[{"number":"1"},{"number":"2"}],"groups":[{"name":"G","servers":["a"]}]}`, Limits{Records: 2}, 413, "more than 2 records"},
		{"record bytes", `{"lines":[{"number":"1","displayName":"` + strings.Repeat("x", 100) + `"}]}`, Limits{RecordBytes: 64}, 413, "a record of lines: more than 64 bytes"},
		{"files get more room", `{"files":[{"name":"a.txt","data":"` + strings.Repeat("QUFB", 100) + `"}]}`, Limits{RecordBytes: 64}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, status, msg := decodeStatus(tc.doc, tc.lim)
			if status != tc.status || !strings.Contains(msg, tc.msg) {
				t.Errorf("%d %q, want %d with %q", status, msg, tc.status, tc.msg)
			}
		})
	}
}

// TestDecodeSiteSame: a whole site reads as json.Unmarshal reads it, each
// record normalized and parameters given their scope.
func TestDecodeSiteSame(t *testing.T) {
	doc, err := json.Marshal(storetest.Site())
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSite(bytes.NewReader(doc), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var want domain.Site
	if err := json.Unmarshal(doc, &want); err != nil {
		t.Fatal(err)
	}
	got.Entities() // as want's: listing gives remote clusters their site-order priority
	for _, e := range want.Entities() {
		if _, ok := e.(*domain.CustomFile); !ok {
			if err := domain.Normalize(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(&want)
	if !bytes.Equal(g, w) || len(got.Entities()) < 10 {
		t.Errorf("DecodeSite read\n%s\njson.Unmarshal\n%s", g, w)
	}
}

// FuzzDecodeSite: any document is read or refused with a 400, 413 or 422,
// never a panic or a 500, within the limits; what is read reads back the
// same.
func FuzzDecodeSite(f *testing.F) {
	doc, _ := json.Marshal(storetest.Site())
	f.Add(string(doc))
	for _, s := range []string{`{}`, `{"lines":[{"number":"1"}]}`, `{"devices":[{},{}]}`, `{"lines":[],"lines":[]}`, `{"files":[{"name":"a","data":"QQ=="}]}`,
		`{"enterpriseParameters":[{"name":"BuildCNFFiles","value":"all"}]}`, `{"devices":[{"name":"SEP001122334455","model":"7961","pool":"HQ","lines":[{"button":1,"line":"4001"}]}]}`} {
		f.Add(s)
	}
	lim := Limits{Records: 50, RecordBytes: 4096}
	f.Fuzz(func(t *testing.T, doc string) {
		site, status, msg := decodeStatus(doc, lim)
		switch status {
		case 200:
		case 400, 413, 422:
			return
		default:
			t.Fatalf("status %d %s", status, msg)
		}
		if n := len(site.Entities()); n > lim.Records {
			t.Fatalf("%d records read, limit %d", n, lim.Records)
		}
		again, _ := json.Marshal(site)
		site2, status, msg := decodeStatus(string(again), Limits{})
		if status != 200 {
			t.Fatalf("read back: %d %s\n%s", status, msg, again)
		}
		if again2, _ := json.Marshal(site2); !bytes.Equal(again, again2) {
			t.Fatalf("read back differs:\n%s\n%s", again, again2)
		}
	})
}
