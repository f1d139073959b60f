package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the parsed templates: one set per page, each the layout, the
// shared partials and the page's own file.
type pages struct {
	byName map[string]*template.Template
	parts  *template.Template // the partials alone, for the event streams' fragments
}

// pageNames lists the console's pages (templates/NAME.html).
var pageNames = [...]string{"login", "error", "overview", "devices", "device", "devicefile", "files", "params",
	"changes", "cluster", "remotes"}

// parsePages parses every page's template set.
func parsePages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	parts, err := template.New("partials.html").Funcs(funcs()).ParseFS(templateFS, "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	p.parts = parts
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs()).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: templates of %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what the layout gets: the page's name (its <main id>), the
// session's CSRF token, whether a logout is offered, and the page's data.
type view struct {
	Page   string
	Title  string
	CSRF   string
	Logout bool
	Data   any
}

// render writes page name with data, whole or not at all.
func (c *Console) render(w http.ResponseWriter, _ *http.Request, status int, name string, ses session, data any) error {
	t := c.pages.byName[name]
	if t == nil {
		return fmt.Errorf("console: no page %q", name)
	}
	v := view{Page: name, Title: strings.ToUpper(name[:1]) + name[1:], CSRF: ses.csrf, Logout: ses.id != "" && c.cfg.Token() != "", Data: data}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", v); err != nil {
		return fmt.Errorf("console: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(b.Bytes())
	return nil
}

// fragment renders the partial name with data (for an event stream).
func (c *Console) fragment(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := c.pages.parts.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("console: render %s: %w", name, err)
	}
	return b.String(), nil
}

// static serves /ui/static/….
func static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree has the folder
	}
	return http.StripPrefix("/ui/static/", http.FileServerFS(sub))
}
