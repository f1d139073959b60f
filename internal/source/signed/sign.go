package signed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// headerVersion is the version of the signed files' headers: 1.1, what
// real Cisco files carry (spec §11.1).
var headerVersion = trust.Version{Major: 1, Minor: 1}

// signed serves X (the file xf, which it takes over; b its bytes when
// they were read already, else nil) signed under name: the header kept
// for X's content and st, or made now, then X — the very bytes hashed
// and signed. Its modification time is the later of X's and the
// header's: a file signed again (a new key) is modified.
func (s *Step) signed(ctx context.Context, name string, st *State, xf source.File, b []byte) (source.File, error) {
	sum, b, body, err := payloadOf(xf, b)
	if err != nil { // payloadOf closed xf
		return nil, s.busy(causeRead, "reading the payload of "+name, err)
	}
	e, err := s.kept(ctx, sgnKey(name), sum, st, func() (*entry, error) {
		if b == nil {
			if b, err = contentOf(body); err != nil {
				return nil, s.busy(causeRead, "reading the payload of "+name, err)
			}
		}
		head, made, err := s.signHeader(name, b, st)
		if err != nil {
			return nil, err
		}
		return &entry{head: head, made: made}, nil
	})
	if err != nil {
		body.Close()
		return nil, err
	}
	return &File{head: e.head, body: body, mod: later(body.ModTime(), e.made), signer: st.SignerName}, nil
}

// signHeader signs payload as name with st's key and returns the header
// alone (the payload is served from where it is) and when it was made.
// Failures are logged and are source.ErrBusy.
func (s *Step) signHeader(name string, payload []byte, st *State) ([]byte, time.Time, error) {
	start := time.Now()
	file, err := trust.Sign(name, payload, st.Signer, trust.Options{Hash: st.Hash, Version: headerVersion, Time: start})
	var h trust.Header
	if err == nil {
		h, _, err = trust.ParseHeader(file)
	}
	s.signedOne(Sign, start, err)
	if err != nil {
		return nil, start, s.busy(causeSign, "signing "+name, err)
	}
	return bytes.Clone(file[:h.Length]), start, nil
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// signedOne reports one signing to OnSign.
func (s *Step) signedOne(k Kind, start time.Time, err error) {
	if s.OnSign != nil {
		s.OnSign(k, time.Since(start), err)
	}
}

// payloadOf returns the hex SHA-256 of xf's content, its bytes when
// they were read (b, or read now), and the file to serve the content
// from: xf itself when it keeps its hash or holds its bytes (content that
// never changes: built files, the constant cache), else the bytes read,
// in memory, and xf closed — a file on disk is read once per request,
// and served as it was hashed and signed even when it is rewritten
// meanwhile. The constant cache is what spares that read. On error xf is
// closed.
func payloadOf(xf source.File, b []byte) (string, []byte, source.File, error) {
	if h, ok := xf.(interface{ SHA256() string }); ok {
		return h.SHA256(), b, xf, nil
	}
	if b == nil {
		var err error
		if b, xf, err = bytesOf(xf); err != nil {
			return "", nil, nil, err
		}
	} else {
		xf = inMemory(xf, b)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b, xf, nil
}

// bytesOf reads f (it takes f over) and returns its bytes and the file to
// serve them from: f when it holds them, else a Memory of the bytes read,
// f closed (a file on disk rewritten since is served as read). On error
// f is closed.
func bytesOf(f source.File) ([]byte, source.File, error) {
	b, err := contentOf(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return b, inMemory(f, b), nil
}

// inMemory is f when it holds its bytes, else b (f's bytes, read) in
// memory with f's time, f closed.
func inMemory(f source.File, b []byte) source.File {
	if _, ok := f.(interface{ Bytes() []byte }); ok {
		return f
	}
	mem := source.NewMemory(b, f.ModTime())
	f.Close()
	return mem
}

// sumOf is the hex SHA-256 of b, the content of f: the one f keeps when
// it has it.
func sumOf(f source.File, b []byte) string {
	if h, ok := f.(interface{ SHA256() string }); ok {
		return h.SHA256()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// maxPayload bounds the files this step reads whole to sign them.
const maxPayload = 256 << 20

// contentOf returns f's bytes: the file's own when it holds them (valid
// until it is closed), else read.
func contentOf(f source.File) ([]byte, error) {
	if b, ok := f.(interface{ Bytes() []byte }); ok {
		return b.Bytes(), nil
	}
	n := f.Size()
	if n < 0 || n > maxPayload {
		return nil, fmt.Errorf("a file of %d bytes: %w", n, trust.ErrTooLarge)
	}
	b := make([]byte, n)
	if m, err := f.ReadAt(b, 0); m < len(b) {
		return nil, fmt.Errorf("read %d of %d bytes: %w", m, n, err)
	}
	return b, nil
}

// encryptedConfig reports whether a device configuration asks for
// encryption: its deviceSecurityMode is 3 (spec §2; render writes it
// so, and a custom file is read the same way).
func encryptedConfig(b []byte) bool {
	const open, end = "<deviceSecurityMode>", "</deviceSecurityMode>"
	i := bytes.Index(b, []byte(open))
	if i < 0 {
		return false
	}
	v := b[i+len(open):]
	j := bytes.Index(v, []byte(end))
	return j >= 0 && string(bytes.TrimSpace(v[:j])) == "3"
}

// The keys of the kept entries, by what they are.
func sgnKey(name string) string    { return "sgn\x00" + name }
func encKey(name string) string    { return "enc\x00" + name }
func tlKey(name string) string     { return "tl\x00" + name }
func certKey(device string) string { return "cert\x00" + device }
func tlBodyKey(sum string) string  { return "tlbody\x00" + sum }
