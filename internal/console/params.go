package console

import (
	"errors"
	"net/http"
	"net/url"

	"cmtftp/internal/domain"
)

// paramView is a parameter as the API shows it (admin.ParamView's JSON).
type paramView struct {
	domain.ParamDef
	Value     string `json:"value"`
	IsDefault bool   `json:"isDefault"`
}

// paramsData is the parameters page's: every parameter, the value a
// refused form was sent with, the refusal by parameter name.
type paramsData struct {
	Params []paramView
	Tried  map[string]string
	Errors map[string]string
	Saved  string
}

// loadParams reads every parameter through the API.
func (c *Console) loadParams(r *http.Request) (*paramsData, error) {
	d := &paramsData{Tried: map[string]string{}, Errors: map[string]string{}}
	if err := c.call(r.Context(), http.MethodGet, "/api/v1/params", nil, &d.Params); err != nil {
		return nil, err
	}
	return d, nil
}

// params serves GET /ui/params.
func (c *Console) params(w http.ResponseWriter, r *http.Request, ses session) error {
	d, err := c.loadParams(r)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved")
	return c.render(w, r, http.StatusOK, "params", ses, d)
}

// setParam serves POST /ui/params/{name} with value (or reset=1): PUT
// (or DELETE) /api/v1/params/{name}; the API's refusal is shown next to
// the field, with the value that was sent.
func (c *Console) setParam(w http.ResponseWriter, r *http.Request, ses session) error {
	name := r.PathValue("name")
	path := "/api/v1/params/" + url.PathEscape(name)
	value := r.PostFormValue("value")
	var err error
	switch {
	case r.PostFormValue("reset") != "":
		err = c.call(r.Context(), http.MethodDelete, path, nil, nil)
	default:
		if r.PostFormValue("type") == string(domain.TypeBool) && value == "" {
			value = "false" // an unchecked box sends nothing
		}
		err = c.call(r.Context(), http.MethodPut, path, map[string]string{"value": value}, nil)
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status < 500 {
		d, derr := c.loadParams(r)
		if derr != nil {
			return derr
		}
		d.Tried[name], d.Errors[name] = value, ae.Message
		return c.render(w, r, ae.Status, "params", ses, d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ui/params?saved="+url.QueryEscape(name)+"#param-"+url.QueryEscape(name), http.StatusSeeOther)
	return nil
}
