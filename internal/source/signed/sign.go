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

// signed serves X (the file xf, which it takes over) signed under name:
// the header kept for X's content and st, or made now, then xf itself.
func (s *Step) signed(ctx context.Context, name string, st *State, xf source.File) (source.File, error) {
	sum, b, err := hashOf(xf)
	if err != nil {
		xf.Close()
		return nil, s.busy("reading the payload of "+name, err)
	}
	e, err := s.kept(ctx, sgnKey(name), sum, st, func() (*entry, error) {
		if b == nil {
			if b, err = contentOf(xf); err != nil {
				return nil, s.busy("reading the payload of "+name, err)
			}
		}
		head, err := s.signHeader(name, b, st)
		if err != nil {
			return nil, err
		}
		return &entry{head: head}, nil
	})
	if err != nil {
		xf.Close()
		return nil, err
	}
	return &File{head: e.head, body: xf, mod: xf.ModTime(), signer: st.SignerName}, nil
}

// signHeader signs payload as name with st's key and returns the header
// alone (the payload is served from where it is). Failures are logged and
// are source.ErrBusy.
func (s *Step) signHeader(name string, payload []byte, st *State) ([]byte, error) {
	start := time.Now()
	file, err := trust.Sign(name, payload, st.Signer, trust.Options{Hash: st.Hash, Version: headerVersion, Time: start})
	var h trust.Header
	if err == nil {
		h, _, err = trust.ParseHeader(file)
	}
	s.signedOne(Sign, start, err)
	if err != nil {
		return nil, s.busy("signing "+name, err)
	}
	return bytes.Clone(file[:h.Length]), nil
}

// signedOne reports one signing to OnSign.
func (s *Step) signedOne(k Kind, start time.Time, err error) {
	if s.OnSign != nil {
		s.OnSign(k, time.Since(start), err)
	}
}

// hashOf is the hex SHA-256 of f's content: the one the file keeps when
// it has it (built files, the constant cache), else computed from its
// bytes, which it then returns too (read once per request). A file on
// disk is read and hashed on every request: the constant cache is what
// spares that.
func hashOf(f source.File) (string, []byte, error) {
	if h, ok := f.(interface{ SHA256() string }); ok {
		return h.SHA256(), nil, nil
	}
	b, err := contentOf(f)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b, nil
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
