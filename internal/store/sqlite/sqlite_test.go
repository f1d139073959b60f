package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmtftp.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }
