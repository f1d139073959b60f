package console

import "net/http"

// Handler returns the console's handler for /ui/ (mount it at /ui/ on the
// admin listener; it does its own authentication).
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ui/static/", static())
	mux.Handle("GET /ui/login", c.handle(c.loginForm))
	mux.Handle("POST /ui/login", c.handle(c.login))
	routes := []struct {
		pattern string
		h       func(http.ResponseWriter, *http.Request, session) error
	}{
		{"POST /ui/logout", c.logout},
		{"GET /ui/{$}", c.overview},
		{"GET /ui/overview", c.overview},
		{"GET /ui/devices", c.devices},
		{"GET /ui/devices/{name}", c.device},
		{"POST /ui/devices/{name}/lines/{number}", c.editLine},
		{"GET /ui/devices/{name}/files/{file...}", c.deviceFile},
		{"GET /ui/files", c.files},
		{"POST /ui/files", c.upload},
		{"POST /ui/files/delete", c.removeFile},
		{"GET /ui/params", c.params},
		{"POST /ui/params/{name}", c.setParam},
		{"GET /ui/changes", c.changes},
		{"GET /ui/cluster", c.cluster},
		{"GET /ui/remotes", c.remotes},
		{"GET /ui/events/overview", c.overviewEvents},
		{"GET /ui/events/changes", c.changeEvents},
		{"GET /ui/events/devices/{name}/timeline", c.timelineEvents},
		{"/ui/api/", c.bridge},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, c.handle(c.authed(rt.h)))
	}
	mux.Handle("/ui/", c.handle(c.authed(func(http.ResponseWriter, *http.Request, session) error {
		return notFound("no such page")
	})))
	return mux
}
