package httpd

import (
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTurnsTaken: a TCP connection waits for its requests through the
// server's turns, is answered on them request after request, and the
// turns stop once the server is closed and its last connection is gone.
func TestTurnsTaken(t *testing.T) {
	var s *Server
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"a.xml": "a"})}, func(x *Server) { s = x })
	c, br := dial(t, srv)
	for range 3 {
		io.WriteString(c, "GET /a.xml HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := answer(t, br, "GET"); resp.StatusCode != http.StatusOK || body != "a" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	}
	s.mu.Lock()
	n, ids := len(s.conns), 0
	for sc := range s.conns {
		if sc.turnID != 0 {
			ids++
		}
	}
	running := s.turns != nil
	s.mu.Unlock()
	if n != 1 || ids != 1 || !running {
		t.Fatalf("%d connections, %d taking turns, turns running %v", n, ids, running)
	}
	s.Close()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after Close: %v, want EOF", err)
	}
	waitUntil(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.turns == nil && len(s.conns) == 0
	})
}

// TestTurnGiven: give hands a turn to each connection listed for an
// event, once, and none for an event of a connection no longer listed; a
// turn given to a connection not waiting is kept for its next wait.
func TestTurnGiven(t *testing.T) {
	tr := &turns{byID: map[uint64]*conn{}}
	var cs []*conn
	var events []unix.EpollEvent
	for id := uint64(1); id <= 5; id++ {
		c := &conn{wake: make(chan struct{}, 1)}
		if id != 3 { // 3 has ended
			tr.byID[id] = c
		}
		cs = append(cs, c)
		events = append(events, unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(id), Pad: 0})
	}
	events = append(events, unix.EpollEvent{Fd: 1, Pad: 1}) // id 1<<32|1: never listed
	tr.give(events)
	tr.give(events[:1]) // a second turn for 1 before it took the first
	for i, c := range cs {
		want := 1
		if i == 2 {
			want = 0
		}
		if got := len(c.wake); got != want {
			t.Fatalf("connection %d holds %d turns, want %d", i+1, got, want)
		}
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTurnsEnd: should the turns' wait fail, the connection waiting on
// them is woken and goes on through Go's poller, and new connections do
// not take turns.
func TestTurnsEnd(t *testing.T) {
	var s *Server
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"a.xml": "a"})}, func(x *Server) { s = x })
	c, br := dial(t, srv)
	get := func() {
		t.Helper()
		io.WriteString(c, "GET /a.xml HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := answer(t, br, "GET"); resp.StatusCode != http.StatusOK || body != "a" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	}
	get()
	s.mu.Lock()
	tr := s.turns
	s.mu.Unlock()
	tr.file.Close() // the wait fails: not a close of the server
	waitUntil(t, tr.dead.Load)
	get()
	get()
	c2, br2 := dial(t, srv)
	io.WriteString(c2, "GET /a.xml HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := answer(t, br2, "GET"); resp.StatusCode != http.StatusOK || body != "a" {
		t.Fatalf("new connection: %d %q", resp.StatusCode, body)
	}
}
