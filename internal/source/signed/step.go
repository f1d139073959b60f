package signed

import (
	"container/list"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Step is the security step of the chain. Set Inner and State; the zero
// values of the rest are documented with them.
type Step struct {
	// Inner is the local chain the step wraps.
	Inner source.Source
	// State returns the security state to serve a request with; nil, or a
	// nil State, is a non-secure cluster.
	State func() *State
	// Known reports whether SEP<MAC> (the MAC in 12 upper-case hex digits)
	// is a device of this cluster: only those get a per-device trust list.
	// Nil knows none.
	Known func(mac string) bool
	// Logger receives the signing failures and the devices refused for a
	// missing certificate; nil discards.
	Logger *slog.Logger
	// MaxBytes is the byte budget of what the step keeps (headers, stubs,
	// trust lists, encrypted files, certificates), least recently used
	// dropped first. Zero is DefaultMaxBytes; negative is no budget. Set
	// it before the first request.
	MaxBytes int64
	// OnSign, if set, is called after every signing: what it made, how
	// long it took and its error. Metrics.Signed is one.
	OnSign func(kind Kind, d time.Duration, err error)
	// Metrics, if set, counts the cache (hits, bytes, entries, evictions).
	// Set it before the first request.
	Metrics *Metrics

	mu        sync.Mutex
	entries   map[string]*entry
	lru       list.List // of *entry, most recently used first
	bytes     int64
	evictions uint64
	flights   map[flightKey]*flight
	logged    map[string]time.Time        // devices refused, when last logged
	limits    map[string]*source.LogLimit // the failures' log lines, by cause
	clock     func() time.Time            // the log limits' time; nil is time.Now
}

var (
	_ source.Source       = (*Step)(nil)
	_ store.ChangeHandler = (*Step)(nil)
)

// Open implements source.Source. In a non-secure cluster every request goes
// to Inner unchanged (an operator's own CTLFile.tlv on disk still serves,
// as before this step). In mixed mode: trust-list names are built, X.sgn
// is Inner's X.sgn when it has one (firmware, a file signed elsewhere,
// byte for byte) or else the signed X for a signable X, and an encrypted
// device gets its stub and its .enc.sgn, and never its configuration in
// clear but over HTTPS to the device itself (see inClear).
func (s *Step) Open(ctx context.Context, req *source.Request) (source.File, error) {
	st := s.state()
	if st == nil || !st.Mixed {
		return s.Inner.Open(ctx, req)
	}
	name := req.Path
	if tl, ok := ParseTrustList(name); ok {
		return s.trustList(ctx, req, st, tl)
	}
	if base, ok := strings.CutSuffix(name, ".enc.sgn"); ok {
		if dev, ok := DeviceOf(base); ok {
			return s.encrypted(ctx, req, st, dev, base)
		}
		return s.Inner.Open(ctx, req)
	}
	if base, ok := strings.CutSuffix(name, ".sgn"); ok {
		return s.sgn(ctx, req, st, base)
	}
	if dev, ok := DeviceOf(name); ok {
		f, err := s.Inner.Open(ctx, req)
		if err != nil {
			return nil, err
		}
		return s.inClear(ctx, req, st, dev, f)
	}
	return s.Inner.Open(ctx, req)
}

// state is the State to serve with; nil when there is none.
func (s *Step) state() *State {
	if s.State == nil {
		return nil
	}
	return s.State()
}

// sgn answers X.sgn: over HTTPS the unsigned X (TLS protects it, spec
// §1.1; an encrypted device's only to itself, see inClear), else Inner's X.sgn, else the signed X (the stub for an
// encrypted device). For a name the builders make (a device's
// configuration, softkeys, dial rules, XMLDefault.cnf.xml) X is asked
// first and signed when found, as the built X comes before any stored one:
// a stored X.sgn of such a name counts only when there is no X at all,
// and the request costs no look for it on disk.
func (s *Step) sgn(ctx context.Context, req *source.Request, st *State, x string) (source.File, error) {
	signable := Signable(x)
	if req.Protocol == source.HTTPS && signable {
		f, err := s.Inner.Open(ctx, sub(req, x))
		switch {
		case errors.Is(err, source.ErrNotFound):
			return s.Inner.Open(ctx, req)
		case err != nil:
			return nil, err
		}
		if dev, ok := DeviceOf(x); ok {
			return s.inClear(ctx, req, st, dev, f)
		}
		return f, nil
	}
	var xf source.File
	var err error
	if builtName(x) && signable {
		if xf, err = s.Inner.Open(ctx, sub(req, x)); errors.Is(err, source.ErrNotFound) {
			return s.Inner.Open(ctx, req)
		}
	} else {
		f, err := s.Inner.Open(ctx, req)
		if !errors.Is(err, source.ErrNotFound) || !signable {
			return f, err
		}
		xf, err = s.Inner.Open(ctx, sub(req, x))
	}
	if err != nil {
		return nil, err
	}
	if dev, ok := DeviceOf(x); ok {
		b, err := contentOf(xf)
		if err != nil {
			xf.Close()
			return nil, s.busy(causeRead, "reading "+x, err)
		}
		if encryptedConfig(b) {
			defer xf.Close()
			return s.stub(ctx, req, st, dev, xf, b)
		}
		return s.signed(ctx, req.Path, st, xf, b)
	}
	return s.signed(ctx, req.Path, st, xf, nil)
}

// builtName reports whether x is a name only the builders make: a device's
// XML configuration, a softkey template, SIP dial rules, XMLDefault. (Any
// other .xml may be a 7940 dial plan or a file of the root.)
func builtName(x string) bool {
	t, ok := render.Resolve(x)
	if !ok {
		return false
	}
	switch t.Kind {
	case render.DeviceXMLFile, render.SoftkeyXMLFile, render.DR79x1File, render.XMLDefaultFile:
		return true
	}
	return false
}

// sub is req asking for name instead.
func sub(req *source.Request, name string) *source.Request {
	return req.WithPath(name)
}

// HandleChange implements store.ChangeHandler: a device's change (its
// certificate is one) drops its certificate and its encrypted file, so
// the next request reads the certificate again; a resync drops all that
// is kept. Either way what is being made at that moment for them (a
// certificate read before the change) is not kept: the next request
// makes it again. Signed files need nothing: a changed file has a new
// hash, and new keys come as a new State.
func (s *Step) HandleChange(_ context.Context, c store.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c.Kind {
	case domain.KindDevice:
		for _, k := range []string{certKey(c.Key), encKey(c.Key + ".cnf.xml.enc.sgn")} {
			s.forget(k)
			s.detach(k)
		}
		delete(s.logged, c.Key)
		delete(s.logged, c.Key+clearSuffix)
	case store.KindResync:
		for s.lru.Len() > 0 {
			s.drop(s.lru.Front().Value.(*entry))
		}
		s.detach("")
	}
}
