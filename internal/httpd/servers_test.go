package httpd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// testServer is a running server under test: this package's Server or
// net/http's (through which the HTTPS listener serves the same Handler).
type testServer struct {
	URL   string
	close func()
}

// Close stops the server and closes its connections.
func (s *testServer) Close() { s.close() }

// serverOpts adjusts a test server: a wrapped listener, a ConnState hook.
type serverOpts struct {
	listener  func(net.Listener) net.Listener
	connState func(net.Conn, http.ConnState)
}

// serverKind starts one kind of server.
type serverKind struct {
	name  string
	start func(h http.Handler, o serverOpts) *testServer
}

var serverKinds = []serverKind{
	{"server", func(h http.Handler, o serverOpts) *testServer {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		if o.listener != nil {
			ln = o.listener(ln)
		}
		s := &Server{Handler: h, ConnState: o.connState}
		go s.Serve(ln)
		return &testServer{URL: "http://" + ln.Addr().String(), close: func() { s.Close() }}
	}},
	{"net-http", func(h http.Handler, o serverOpts) *testServer {
		s := httptest.NewUnstartedServer(h)
		if o.listener != nil {
			s.Listener = o.listener(s.Listener)
		}
		s.Config.ConnState = o.connState
		s.Start()
		return &testServer{URL: s.URL, close: s.Close}
	}},
}

// eachServer runs test once per server kind, as a subtest.
func eachServer(t *testing.T, test func(t *testing.T, k serverKind)) {
	for _, k := range serverKinds {
		t.Run(k.name, func(t *testing.T) { test(t, k) })
	}
}

// serve starts h on k with no options.
func (k serverKind) serve(h http.Handler) *testServer { return k.start(h, serverOpts{}) }
