package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/tftpclient"
)

// changeTarget is one server polled for the changed file.
type changeTarget struct {
	label string
	fetch func(ctx context.Context, name string) ([]byte, error)
}

// parseChangeTarget reads LABEL=HOST:PORT (TFTP) or LABEL=http://HOST:PORT.
func parseChangeTarget(s string) (changeTarget, error) {
	label, addr := splitLabel(s, "")
	if label == "" {
		label = addr
	}
	if strings.HasPrefix(addr, "http://") {
		base := strings.TrimRight(addr, "/")
		hc := &http.Client{Timeout: 2 * time.Second}
		return changeTarget{label: label, fetch: func(ctx context.Context, name string) ([]byte, error) {
			return httpFetch(ctx, hc, base+"/"+url.PathEscape(name))
		}}, nil
	}
	if !strings.Contains(addr, ":") {
		return changeTarget{}, fmt.Errorf("--server %q: want LABEL=HOST:PORT or LABEL=http://HOST:PORT", s)
	}
	c := &tftpclient.Client{Timeout: 250 * time.Millisecond, Retries: 3}
	return changeTarget{label: label, fetch: func(ctx context.Context, name string) ([]byte, error) {
		var buf bytes.Buffer
		_, err := c.Get(ctx, addr, name, &buf)
		return buf.Bytes(), err
	}}, nil
}

// httpFetch GETs one file; any status but 200 is an error.
func httpFetch(ctx context.Context, hc *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, err
}

// changeWriter renames one line through one write path; rename returns
// once the change is committed.
type changeWriter struct {
	label  string
	rename func(ctx context.Context, number, display string) error
	close  func() error
}

// openChangeWriter reads LABEL=api:URL or LABEL=sql:DSN (a --db value).
func openChangeWriter(ctx context.Context, s string) (changeWriter, error) {
	label, spec := splitLabel(s, "")
	kind, target, ok := strings.Cut(spec, ":")
	if label == "" {
		label = kind
	}
	switch {
	case ok && kind == "api":
		c := &admin.Client{Base: target}
		return changeWriter{label: label, close: func() error { return nil },
			rename: func(ctx context.Context, number, display string) error { return apiRename(ctx, c, number, display) }}, nil
	case ok && kind == "sql":
		return openSQLWriter(ctx, label, target)
	}
	return changeWriter{}, fmt.Errorf("--write %q: want LABEL=api:http://ADMIN or LABEL=sql:DSN", s)
}

// apiRename does what "cmtftp line set NUMBER --display-name NAME" does.
func apiRename(ctx context.Context, c *admin.Client, number, display string) error {
	e, err := c.Get(ctx, domain.KindLine, number)
	if err != nil {
		return fmt.Errorf("line %s: %w", number, err)
	}
	l, ok := e.(*domain.Line)
	if !ok {
		return fmt.Errorf("line %s: got a %T", number, e)
	}
	l.DisplayName = display
	changed, err := c.Put(ctx, l)
	if err == nil && !changed {
		err = fmt.Errorf("line %s: the admin API changed nothing", number)
	}
	return err
}

// openSQLWriter connects to the database itself: its UPDATE reaches the
// servers only through the database's triggers, as a change made in psql.
func openSQLWriter(ctx context.Context, label, dsn string) (changeWriter, error) {
	d, err := parseDB(dsn)
	if err != nil {
		return changeWriter{}, err
	}
	driver, source, q := "pgx", d.target, "UPDATE lines SET display_name = $1 WHERE number = $2"
	if d.driver == "sqlite" {
		driver, q = "sqlite", "UPDATE lines SET display_name = ? WHERE number = ?"
		source = "file:" + (&url.URL{Path: d.target}).EscapedPath() + "?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, source)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		return changeWriter{}, fmt.Errorf("--write %s: %w", label, err)
	}
	return changeWriter{label: label, close: db.Close, rename: func(ctx context.Context, number, display string) error {
		res, err := db.ExecContext(ctx, q, display, number)
		if err != nil {
			return fmt.Errorf("line %s: %w", number, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(fmt.Errorf("line %s: %d rows updated, want 1", number, n), err)
		}
		return nil
	}}, nil
}
