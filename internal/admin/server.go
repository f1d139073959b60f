// Package admin is cmtftp's admin API: JSON over HTTP for every record of
// the store, parameters, whole-site apply and export, health and readiness.
// The CLI is a client of it (Client).
//
// Every handler returns its error through one adapter (handlerFunc, see
// handler.go), which writes the JSON error body with a stable code; the
// files are split by resource.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"cmtftp/internal/store"
)

// Server serves the admin API. Zero values are not usable: set Store.
type Server struct {
	// Store is the configuration database.
	Store store.Store
	// Token, when set, must come with every request but /healthz and
	// /readyz as "Authorization: Bearer <token>".
	Token string
	// Logger receives one line per request that fails on the server's side
	// (status 500 or more); nil discards.
	Logger *slog.Logger
	// Limits bound what one request may make the server decode; zero
	// fields are the defaults (DefaultMaxBody …).
	Limits Limits
	// Extra registers more routes on the same mux (metrics, timeline …).
	Extra func(mux *http.ServeMux)
	// WriteStall is how long a streamed response (the export) may make no
	// progress before it is cut off; zero is DefaultWriteStall.
	WriteStall time.Duration
	// Reset sends the resets of POST /api/v1/reset (reset.go); nil
	// answers 501.
	Reset func(ctx context.Context, req ResetRequest) ([]ResetResult, error)
}

// DefaultWriteStall is Server.WriteStall's default.
const DefaultWriteStall = 30 * time.Second
