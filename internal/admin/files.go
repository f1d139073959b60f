package admin

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Custom files travel as raw bytes, streamed both ways: PUT
// /api/v1/files/NAME with any body but JSON stores the body as the file,
// chunk by chunk, never whole (store.FileStore.PutFile); GET
// /api/v1/files/NAME?raw sends the bytes as the database yields them, one
// chunk at a time, with Content-Length, an ETag and X-Checksum-Sha256
// carrying the file's SHA-256. The JSON forms (a record with base64 data)
// still work for files of at most MaxFileRecordBytes.
const (
	// MaxFileUpload is the largest raw body PUT /api/v1/files/NAME takes
	// (413 past it, and nothing is stored).
	MaxFileUpload = 512 << 20
	// ChecksumHeader carries a file's SHA-256 in hex: sent with an upload,
	// the bytes must have it or nothing is stored (422); sent with a raw
	// download, it is the stored file's. An upload may give it instead as
	// RFC 9530's "Content-Digest: sha-256=:BASE64:".
	ChecksumHeader = "X-Checksum-Sha256"
)

// putFile serves PUT /api/v1/files/NAME with a raw body of at most limit
// bytes: the body streams into the store.
func (s *Server) putFile(w http.ResponseWriter, r *http.Request, name string, limit int64) error {
	files, err := store.FilesOf(s.Store)
	if err != nil {
		return err
	}
	want, err := wantSHA256(r.Header)
	if err != nil {
		return err
	}
	if r.ContentLength > limit { // refused before a byte is read (and before "100 Continue")
		return tooLarge(&LimitError{What: "request body", Limit: limit})
	}
	f, changed, err := files.PutFile(r.Context(), name, http.MaxBytesReader(w, r.Body, limit), want)
	if err != nil {
		return err
	}
	w.Header().Set("X-Cmtftp-Changed", fmt.Sprint(changed))
	writeJSON(w, http.StatusOK, f)
	return nil
}

// wantSHA256 returns the SHA-256 (hex) an upload's headers say its bytes
// have, "" when they say none.
func wantSHA256(h http.Header) (string, error) {
	if v := strings.TrimSpace(h.Get(ChecksumHeader)); v != "" {
		if b, err := hex.DecodeString(v); err != nil || len(b) != 32 {
			return "", badRequest(ChecksumHeader + ": want 64 hex digits, not " + strconv.Quote(v))
		}
		return strings.ToLower(v), nil
	}
	for part := range strings.SplitSeq(h.Get("Content-Digest"), ",") {
		alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(strings.Trim(val, ":"))
		if err != nil || len(b) != 32 {
			return "", badRequest("Content-Digest: sha-256 wants 32 bytes in base64 between colons")
		}
		return hex.EncodeToString(b), nil
	}
	return "", nil
}

// getFileRaw serves GET /api/v1/files/NAME?raw: the bytes streamed as the
// database yields them. A write that makes no progress for WriteStall
// ends the response (freeing the store's snapshot); bytes that turn out
// not to match the stored SHA-256, or a database failing mid-way, cut the
// response off, so the client never takes them for the whole file.
func (s *Server) getFileRaw(w http.ResponseWriter, r *http.Request, name string) error {
	files, err := store.FilesOf(s.Store)
	if err != nil {
		return err
	}
	f, body, err := files.OpenFile(r.Context(), name)
	if err != nil {
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set(ChecksumHeader, f.SHA256)
	h.Set("Last-Modified", f.Modified.UTC().Format(http.TimeFormat))
	rc := http.NewResponseController(w)
	defer rc.SetWriteDeadline(time.Time{}) // the connection may serve more requests
	w.WriteHeader(http.StatusOK)
	sw := &stallWriter{w: w, rc: rc, stall: cmp.Or(s.WriteStall, DefaultWriteStall)}
	if _, err := io.Copy(sw, body); err != nil {
		if s.Logger != nil {
			s.Logger.Warn("custom file download cut off", "file", name, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	return nil
}

// stallWriter gives every write stall to go out.
type stallWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	stall time.Duration
}

func (s *stallWriter) Write(b []byte) (int, error) {
	s.rc.SetWriteDeadline(time.Now().Add(s.stall)) // an error: the writer has no deadlines; nothing to bound
	return s.w.Write(b)
}

// isRawFile reports whether a request for kind k carries or asks for a
// custom file's raw bytes rather than its JSON record.
func isRawFile(k domain.Kind, r *http.Request) bool {
	if k != domain.KindFile {
		return false
	}
	if r.Method == http.MethodGet {
		return r.URL.Query().Has("raw")
	}
	return !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}
