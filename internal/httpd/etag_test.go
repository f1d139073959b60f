package httpd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/source/built"
	"cmtftp/internal/store/sqlite"
)

// hashed is a file that offers its hash.
type hashed struct{ *source.Memory }

func (hashed) SHA256() string { return "offered" }

// TestETagOffered: a file that offers its SHA-256 has it as its ETag,
// not hashed again; one that does not is hashed.
func TestETagOffered(t *testing.T) {
	m := source.NewMemory([]byte("abc"), time.Unix(1700000000, 0))
	sum := sha256.Sum256([]byte("abc"))
	for _, tc := range []struct {
		f    source.File
		want string
	}{{hashed{m}, `"offered"`}, {m, `"` + hex.EncodeToString(sum[:]) + `"`},
		{struct{ source.File }{m}, `"` + hex.EncodeToString(sum[:]) + `"`}} { // the last offers no hash
		if got := etag(tc.f); got != tc.want {
			t.Errorf("etag(%T) = %s, want %s", tc.f, got, tc.want)
		}
	}
}

// TestCompressedServed: a built file served over HTTP once kept
// compressed has the bytes, ETag (their SHA-256) and Last-Modified of
// its first answer. The first round trains the dictionary; the files
// built again after it are kept compressed.
func TestCompressedServed(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		ctx := context.Background()
		st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		site := &domain.Site{Groups: []*domain.Group{{Name: "G1", Servers: []string{"cm1"}}},
			Pools: []*domain.Pool{{Name: "HQ", Group: "G1"}}, Servers: []*domain.Server{{Name: "cm1", Host: "192.0.2.21"}}}
		var names []string
		for i := range 300 {
			num, mac := strconv.Itoa(100000+i), fmt.Sprintf("%012X", 0xA00000000000+i)
			site.Lines = append(site.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
			site.Devices = append(site.Devices, &domain.Device{MAC: mac, Model: "8841", Protocol: domain.ProtocolSIP, Pool: "HQ",
				Lines: []domain.Appearance{{Button: 1, Line: num}}})
			names = append(names, "/SEP"+mac+".cnf.xml")
		}
		if _, err := st.Apply(ctx, site); err != nil {
			t.Fatal(err)
		}
		s := &built.Source{Store: st}
		srv := k.serve(&Handler{Source: s})
		defer srv.Close()
		type answer struct{ body, etag, mod string }
		first := map[string]answer{}
		for round := range 3 {
			for _, n := range names {
				resp, err := http.Get(srv.URL + n)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				sum := sha256.Sum256(b)
				got := answer{string(b), resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")}
				if resp.StatusCode != 200 || got.etag != `"`+hex.EncodeToString(sum[:])+`"` {
					t.Fatalf("round %d, %s: %d, ETag %s", round, n, resp.StatusCode, got.etag)
				}
				if a, ok := first[n]; !ok {
					first[n] = got
				} else if a != got {
					t.Errorf("round %d, %s: another answer than the first", round, n)
				}
			}
			for deadline := time.Now().Add(10 * time.Second); s.Stats().DictBytes == 0; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no dictionary trained")
				}
			}
			if round == 0 {
				s.Invalidate()
				clear(first)
			}
		}
		if st := s.Stats(); st.Compressed != len(names) {
			t.Errorf("%d files kept compressed: %+v", st.Compressed, st)
		}
	})
}
