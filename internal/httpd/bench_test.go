package httpd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkServe: a small configuration file and a 4 MiB load over a
// loopback keep-alive connection, through the deadlines and range checks.
func BenchmarkServe(b *testing.B) {
	files := map[string]string{"SEP001122334455.cnf.xml": strings.Repeat("<x/>", 1000), "load.bin": strings.Repeat("z", 4<<20)}
	srv := httptest.NewServer(&Handler{Source: chain(files)})
	defer srv.Close()
	for _, name := range []string{"SEP001122334455.cnf.xml", "load.bin"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(files[name])))
			for b.Loop() {
				resp, err := http.Get(srv.URL + "/" + name)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || n != int64(len(files[name])) {
					b.Fatalf("%d, %d bytes", resp.StatusCode, n)
				}
			}
		})
	}
}
