package signed

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/trust"
)

// certRetry is how long "this device has no certificate" is kept, at
// most: the device's change event (an uploaded certificate is one)
// forgets it sooner.
const certRetry = 30 * time.Second

// logEvery is the least time between two log lines about one device.
const logEvery = time.Minute

// maxLogged bounds the devices whose last log line is remembered.
const maxLogged = 10000

// stub serves SEP<MAC>.cnf.xml.sgn of an encrypted device: the signed
// stub (render.EncryptedStub) that points the phone at the .enc.sgn,
// made from full (the configuration xf holds) and the device's
// certificate, kept per content, certificate and State.
func (s *Step) stub(ctx context.Context, req *source.Request, st *State, dev string, xf source.File, full []byte) (source.File, error) {
	c, err := s.cert(ctx, st, dev)
	if err != nil {
		return nil, err
	}
	mod := xf.ModTime()
	e, err := s.kept(ctx, sgnKey(req.Path), sumOf(xf, full)+":"+c.certSHA, st, func() (*entry, error) {
		stub, err := render.EncryptedStub(full, c.certMD5)
		if err != nil {
			return nil, s.busy(causeStub, "the stub of "+dev, err)
		}
		head, made, err := s.signHeader(req.Path, stub, st)
		if err != nil {
			return nil, err
		}
		return &entry{head: head, body: source.NewMemory(stub, mod), made: made}, nil
	})
	if err != nil {
		return nil, err
	}
	return &File{head: e.head, body: e.body, mod: later(mod, e.made), signer: st.SignerName}, nil
}

// encrypted serves SEP<MAC>.cnf.xml.enc.sgn (Inner's own, when it has
// one): the configuration encrypted to the device's certificate, kept per
// content, certificate and State — each encryption takes a fresh key, so
// a file is encrypted once per content version. A device whose
// configuration is not encrypted has none.
func (s *Step) encrypted(ctx context.Context, req *source.Request, st *State, dev, base string) (source.File, error) {
	f, err := s.Inner.Open(ctx, req)
	if !errors.Is(err, source.ErrNotFound) {
		return f, err
	}
	xf, err := s.Inner.Open(ctx, sub(req, base))
	if err != nil {
		return nil, err
	}
	defer xf.Close()
	full, err := contentOf(xf)
	if err != nil {
		return nil, s.busy(causeRead, "reading "+base, err)
	}
	if !encryptedConfig(full) {
		return nil, source.ErrNotFound
	}
	c, err := s.cert(ctx, st, dev)
	if err != nil {
		return nil, err
	}
	mod := xf.ModTime()
	e, err := s.kept(ctx, encKey(req.Path), sumOf(xf, full)+":"+c.certSHA, st, func() (*entry, error) {
		start := time.Now()
		b, err := encryptConfig(req.Path, full, c.cert, st, start)
		s.signedOne(Encrypt, start, err)
		if err != nil {
			return nil, s.busy(causeEncrypt, "encrypting "+req.Path, err)
		}
		return &entry{body: source.NewMemory(b, mod), made: start}, nil
	})
	if err != nil {
		return nil, err
	}
	return &File{body: e.body, mod: later(mod, e.made), signer: st.SignerName}, nil
}

// inClear serves f, Inner's SEP<MAC>.cnf.xml of dev (for the name or,
// over HTTPS, for its .sgn), unless the configuration is encrypted: then
// only over HTTPS to the device itself — the client presented the
// certificate the configuration is encrypted to (spec §11.3) — and
// otherwise refused (source.ErrDenied: the chain stops, no other cluster
// or fallback is asked) and logged once a minute.
func (s *Step) inClear(ctx context.Context, req *source.Request, st *State, dev string, f source.File) (source.File, error) {
	b, f, err := bytesOf(f)
	if err != nil {
		return nil, s.busy(causeRead, "reading "+req.Path, err)
	}
	if !encryptedConfig(b) {
		return f, nil
	}
	if req.Protocol == source.HTTPS {
		ok, err := s.isDevice(ctx, st, dev, req.PeerCert)
		if err != nil {
			f.Close()
			return nil, err
		}
		if ok {
			return f, nil
		}
	}
	f.Close()
	s.logDevice(dev+clearSuffix, "device "+dev+" is encrypted: its configuration in clear is refused",
		"name", req.Path, "protocol", req.Protocol, "client_cert", req.PeerCert != nil)
	return nil, fmt.Errorf("%s: device %s is encrypted, its configuration in clear is refused: %w", req.Path, dev, source.ErrDenied)
}

