package signed

import (
	"context"
	"errors"
	"time"

	"cmtftp/internal/source"
)

// errNoBuilder is the failure of a State without a TrustList function.
var errNoBuilder = errors.New("signed: the state has no trust-list builder")

// trustList answers a trust-list name in mixed mode: the list State
// builds, under the name requested, kept per name and State. A per-device
// name of a device this cluster does not know is not found, as any other
// device's (no enumeration of devices through trust lists).
func (s *Step) trustList(ctx context.Context, req *source.Request, st *State, tl TrustListName) (source.File, error) {
	if tl.MAC != "" && (s.Known == nil || !s.Known(tl.MAC)) {
		return nil, source.ErrNotFound
	}
	if st.TrustList == nil {
		return nil, s.busy("no trust list builder for "+req.Path, errNoBuilder)
	}
	name := req.Path
	e, err := s.kept(ctx, tlKey(name), "", st, func() (*entry, error) {
		start := time.Now()
		b, err := st.TrustList(name, tl.CTL)
		s.signedOne(TrustList, start, err)
		if err != nil {
			return nil, s.busy("building "+name, err)
		}
		return &entry{body: source.NewMemory(b, start)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &File{body: e.body, mod: e.body.ModTime(), signer: st.ListSignerName}, nil
}
