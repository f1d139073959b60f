package admin

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// apply serves POST /api/v1/apply: a whole site document written in one
// transaction. The document is read one record at a time within s.Limits
// (DecodeSite).
func (s *Server) apply(w http.ResponseWriter, r *http.Request) error {
	lim := s.Limits.withDefaults()
	site, err := DecodeSite(http.MaxBytesReader(w, r.Body, lim.Body), lim)
	if err != nil {
		return err
	}
	res, err := s.Store.Apply(r.Context(), site)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// export serves GET /api/v1/export: the whole configuration, written as
// it is read (ExportTo). An error before the first bytes went out is an
// error response; after, the response is cut off, so the client cannot
// take a partial document for a whole one.
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	lw := &lazyWriter{w: w, rc: http.NewResponseController(w), stall: cmp.Or(s.WriteStall, DefaultWriteStall)}
	defer lw.rc.SetWriteDeadline(time.Time{}) // the connection may serve more requests
	if err := ExportTo(r.Context(), s.Store, lw); err != nil {
		if !lw.started {
			return err
		}
		if s.Logger != nil {
			s.Logger.Warn("export cut off", "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	return nil
}

// lazyWriter sends the JSON headers and 200 with the first bytes, and
// gives every write (a 64 KiB chunk of ExportTo's buffer) stall to go out:
// a client that stops reading fails the write, which ends the export and
// frees the store's read snapshot, rather than holding it for as long as
// the connection lives.
type lazyWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	stall   time.Duration
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	l.rc.SetWriteDeadline(time.Now().Add(l.stall)) // an error: the writer has no deadlines; nothing to bound
	if !l.started {
		l.started = true
		l.w.Header().Set("Content-Type", "application/json")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(b)
}

// Export returns the whole configuration as a site document (exported).
func Export(ctx context.Context, st store.Store) (*domain.Site, error) {
	site := &domain.Site{}
	for _, k := range domain.Kinds() {
		if err := exported(ctx, st, k, func(e domain.Entity) error { site.Add(e); return nil }); err != nil {
			return nil, err
		}
	}
	return site, nil
}

// ExportTo writes the whole configuration to w as the JSON site document
// Export returns, one record at a time as the store streams them
// (store.Each), so memory stays bounded whatever the size of the site.
func ExportTo(ctx context.Context, st store.Store, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	sep := "{"
	for _, k := range domain.Kinds() {
		n := 0
		err := exported(ctx, st, k, func(e domain.Entity) error {
			b, err := json.MarshalIndent(e, "    ", "  ")
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(bw, "%s\n  %q: [\n    ", sep, kindLists()[k])
				sep = ","
			} else {
				bw.WriteString(",\n    ")
			}
			n++
			_, err = bw.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n  ]")
		}
	}
	if sep == "{" {
		bw.WriteString("{")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// exported calls f for every record of kind k the export holds: built-in
// models left out (every store has them); remote clusters in search order
// (priority, then name), numbered 1, 2, 3 … in that order, so that applying
// the document again gives the same order even where stored priorities
// were equal or 0; custom files with their bytes, those above
// store.InlineFileBytes by size and SHA-256 alone (domain.CustomFile's
// IsReference: applied where those bytes are stored, refused elsewhere).
func exported(ctx context.Context, st store.Store, k domain.Kind, f func(domain.Entity) error) error {
	switch k {
	case domain.KindModel:
		return store.Each(ctx, st, k, func(e domain.Entity) error {
			if e.(*domain.Model).Builtin {
				return nil
			}
			return f(e)
		})
	case domain.KindFile: // listed without their bytes: Get adds them, up to store.InlineFileBytes
		return store.Each(ctx, st, k, func(e domain.Entity) error {
			full, err := store.Get[*domain.CustomFile](ctx, st, e.Key())
			if err != nil {
				return err
			}
			return f(full)
		})
	case domain.KindRemote: // a handful: sorted in memory
		rs, err := store.List[*domain.RemoteCluster](ctx, st)
		if err != nil {
			return err
		}
		slices.SortStableFunc(rs, func(a, b *domain.RemoteCluster) int { return cmp.Compare(a.Priority, b.Priority) })
		for i, r := range rs {
			r.Priority = i + 1
			if err := f(r); err != nil {
				return err
			}
		}
		return nil
	}
	return store.Each(ctx, st, k, f)
}

// kindLists names the site document's list of every kind, as domain.Site
// marshals it.
var kindLists = sync.OnceValue(func() map[domain.Kind]string {
	out := map[domain.Kind]string{}
	for _, k := range domain.Kinds() {
		e, err := domain.New(k)
		if err != nil {
			panic(err)
		}
		site := &domain.Site{}
		site.Add(e)
		b, err := json.Marshal(site)
		if err != nil {
			panic(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil || len(m) != 1 {
			panic(fmt.Sprintf("site document of one %s: %s", k, b))
		}
		for name := range m {
			out[k] = name
		}
	}
	return out
})
