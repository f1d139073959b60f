package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/source/remote"
	"cmtftp/internal/store"
)

// Client calls the admin API. The CLI uses it; so can scripts.
type Client struct {
	// Base is the API's base URL, e.g. http://127.0.0.1:6980.
	Base string
	// Token is sent as a bearer token when set.
	Token string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
}

// requestBody returns the body of a request sending in, and its type.
func requestBody(in any) (io.Reader, string, error) {
	switch v := in.(type) {
	case nil:
		return nil, "", nil
	case []byte:
		return bytes.NewReader(v), "application/octet-stream", nil
	case upload:
		return v.body, "application/octet-stream", nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, "", err
	}
	return bytes.NewReader(b), "application/json", nil
}

func (c *Client) do(ctx context.Context, method, path string, in any, out any) (*http.Response, error) {
	body, ctype, err := requestBody(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Base, "/")+path, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if u, ok := in.(upload); ok {
		u.prepare(req)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin API at %s: %w (is `cmtftp serve` running? --server or CMTFTP_SERVER say where)", c.Base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		var e struct {
			Error *Error `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(b, &e) != nil || e.Error == nil {
			return resp, &Error{Code: CodeInternal, Message: fmt.Sprintf("%s %s: %s", method, path, resp.Status), Status: resp.StatusCode}
		}
		e.Error.Status = resp.StatusCode
		return resp, e.Error
	}
	if out == nil {
		return resp, nil
	}
	switch o := out.(type) {
	case *[]byte:
		*o, err = io.ReadAll(resp.Body)
		return resp, err
	case io.Writer: // the body as it comes, not held
		_, err = io.Copy(o, resp.Body)
		return resp, err
	}
	return resp, json.NewDecoder(resp.Body).Decode(out)
}

func collection(k domain.Kind) string {
	return "/api/v1/" + string(k) + "s"
}

func item(k domain.Kind, key string) string {
	return collection(k) + "/" + escapePath(key)
}

// escapePath escapes each segment of a key (file names keep their slashes).
func escapePath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// List returns every record of kind k.
func (c *Client) List(ctx context.Context, k domain.Kind) ([]domain.Entity, error) {
	var raw []json.RawMessage
	if _, err := c.do(ctx, http.MethodGet, collection(k), nil, &raw); err != nil {
		return nil, err
	}
	out := make([]domain.Entity, 0, len(raw))
	for _, r := range raw {
		e, err := domain.New(k)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(r, e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Get returns one record.
func (c *Client) Get(ctx context.Context, k domain.Kind, key string) (domain.Entity, error) {
	e, err := domain.New(k)
	if err != nil {
		return nil, err
	}
	_, err = c.do(ctx, http.MethodGet, item(k, key), nil, e)
	return e, err
}

// Put creates or replaces a record; it reports whether anything changed.
func (c *Client) Put(ctx context.Context, e domain.Entity) (bool, error) {
	resp, err := c.do(ctx, http.MethodPut, item(e.Kind(), e.Key()), e, e)
	if err != nil {
		return false, err
	}
	return resp.Header.Get("X-Cmtftp-Changed") == "true", nil
}

// Create adds a record that must not exist yet.
func (c *Client) Create(ctx context.Context, e domain.Entity) error {
	_, err := c.do(ctx, http.MethodPost, collection(e.Kind()), e, e)
	return err
}

// Delete removes a record.
func (c *Client) Delete(ctx context.Context, k domain.Kind, key string) error {
	_, err := c.do(ctx, http.MethodDelete, item(k, key), nil, nil)
	return err
}

// PutFile uploads a custom file's bytes from body, streamed as they are
// read, never held whole: size is their length (-1 when unknown: the body
// is sent chunked), sum their SHA-256 in hex, which the server checks
// before it stores anything ("" to check nothing). A body larger than the
// server takes (MaxFileUpload) is refused before it is sent. It reports
// whether the stored file changed.
func (c *Client) PutFile(ctx context.Context, name string, body io.Reader, size int64, sum string) (*domain.CustomFile, bool, error) {
	var f domain.CustomFile
	resp, err := c.do(ctx, http.MethodPut, item(domain.KindFile, name), upload{body, size, sum}, &f)
	if err != nil {
		return nil, false, err
	}
	return &f, resp.Header.Get("X-Cmtftp-Changed") == "true", nil
}

// upload is a raw request body of known size and SHA-256 (PutFile).
type upload struct {
	body io.Reader
	size int64
	sum  string
}

// prepare sets the request's length and checksum, and asks the server
// to answer before the body is sent (a refusal costs no upload).
func (u upload) prepare(req *http.Request) {
	req.ContentLength = u.size
	if u.size == 0 {
		req.Body = http.NoBody
	}
	if u.sum != "" {
		req.Header.Set(ChecksumHeader, u.sum)
	}
	if u.size != 0 {
		req.Header.Set("Expect", "100-continue")
	}
}

// GetFile writes a custom file's bytes to w as they arrive, never holding
// them whole, and checks them against the SHA-256 the server sends with
// them: a mismatch, or a transfer cut short, is an error (after what was
// written). It returns the file's SHA-256 (hex) and length.
func (c *Client) GetFile(ctx context.Context, name string, w io.Writer) (string, int64, error) {
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	resp, err := c.do(ctx, http.MethodGet, item(domain.KindFile, name)+"?raw", nil, io.Writer(cw))
	if err != nil {
		return "", cw.n, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want := resp.Header.Get(ChecksumHeader); want != "" && !strings.EqualFold(want, sum) {
		return sum, cw.n, fmt.Errorf("file %s: %d bytes received with SHA-256 %s, the server's is %s", name, cw.n, sum, want)
	}
	return sum, cw.n, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// Params returns every parameter with its value in effect.
func (c *Client) Params(ctx context.Context) ([]ParamView, error) {
	var ps []ParamView
	_, err := c.do(ctx, http.MethodGet, "/api/v1/params", nil, &ps)
	return ps, err
}

// Param returns one parameter.
func (c *Client) Param(ctx context.Context, name string) (ParamView, error) {
	var p ParamView
	_, err := c.do(ctx, http.MethodGet, "/api/v1/params/"+url.PathEscape(name), nil, &p)
	return p, err
}

// SetParam sets a parameter; an empty value with reset true restores the default.
func (c *Client) SetParam(ctx context.Context, name, value string, reset bool) (ParamView, error) {
	var p ParamView
	var err error
	if reset {
		_, err = c.do(ctx, http.MethodDelete, "/api/v1/params/"+url.PathEscape(name), nil, &p)
	} else {
		_, err = c.do(ctx, http.MethodPut, "/api/v1/params/"+url.PathEscape(name), map[string]string{"value": value}, &p)
	}
	return p, err
}

// Apply writes a site document in one transaction.
func (c *Client) Apply(ctx context.Context, s *domain.Site) (store.ApplyResult, error) {
	var res store.ApplyResult
	_, err := c.do(ctx, http.MethodPost, "/api/v1/apply", s, &res)
	return res, err
}

// Export returns the whole configuration.
func (c *Client) Export(ctx context.Context) (*domain.Site, error) {
	var s domain.Site
	_, err := c.do(ctx, http.MethodGet, "/api/v1/export", nil, &s)
	return &s, err
}

// ExportTo writes the whole configuration as the server's JSON site
// document to w as it arrives, holding none of it: the client's memory
// stays bounded whatever the site's size (Export decodes it whole). A
// transfer cut short (the server's database failing mid-way) is an error.
func (c *Client) ExportTo(ctx context.Context, w io.Writer) error {
	_, err := c.do(ctx, http.MethodGet, "/api/v1/export", nil, w)
	return err
}

// DeviceConfig returns a device with every record its files are built from.
func (c *Client) DeviceConfig(ctx context.Context, name string) (*domain.DeviceConfig, error) {
	var d domain.DeviceConfig
	_, err := c.do(ctx, http.MethodGet, "/api/v1/devices/"+url.PathEscape(name)+"/config", nil, &d)
	return &d, err
}

// Changes long-polls the change feed for events after id, waiting up to wait.
func (c *Client) Changes(ctx context.Context, after int64, wait string) ([]store.Change, error) {
	var out []store.Change
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/changes?after=%d&wait=%s", after, url.QueryEscape(wait)), nil, &out)
	return out, err
}

// RemoteStatus returns the health and counters of every remote cluster's
// servers (GET /api/v1/remotes/status, served by a running server).
func (c *Client) RemoteStatus(ctx context.Context) ([]remote.ClusterStatus, error) {
	var out []remote.ClusterStatus
	_, err := c.do(ctx, http.MethodGet, collection(domain.KindRemote)+"/status", nil, &out)
	if e := (*Error)(nil); errors.As(err, &e) && e.Status == http.StatusNotFound {
		return nil, fmt.Errorf("%w (the server at %s has no remote status: an older cmtftp serve?)", err, c.Base)
	}
	return out, err
}

// GetJSON fetches path (below the API's base URL) and decodes its JSON.
func (c *Client) GetJSON(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, http.MethodGet, path, nil, out)
	return err
}

// Built fetches the file cmtftp builds for name and the records it came from.
func (c *Client) Built(ctx context.Context, name string) ([]byte, []string, error) {
	var b []byte
	resp, err := c.do(ctx, http.MethodGet, "/api/v1/build/"+escapePath(name), nil, &b)
	if err != nil {
		return nil, nil, err
	}
	return b, strings.Split(resp.Header.Get("X-Cmtftp-Sources"), "; "), nil
}
