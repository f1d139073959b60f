package custom

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"

	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// migrateBefore migrates db with dir's migrations up to the last one
// before the one named *_file_chunks.sql, the schema whose custom_files
// holds the bytes itself.
func migrateBefore(t *testing.T, db *sql.DB, dialect goose.Dialect, dir string) {
	t.Helper()
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var before int64
	for _, n := range names {
		if strings.HasSuffix(n, "_file_chunks.sql") {
			v, err := strconv.ParseInt(strings.SplitN(n, "_", 2)[0], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			before = v - 1
		}
	}
	if before <= 0 {
		t.Fatalf("no *_file_chunks.sql migration in %s", dir)
	}
	p, err := goose.NewProvider(dialect, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), before); err != nil {
		t.Fatal(err)
	}
}

// TestMigratedFile: files stored whole by the schema before the chunks
// (one small, one of three chunks, one empty) are served after the
// migration, byte for byte, and the migration logs no change.
func TestMigratedFile(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		driver  string
		dialect goose.Dialect
		dir     string
		dsn     func(t *testing.T) string
		open    func(dsn string) (*sqlstore.DB, error)
	}{
		{"sqlite", "sqlite", goose.DialectSQLite3, "../../store/sqlite/migrations",
			func(t *testing.T) string { return filepath.Join(t.TempDir(), "old.db") },
			func(dsn string) (*sqlstore.DB, error) { return sqlite.Open(ctx, dsn) }},
		{"postgres", "pgx", goose.DialectPostgres, "../../store/postgres/migrations",
			func(t *testing.T) string { return storetest.NewPostgresDB(t) },
			func(dsn string) (*sqlstore.DB, error) { return postgres.Open(ctx, dsn) }},
	}
	files := map[string][]byte{"RingList.xml": []byte("<CiscoIPPhoneRingList/>"), "load.sbn": random(t, 2*store.FileChunkBytes+5), "empty": {}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := c.dsn(t)
			db, err := sql.Open(c.driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			migrateBefore(t, db, c.dialect, c.dir)
			for name, data := range files {
				if _, err := db.Exec("INSERT INTO custom_files (name, data, size, sha256, modified) VALUES ($1, $2, $3, $4, 1)",
					name, data, len(data), hexSHA(data)); err != nil {
					t.Fatal(err)
				}
			}
			var before int64
			db.QueryRow("SELECT count(*) FROM changes WHERE kind = 'file'").Scan(&before)
			db.Close()
			st := must(t)(c.open(dsn))
			var after int64
			st.SQL().QueryRow("SELECT count(*) FROM changes WHERE kind = 'file'").Scan(&after)
			if after != before {
				t.Errorf("the migration logged %d changes", after-before)
			}
			s := &Source{Store: st}
			for name, want := range files {
				f, err := open(t, s, name)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(f.(*source.Memory).Bytes(), want) {
					t.Errorf("%s: %d bytes served, want %d", name, f.Size(), len(want))
				}
			}
		})
	}
}
