package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"cmtftp/internal/domain"
)

// BenchmarkDevicesPage renders devices pages at 100,000 devices: the first
// page, a deep one (after the 90,000th name) and a text search, each the
// whole handler (session, search, timeline, template).
func BenchmarkDevicesPage(b *testing.B) {
	f := newFixture(b, "")
	site := &domain.Site{}
	for i := range 100_000 {
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("0000DE%06X", i), Model: "7961", Protocol: "SCCP", Pool: "HQ"})
	}
	if _, err := f.st.Apply(context.Background(), site); err != nil {
		b.Fatal(err)
	}
	h := f.con.Handler()
	ses := f.con.sessions.create(time.Now(), tokenHash(""))
	for _, bc := range []struct{ name, query string }{
		{"first", ""},
		{"deep", "?after=SEP0000DE015F90"},
		{"text", "?q=de00ab"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/ui/devices"+bc.query, nil)
				req.AddCookie(&http.Cookie{Name: cookieName, Value: ses.id})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d", rec.Code)
				}
			}
		})
	}
}
