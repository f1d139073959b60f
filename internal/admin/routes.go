package admin

import "net/http"

// route is one pattern of the API and the handler that serves it.
type route struct {
	pattern string
	handler handlerFunc
}

// routes lists every route of the API.
func (s *Server) routes() []route {
	return []route{
		{"GET /healthz", healthz},
		{"GET /readyz", s.ready},
		{"GET /api/v1/params", s.listParams},
		{"GET /api/v1/params/{name}", s.getParam},
		{"PUT /api/v1/params/{name}", s.setParam},
		{"DELETE /api/v1/params/{name}", s.resetParam},
		{"POST /api/v1/apply", s.apply},
		{"POST /api/v1/reset", s.reset},
		{"GET /api/v1/export", s.export},
		{"GET /api/v1/changes", s.changes},
		{"GET /api/v1/cluster", s.cluster},
		{"GET /api/v1/devices/{name}/config", s.deviceConfig},
		{"GET /api/v1/gateways/{name}/config", s.gatewayConfig},
		{"GET /api/v1/build/{name...}", s.built},
		{"GET /api/v1/{kind}", s.list},
		{"POST /api/v1/{kind}", s.create},
		{"GET /api/v1/{kind}/{key...}", s.get},
		{"PUT /api/v1/{kind}/{key...}", s.put},
		{"DELETE /api/v1/{kind}/{key...}", s.delete},
	}
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.handle(rt.handler))
	}
	if s.Extra != nil {
		s.Extra(mux)
	}
	return s.auth(mux)
}
