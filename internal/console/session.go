package console

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// maxSessions bounds the sessions kept in memory; past it the one that
// expires first is dropped.
const maxSessions = 1024

// session is one logged-in browser.
type session struct {
	id      string
	csrf    string
	token   [32]byte // SHA-256 of the admin token it logged in with
	expires time.Time
}

// sessions are the console's sessions, in memory, each expiring ttl after
// its last use. Safe for concurrent use.
type sessions struct {
	mu   sync.Mutex
	ttl  time.Duration
	max  int
	byID map[string]*session
}

func newSessions(ttl time.Duration, max int) *sessions {
	return &sessions{ttl: ttl, max: max, byID: map[string]*session{}}
}

// randomID returns 32 random bytes in URL-safe base64.
func randomID() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session, dropping expired ones and, at the bound, the
// one nearest its expiry.
func (s *sessions) create(now time.Time, token [32]byte) session {
	ses := &session{id: randomID(), csrf: randomID(), token: token, expires: now.Add(s.ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= s.max {
		var oldest *session
		for id, o := range s.byID {
			if now.After(o.expires) {
				delete(s.byID, id)
				continue
			}
			if oldest == nil || o.expires.Before(oldest.expires) {
				oldest = o
			}
		}
		if len(s.byID) >= s.max && oldest != nil {
			delete(s.byID, oldest.id)
		}
	}
	s.byID[ses.id] = ses
	return *ses
}

// get returns the live session id names and extends it; a session
// started with another admin token than token is over.
func (s *sessions) get(id string, now time.Time, token [32]byte) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses := s.byID[id]
	if ses == nil {
		return session{}, false
	}
	if now.After(ses.expires) || ses.token != token {
		delete(s.byID, id)
		return session{}, false
	}
	ses.expires = now.Add(s.ttl)
	return *ses, true
}

// alive reports whether the session id names is still on (not dropped,
// not expired, started with token), without extending it.
func (s *sessions) alive(id string, now time.Time, token [32]byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses := s.byID[id]
	return ses != nil && !now.After(ses.expires) && ses.token == token
}

// drop ends a session.
func (s *sessions) drop(id string) {
	s.mu.Lock()
	delete(s.byID, id)
	s.mu.Unlock()
}

// count returns the sessions kept.
func (s *sessions) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}
