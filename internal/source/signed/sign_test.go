package signed

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// rewritten is a file on disk that is rewritten after its first read: it
// holds neither its bytes nor its hash (as a disk file), reads first and
// then second from then on, and counts its whole reads.
type rewritten struct {
	mu            sync.Mutex
	first, second []byte
	reads         int
}

func (f *rewritten) ReadAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off == 0 {
		f.reads++
	}
	b := f.first
	if f.reads > 1 {
		b = f.second
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *rewritten) Size() int64        { return int64(len(f.first)) }
func (f *rewritten) ModTime() time.Time { return testTime }
func (f *rewritten) Close() error       { return nil }

// TestRewrittenPayload: a file read from disk is read once per request
// and served as it was signed, even when it is rewritten meanwhile — a
// device configuration (whose mode is read first) too.
func TestRewrittenPayload(t *testing.T) {
	r := newRig(t, nil)
	full := deviceXML(t, "2")
	for name, first := range map[string]string{"SKStandard-User.xml": "<softKeyCfg>1</softKeyCfg>", "SEP0000DE000001.cnf.xml": full} {
		f := &rewritten{first: []byte(first), second: []byte(fmt.Sprintf("%-*s", len(first), "rewritten"))}
		r.step.Inner = source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
			if req.Path == name {
				return f, nil
			}
			return nil, source.ErrNotFound
		})
		file := r.mustGet(t, name+".sgn")
		if got := verified(t, file, keys.tftp1, name+".sgn"); string(got) != first {
			t.Errorf("%s: served %q, not what was signed", name, got)
		}
		if f.reads != 1 {
			t.Errorf("%s read %d times for one request", name, f.reads)
		}
	}
}

// TestModTimeOfSigning: a file signed again (a new key) or encrypted
// again is modified: its time is that of the new signing, not the
// payload's, so If-Modified-Since never keeps a file of a retired key.
func TestModTimeOfSigning(t *testing.T) {
	const dev = "SEP0000DE000009"
	r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>", dev + ".cnf.xml": deviceXML(t, "3")})
	r.certs.Store(keys.phone.Cert)
	names := []string{"dialplan.xml.sgn", dev + ".cnf.xml.sgn", dev + ".cnf.xml.enc.sgn", "ITLFile.tlv"}
	mods := map[string]time.Time{}
	for _, name := range names {
		_, f, err := r.get(t, name, source.TFTP)
		if err != nil {
			t.Fatal(err)
		}
		mods[name] = f.ModTime()
	}
	time.Sleep(10 * time.Millisecond)
	st := r.mixed(keys.tftp2, "tftp#2")
	st.Hash = trust.SHA1
	r.state.Store(st)
	for _, name := range names {
		_, f, err := r.get(t, name, source.TFTP)
		if err != nil {
			t.Fatal(err)
		}
		if !f.ModTime().After(mods[name]) || !f.ModTime().After(testTime) {
			t.Errorf("%s signed again: ModTime %v, first %v", name, f.ModTime(), mods[name])
		}
	}
}
