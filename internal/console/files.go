package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"cmtftp/internal/domain"
)

// filesData is the files page's: the custom files, the built-file
// cache's state (nil when the server has none), and a refusal to show.
type filesData struct {
	Files    []domain.CustomFile
	Root     []rootFile
	RootMore bool // more root files than are listed
	Cache    *jsonTable
	Error    string
	Done     string
}

// loadFiles reads the files page's data through the API.
func (c *Console) loadFiles(r *http.Request) (*filesData, error) {
	d := &filesData{}
	if err := c.call(r.Context(), http.MethodGet, "/api/v1/files", nil, &d.Files); err != nil {
		return nil, err
	}
	var cache any
	if err := c.call(r.Context(), http.MethodGet, "/api/v1/cache/status", nil, &cache); err == nil {
		d.Cache = tableOf(cache)
	}
	var err error
	if d.Root, d.RootMore, err = rootFiles(c.cfg.Root, c.cfg.Cached); err != nil {
		c.log.Warn("console: TFTP root unreadable", "err", err)
	}
	return d, nil
}

// files serves GET /ui/files.
func (c *Console) files(w http.ResponseWriter, r *http.Request, ses session) error {
	d, err := c.loadFiles(r)
	if err != nil {
		return err
	}
	d.Done = r.URL.Query().Get("done")
	return c.render(w, r, http.StatusOK, "files", ses, d)
}

// filesRefused shows the files page with the API's refusal of a write;
// other errors are returned.
func (c *Console) filesRefused(w http.ResponseWriter, r *http.Request, ses session, err error) error {
	var ae *APIError
	var se *statusError
	msg, status := "", 0
	switch {
	case errors.As(err, &ae) && ae.Status < 500:
		msg, status = ae.Message, ae.Status
	case errors.As(err, &se) && se.Status < 500:
		msg, status = se.Message, se.Status
	default:
		return err
	}
	d, derr := c.loadFiles(r)
	if derr != nil {
		return derr
	}
	d.Error = msg
	return c.render(w, r, status, "files", ses, d)
}

// upload serves POST /ui/files: a multipart form with an optional "name"
// field before the "file" part; the file streams to the API's PUT
// /api/v1/files/NAME (a new file, or the replacement of one).
func (c *Console) upload(w http.ResponseWriter, r *http.Request, ses session) error {
	name, err := c.streamUpload(r)
	if err != nil {
		return c.filesRefused(w, r, ses, err)
	}
	http.Redirect(w, r, "/ui/files?done="+escapePath(name), http.StatusSeeOther)
	return nil
}

// streamUpload copies the form's file part to the API and returns the
// file's name.
func (c *Console) streamUpload(r *http.Request) (string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", badRequest("upload: want a multipart form")
	}
	name := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", badRequest("upload: choose a file")
		}
		if err != nil {
			return "", badRequest("upload: " + err.Error())
		}
		switch part.FormName() {
		case "name":
			b, _ := io.ReadAll(io.LimitReader(part, 1024))
			name = strings.TrimSpace(string(b))
		case "file":
			if name == "" {
				name = part.FileName()
			}
			if name == "" {
				return "", badRequest("upload: the file needs a name")
			}
			path, err := nameInPath("/api/v1/files/", name)
			if err != nil {
				return "", err
			}
			if _, err := c.callRaw(r.Context(), http.MethodPut, path, part, "application/octet-stream"); err != nil {
				return "", fmt.Errorf("console: upload %s: %w", name, err)
			}
			return name, nil
		}
	}
}

// removeFile serves POST /ui/files/delete with name: DELETE
// /api/v1/files/NAME.
func (c *Console) removeFile(w http.ResponseWriter, r *http.Request, ses session) error {
	name := r.PostFormValue("name")
	if name == "" {
		return c.filesRefused(w, r, ses, badRequest("remove: which file?"))
	}
	path, err := nameInPath("/api/v1/files/", name)
	if err == nil {
		err = c.call(r.Context(), http.MethodDelete, path, nil, nil)
	}
	if err != nil {
		return c.filesRefused(w, r, ses, err)
	}
	http.Redirect(w, r, "/ui/files?done="+escapePath(name), http.StatusSeeOther)
	return nil
}
