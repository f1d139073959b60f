package assembly

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
)

// adminCert is the admin API's certificate of the moment, read from its
// PEM files at start and again by a reload; handshakes take it through
// GetCertificate, so a renewed certificate needs no restart.
type adminCert struct {
	v atomic.Pointer[tls.Certificate]
}

// load reads the certificate and key files; on an error the certificate
// in use is kept.
func (c *adminCert) load(certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("admin TLS certificate: %w", err)
	}
	c.v.Store(&cert)
	return nil
}

// get is tls.Config.GetCertificate.
func (c *adminCert) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.v.Load(), nil
}

// adminTLS turns the admin listener into an HTTPS one when
// Config.AdminTLSCert and AdminTLSKey are set.
func (s *Server) adminTLS() error {
	cfg := s.cfg
	if cfg.AdminTLSCert == "" && cfg.AdminTLSKey == "" {
		return nil
	}
	if cfg.AdminTLSCert == "" || cfg.AdminTLSKey == "" {
		return errors.New("admin TLS needs both a certificate and a key file")
	}
	s.live.cert = &adminCert{}
	if err := s.live.cert.load(cfg.AdminTLSCert, cfg.AdminTLSKey); err != nil {
		return err
	}
	s.adminLn = tls.NewListener(s.adminLn, &tls.Config{GetCertificate: s.live.cert.get, MinVersion: tls.VersionTLS12})
	return nil
}
