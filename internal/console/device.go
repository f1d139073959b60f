package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/timeline"
)

// deviceData is the device page's.
type deviceData struct {
	Config   domain.DeviceConfig
	Files    []string
	Timeline []timeline.Entry
	After    int64             // the newest timeline entry's time (Unix ns), where the live stream resumes
	Errors   map[string]string // a line's number → the API's refusal of its edit
	Saved    string            // the line just saved
}

// loadDevice reads what the device page shows, through the API.
func (c *Console) loadDevice(r *http.Request, name string) (*deviceData, error) {
	d := &deviceData{Errors: map[string]string{}}
	if err := c.call(r.Context(), http.MethodGet, "/api/v1/devices/"+url.PathEscape(name)+"/config", nil, &d.Config); err != nil {
		return nil, err
	}
	d.Files = render.DeviceFiles(&d.Config)
	if c.cfg.Timeline != nil {
		d.Timeline = c.cfg.Timeline.Of(name)
	}
	if n := len(d.Timeline); n > 0 {
		d.After = d.Timeline[n-1].Time.UnixNano()
	}
	return d, nil
}

// device serves GET /ui/devices/{name}.
func (c *Console) device(w http.ResponseWriter, r *http.Request, ses session) error {
	d, err := c.loadDevice(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved")
	return c.render(w, r, http.StatusOK, "device", ses, d)
}

// editLine serves POST /ui/devices/{name}/lines/{number}: the line's
// display name and label, written through the API (PUT /api/v1/lines/N);
// a refusal is shown next to the line's form.
func (c *Console) editLine(w http.ResponseWriter, r *http.Request, ses session) error {
	name, number := r.PathValue("name"), r.PathValue("number")
	path := "/api/v1/lines/" + url.PathEscape(number)
	var line domain.Line
	err := c.call(r.Context(), http.MethodGet, path, nil, &line)
	if err == nil {
		line.DisplayName = r.PostFormValue("displayName")
		line.Label = r.PostFormValue("label")
		err = c.call(r.Context(), http.MethodPut, path, &line, nil)
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status < 500 {
		d, derr := c.loadDevice(r, name)
		if derr != nil {
			return derr
		}
		d.Errors[number] = ae.Message
		return c.render(w, r, ae.Status, "device", ses, d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ui/devices/"+url.PathEscape(name)+"?saved="+url.QueryEscape(number), http.StatusSeeOther)
	return nil
}

// deviceFileData is the page of one of a device's files.
type deviceFileData struct {
	Device string
	File   string
	Text   string // the bytes, when they are text
	Size   int64
	Binary bool
	Source string // the records it was built from
}

// deviceFile serves GET /ui/devices/{name}/files/{file...}: the current
// bytes of a file the device gets, as the server builds them now.
func (c *Console) deviceFile(w http.ResponseWriter, r *http.Request, ses session) error {
	file := r.PathValue("file")
	path, err := nameInPath("/api/v1/build/", file)
	if err != nil {
		return err
	}
	rec, err := c.callRaw(r.Context(), http.MethodGet, path, nil, "")
	if err != nil {
		return err
	}
	b := rec.body.Bytes()
	d := deviceFileData{Device: r.PathValue("name"), File: file, Size: int64(len(b)), Source: rec.header.Get("X-Cmtftp-Sources")}
	if utf8.Valid(b) && !strings.ContainsRune(string(b), 0) {
		d.Text = string(b)
	} else {
		d.Binary = true
	}
	return c.render(w, r, http.StatusOK, "devicefile", ses, d)
}
