package signed

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"cmtftp/internal/source"
)

// TestRefusedStopsChain: the configuration in clear of an encrypted device
// is denied, not "not found", over TFTP, HTTP and HTTPS without the
// device's certificate: a chain asking the step first never goes on to
// the next source (another cluster, a file of the root for that MAC).
func TestRefusedStopsChain(t *testing.T) {
	r := newRig(t, map[string]string{"SEP0000DE000009.cnf.xml": deviceXML(t, "3")})
	r.certs.Store(keys.phone.Cert)
	var asked atomic.Int64
	other := source.Func(func(context.Context, *source.Request) (source.File, error) {
		asked.Add(1)
		return source.NewMemory([]byte("<device>another cluster's</device>"), testTime), nil
	})
	chain := source.First(r.step, other)
	cases := []struct {
		name  string
		proto source.Protocol
		peer  []byte
	}{
		{"SEP0000DE000009.cnf.xml", source.TFTP, nil},
		{"SEP0000DE000009.cnf.xml", source.HTTP, nil},
		{"SEP0000DE000009.cnf.xml", source.HTTPS, nil},
		{"SEP0000DE000009.cnf.xml.sgn", source.HTTPS, nil},
		{"SEP0000DE000009.cnf.xml.sgn", source.HTTPS, certSum(keys.tftp1.Cert)},
	}
	for _, c := range cases {
		if b, _, err := r.getFrom(t, chain, c.name, c.proto, c.peer); !errors.Is(err, source.ErrDenied) {
			t.Errorf("%s over %s: %v (%q), want denied", c.name, c.proto, err, b)
		}
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the next source was asked %d times", n)
	}
}
