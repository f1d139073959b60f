package built

import (
	"context"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"cmtftp/internal/source"
)

// benchDevices is the size of the generated site the benchmarks serve.
const benchDevices = 3000

// warmSite builds every device file of a generated 3,000-device site into
// a Source without a budget, twice (compressed, the second time with the
// dictionary trained on the first files), and returns the second build's
// time per file.
func warmSite(b *testing.B, compressed bool) (*Source, []string, time.Duration) {
	b.Helper()
	st, names := deviceSite(b, benchDevices)
	s := &Source{Store: st, MaxBytes: -1, Uncompressed: !compressed}
	warm := func() {
		for _, n := range names {
			if _, err := source.ReadFile(context.Background(), s, n, source.TFTP); err != nil {
				b.Fatal(err)
			}
		}
	}
	warm()
	if compressed {
		waitTrained(b, s)
	}
	s.Invalidate()
	start := time.Now()
	warm()
	return s, names, time.Since(start) / time.Duration(len(names))
}

// waitTrained waits until s has trained its dictionary.
func waitTrained(tb testing.TB, s *Source) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.codec.Load() == nil; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("no dictionary trained")
		}
	}
}

// BenchmarkOpenKept is the per-request cost of a kept file as it is: Open
// through the cache, the bytes taken without a copy (as tftpd does),
// Close. It reports the bytes each kept file counts against the budget.
func BenchmarkOpenKept(b *testing.B) { benchOpen(b, false, source.TFTP) }

// BenchmarkOpenCompressed is the same with the files kept compressed with
// the site's dictionary: each request decompresses into a pooled buffer.
func BenchmarkOpenCompressed(b *testing.B) { benchOpen(b, true, source.TFTP) }

// BenchmarkOpenCompressedHTTP is the same over HTTP, with the hash httpd
// takes for the ETag.
func BenchmarkOpenCompressedHTTP(b *testing.B) { benchOpen(b, true, source.HTTP) }

func benchOpen(b *testing.B, compressed bool, proto source.Protocol) {
	s, names, build := warmSite(b, compressed)
	st := s.Stats()
	if compressed && st.Compressed < len(names)*9/10 {
		b.Fatalf("only %d of %d files compressed", st.Compressed, len(names))
	}
	reqs := requests(b, names, proto)
	ctx := context.Background()
	b.ReportAllocs()
	runtime.GC() // the builds' garbage, not the requests'
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := s.Open(ctx, reqs[i%len(reqs)])
		if err != nil {
			b.Fatal(err)
		}
		if len(f.(interface{ Bytes() []byte }).Bytes()) == 0 {
			b.Fatal("empty")
		}
		if proto == source.HTTP && len(f.(interface{ SHA256() string }).SHA256()) != 64 {
			b.Fatal("no hash")
		}
		f.Close()
	}
	b.ReportMetric(float64(st.Bytes)/float64(st.Entries), "charged-B/file")
	b.ReportMetric(float64(st.FileBytes)/float64(st.Entries), "file-B/file")
	b.ReportMetric(float64(st.DictBytes), "dict-B")
	b.ReportMetric(float64(build.Nanoseconds()), "build-ns/file")
}

func requests(b *testing.B, names []string, proto source.Protocol) []*source.Request {
	b.Helper()
	reqs := make([]*source.Request, len(names))
	for i, n := range names {
		r, err := source.NewRequest(n, proto, netip.AddrPort{}, netip.Addr{})
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = r
	}
	return reqs
}
