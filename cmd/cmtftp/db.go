package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
)

// dbSpec is a parsed --db value.
type dbSpec struct {
	driver string // sqlite or postgres
	target string // file path or connection string
}

// parseDB understands sqlite:PATH, sqlite://PATH, a bare *.db path, and
// postgres:// or postgresql:// URLs.
func parseDB(dsn string) (dbSpec, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return dbSpec{"postgres", dsn}, nil
	case strings.HasPrefix(dsn, "sqlite://"):
		return dbSpec{"sqlite", strings.TrimPrefix(dsn, "sqlite://")}, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return dbSpec{"sqlite", strings.TrimPrefix(dsn, "sqlite:")}, nil
	case strings.HasSuffix(dsn, ".db") && !strings.Contains(dsn, "://"):
		return dbSpec{"sqlite", dsn}, nil
	}
	return dbSpec{}, fmt.Errorf("--db %q: use sqlite:PATH or postgres://USER@HOST/DB", dsn)
}

func (d dbSpec) String() string {
	if d.driver == "sqlite" {
		return "sqlite:" + d.target
	}
	return "postgres"
}

func openStore(ctx context.Context, d dbSpec) (*sqlstore.DB, error) {
	if d.driver == "postgres" {
		return postgres.Open(ctx, d.target)
	}
	if d.target == "" {
		return nil, errors.New("--db sqlite: needs a file path")
	}
	if dir := filepath.Dir(d.target); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, d.target)
}

// insideRoot reports whether a SQLite file would be inside the TFTP root,
// where any device could download it.
func insideRoot(d dbSpec, root string) bool {
	if d.driver != "sqlite" || root == "" {
		return false
	}
	db, err1 := filepath.Abs(d.target)
	r, err2 := filepath.Abs(root)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(r, db)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// loopbackOnly reports whether a listen address accepts loopback
// connections only.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminToken reads the token from --admin-token-file or CMTFTP_ADMIN_TOKEN.
func adminToken(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--admin-token-file: %w", err)
		}
		t := strings.TrimSpace(string(b))
		if t == "" {
			return "", fmt.Errorf("--admin-token-file %s is empty", file)
		}
		return t, nil
	}
	return strings.TrimSpace(os.Getenv(envToken)), nil
}

var _ store.Store = (*sqlstore.DB)(nil)