// isDevice reports whether peer, the SHA-256 of the certificate an HTTPS
// client presented, is that of dev's stored certificate.
func (s *Step) isDevice(ctx context.Context, st *State, dev string, peer []byte) (bool, error) {
	if len(peer) != sha256.Size {
		return false, nil
	}
	e, err := s.certEntry(ctx, st, dev)
	if err != nil || e.cert == nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(e.certSum[:], peer) == 1, nil
}

// cert returns the kept entry with dev's certificate, reading it when
// there is none. A device without one is source.ErrBusy (and logged once
// a minute): never a fallback to a configuration in clear.
func (s *Step) cert(ctx context.Context, st *State, dev string) (*entry, error) {
	e, err := s.certEntry(ctx, st, dev)
	if err != nil {
		return nil, err
	}
	if e.cert == nil {
		s.logDevice(dev, "device "+dev+" is encrypted but has no certificate: cmtftp device cert set "+dev+" FILE")
		return nil, source.ErrBusy
	}
	return e, nil
}

// certEntry returns the kept entry of dev's certificate, reading it when
// there is none; its cert is nil when dev has none (kept certRetry).
func (s *Step) certEntry(ctx context.Context, st *State, dev string) (*entry, error) {
	return s.kept(ctx, certKey(dev), "", st, func() (*entry, error) {
		if st.DeviceCert == nil {
			return &entry{until: time.Now().Add(certRetry)}, nil
		}
		c, err := st.DeviceCert(ctx, dev)
		switch {
		case errors.Is(err, source.ErrNotFound):
			return &entry{until: time.Now().Add(certRetry)}, nil
		case err != nil:
			return nil, s.busy(causeCert, "reading the certificate of "+dev, err)
		}
		sum := sha256.Sum256(c.Raw)
		return &entry{cert: c, certSum: sum, certSHA: hex.EncodeToString(sum[:]), certMD5: trust.CertHash(c.Raw)}, nil
	})
}

// clearSuffix marks, in Step.logged, the log line of a configuration
// refused in clear (the other is the missing certificate's).
const clearSuffix = "\x00clear"

// logDevice logs msg about dev (one of its two log lines) at most once a
// minute, and each of the two lines, over all devices, at most
// deviceLinesEvery apart.
func (s *Step) logDevice(dev, msg string, args ...any) {
	if s.Logger == nil {
		return
	}
	now := s.now()
	s.mu.Lock()
	last, ok := s.logged[dev]
	if ok && now.Sub(last) < logEvery {
		s.mu.Unlock()
		return
	}
	if s.logged == nil || len(s.logged) >= maxLogged {
		s.logged = map[string]time.Time{}
	}
	s.logged[dev] = now
	s.mu.Unlock()
	// Once a minute per device, and at most deviceLinesEvery apart over
	// all devices: 10,000 encrypted phones without a certificate booting
	// at once write a few lines, the next counting those held back.
	kind := causeDevices
	if strings.HasSuffix(dev, clearSuffix) {
		kind = causeDevicesClear
	}
	allowed, held := s.limit(kind).Allow(now)
	if !allowed {
		return
	}
	if held > 0 {
		args = append(args, "devices_held_back", held)
	}
	s.Logger.Warn(msg, args...)
}
