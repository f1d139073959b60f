package custom

import (
	"context"
	"errors"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// TestNames: with Names, a name no custom file has is not found without
// the database (it is closed here, so asking it would be busy); a custom
// file's name is still asked of it; the change feed's creates and deletes
// keep the names; and names that could not be read mean every name is
// asked again.
func TestNames(t *testing.T) {
	ctx := context.Background()
	st := backends[0].open(t) // SQLite
	put(t, st, "ring.raw", []byte("ring"))
	s := &Source{Store: st, Names: st}
	s.HandleChange(ctx, store.Change{Kind: store.KindResync})
	if f, err := open(t, s, "ring.raw"); err != nil || f.Size() != 4 {
		t.Fatalf("ring.raw: %v %v", f, err)
	}
	s.HandleChange(ctx, store.Change{Kind: domain.KindFile, Key: "ring.raw", Op: store.OpUpdate}) // dropped: asked again
	s.HandleChange(ctx, store.Change{Kind: domain.KindFile, Key: "new.raw", Op: store.OpInsert})
	s.HandleChange(ctx, store.Change{Kind: domain.KindFile, Key: "gone.raw", Op: store.OpInsert})
	s.HandleChange(ctx, store.Change{Kind: domain.KindFile, Key: "gone.raw", Op: store.OpDelete})
	st.Close()
	for _, tc := range []struct {
		name string
		want error
	}{
		{"SEP000000000001.cnf.xml", source.ErrNotFound}, // no query
		{"gone.raw", source.ErrNotFound},
		{"ring.raw", source.ErrBusy}, // a custom file: the closed database is asked
		{"new.raw", source.ErrBusy},
	} {
		if _, err := open(t, s, tc.name); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	s.HandleChange(ctx, store.Change{Kind: store.KindResync}) // the names cannot be read now
	if _, err := open(t, s, "SEP000000000001.cnf.xml"); !errors.Is(err, source.ErrBusy) {
		t.Errorf("names unknown: %v, want busy (the database is asked)", err)
	}
}
