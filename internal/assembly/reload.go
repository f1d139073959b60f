package assembly

import (
	"fmt"
	"log/slog"
	"strings"
)

// live is what a reload changes while the server runs.
type live struct {
	token adminToken
	cert  *adminCert // nil: the admin API is plain HTTP
}

// Update is what a reload can change without a restart, as the caller
// resolved its settings again (the configuration file may have changed).
type Update struct {
	// LogLevel is the new level (debug, info, warn, error); "" keeps it.
	LogLevel string
	// AdminTokenFile is read again for the admin token; "" keeps the
	// token.
	AdminTokenFile string
	// AdminTLSCert and AdminTLSKey are read again for the admin
	// certificate (HTTPS cannot be turned on or off without a restart).
	AdminTLSCert, AdminTLSKey string
}

// ReloadReport says what a Reload changed and what failed (the old value
// kept).
type ReloadReport struct {
	Reloaded []string
	Failed   []string
}

// Reload applies u: the log level, the admin token and the admin
// certificate, each on its own; one that fails keeps its old value. It
// logs one line naming what was reloaded and what failed.
func (s *Server) Reload(u Update) ReloadReport {
	var r ReloadReport
	r.add(s.reloadLevel(u.LogLevel))
	if s.adminLn != nil {
		r.add(s.reloadToken(u.AdminTokenFile))
		r.add(s.reloadCert(u.AdminTLSCert, u.AdminTLSKey))
	}
	msg := "reloaded " + strings.Join(r.Reloaded, ", ")
	if len(r.Reloaded) == 0 {
		msg = "reloaded nothing"
	}
	if len(r.Failed) > 0 {
		s.log.Warn(msg, "failed", strings.Join(r.Failed, "; "))
	} else {
		s.log.Info(msg)
	}
	return r
}

// add records one step's outcome: what it reloaded ("" for nothing to
// do) or its error.
func (r *ReloadReport) add(what string, err error) {
	switch {
	case err != nil:
		r.Failed = append(r.Failed, err.Error()+" (kept the old one)")
	case what != "":
		r.Reloaded = append(r.Reloaded, what)
	}
}

func (s *Server) reloadLevel(level string) (string, error) {
	if level == "" || s.cfg.LogLevel == nil {
		return "", nil
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return "", fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	s.cfg.LogLevel.Set(lv)
	return "log level " + strings.ToLower(lv.String()), nil
}

func (s *Server) reloadToken(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	t, err := ReadTokenFile(file)
	if err != nil {
		return "", err
	}
	s.live.token.set(t)
	return "admin token", nil
}

func (s *Server) reloadCert(certFile, keyFile string) (string, error) {
	switch {
	case s.live.cert == nil && certFile == "" && keyFile == "":
		return "", nil
	case s.live.cert == nil:
		return "", fmt.Errorf("admin TLS certificate: turning HTTPS on needs a restart")
	case certFile == "" || keyFile == "":
		return "", fmt.Errorf("admin TLS certificate: turning HTTPS off needs a restart; both files are needed")
	}
	if err := s.live.cert.load(certFile, keyFile); err != nil {
		return "", err
	}
	return "admin TLS certificate", nil
}
