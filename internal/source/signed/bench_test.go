package signed

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"testing"

	"cmtftp/internal/source"
)

// benchRequest is a TFTP request for name.
func benchRequest(b *testing.B, name string) *source.Request {
	req, err := source.NewRequest(name, source.TFTP, netip.MustParseAddrPort("192.0.2.7:49152"), netip.MustParseAddr("192.0.2.1"))
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// BenchmarkSignedHit is the per-request cost of a signed 8 KB file whose
// header is kept: the inner chain's miss for X.sgn and hit for X, the
// kept header, the served file opened and closed. "memory" asks only
// files held in memory (the step's own cost); "disk" has the disk root
// behind them, as the real chain does (its miss for X.sgn).
func BenchmarkSignedHit(b *testing.B) {
	x := string(bytes.Repeat([]byte("<softKey/>\n"), 8192/11))
	for _, withDisk := range []bool{false, true} {
		b.Run(map[bool]string{false: "memory", true: "disk"}[withDisk], func(b *testing.B) {
			r := newRig(b, map[string]string{"SKStandard-User.xml": x})
			if !withDisk {
				r.step.Inner = r.mem
			}
			req := benchRequest(b, "SKStandard-User.xml.sgn")
			ctx := context.Background()
			r.mustGet(b, req.Name)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				f, err := r.step.Open(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
			if r.signs.Load() != 1 {
				b.Fatalf("%d signings", r.signs.Load())
			}
		})
	}
}

// BenchmarkSignedMiss is the cost of signing an 8 KB file (RSA 2048,
// SHA-512): each request finds new content.
func BenchmarkSignedMiss(b *testing.B) {
	x := string(bytes.Repeat([]byte("<softKey/>\n"), 8192/11))
	r := newRig(b, map[string]string{"SKStandard-User.xml": x})
	r.step.Inner = r.mem
	req := benchRequest(b, "SKStandard-User.xml.sgn")
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		i++
		r.mem.set("SKStandard-User.xml", fmt.Sprintf("%s<!-- %d -->", x, i))
		b.StartTimer()
		f, err := r.step.Open(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
