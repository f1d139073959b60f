package signed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// errNoBuilder is the failure of a State without a TrustList function.
var errNoBuilder = errors.New("signed: the state has no trust-list builder")

// trustList answers a trust-list name in mixed mode: the list State
// builds, under the name requested, kept per name and State. A per-device
// name of a device this cluster does not know is not found, as any other
// device's (no enumeration of devices through trust lists). The list is
// signed per name (its header names it) but its body, the records, is
// the same for every name: each name keeps its header, and a body is kept
// once for all the names that have it (listBody).
func (s *Step) trustList(ctx context.Context, req *source.Request, st *State, tl TrustListName) (source.File, error) {
	if tl.MAC != "" && (s.Known == nil || !s.Known(tl.MAC)) {
		return nil, source.ErrNotFound
	}
	if st.TrustList == nil {
		return nil, s.busy(causeTrustList, "no trust list builder for "+req.Path, errNoBuilder)
	}
	name := req.Path
	e, err := s.kept(ctx, tlKey(name), "", st, func() (*entry, error) {
		start := time.Now()
		b, err := st.TrustList(name, tl.CTL)
		var h trust.Header
		if err == nil {
			h, _, err = trust.ParseHeader(b)
		}
		s.signedOne(TrustList, start, err)
		if err != nil {
			return nil, s.busy(causeTrustList, "building "+name, err)
		}
		body := s.listBody(st, b[h.Length:], start)
		return &entry{head: bytes.Clone(b[:h.Length]), body: body.body, list: body, made: start}, nil
	})
	if err != nil {
		return nil, err
	}
	return &File{head: e.head, body: e.body, mod: e.made, signer: st.ListSignerName}, nil
}

// listBody returns the kept entry of a trust list's body under st: the
// one kept when it has these bytes, else a new one, kept now. The headers
// that go with a body are dropped with it, so none holds it uncounted.
func (s *Step) listBody(st *State, body []byte, now time.Time) *entry {
	sum := sha256.Sum256(body)
	key := tlBodyKey(hex.EncodeToString(sum[:]))
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok && e.state == st && bytes.Equal(e.body.Bytes(), body) {
		s.lru.MoveToFront(e.elem)
		return e
	}
	e := &entry{key: key, state: st, body: source.NewMemory(bytes.Clone(body), now)}
	s.keep(e)
	return e
}
