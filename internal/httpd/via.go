package httpd

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"cmtftp/internal/source"
)

// via returns the servers a proxied request has passed through (its
// source.ViaHeader), and whether it is a loop: it names this server, or
// more servers than source.MaxVia.
func (h *Handler) via(r *http.Request) (via []string, loop bool) {
	v := r.Header.Get(source.ViaHeader)
	if v == "" {
		return nil, false
	}
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			via = append(via, p)
		}
		if len(via) > source.MaxVia {
			return via, true
		}
	}
	return via, h.ID != "" && slices.Contains(via, h.ID)
}

// refuseLoop answers a request that came back to this server: 508 Loop
// Detected, and a warning (at most one a second: any client can send the
// header), since it means servers point at each other.
func (h *Handler) refuseLoop(w http.ResponseWriter, r *http.Request, name string, via []string) {
	if ok, held := h.loopLog.Allow(time.Now()); ok && h.Logger != nil {
		h.Logger.Warn("proxied request refused: it came back to this server (do remote clusters point at each other?)",
			"file", name, "client", r.RemoteAddr, "via", strings.Join(via, ", "), "server_id", h.ID, "suppressed_before", held)
	}
	http.Error(w, http.StatusText(http.StatusLoopDetected), http.StatusLoopDetected)
}

// slot is a serving slot a request holds (none when h is nil).
type slot struct {
	h      *Handler
	client netip.Addr
	shared bool // taken from the shared pool, not the client's share
}

// release gives the slot back.
func (s slot) release() {
	switch {
	case s.h == nil:
	case s.shared:
		s.h.Slots.Release()
	default:
		s.h.Slots.ReleaseFrom(s.client)
	}
}

// acquire takes a serving slot for a request from client: against the
// client's share, unless it is a proxied request from one of Peers.
func (h *Handler) acquire(client netip.Addr, proxied bool) (slot, bool) {
	if proxied && h.Peers != nil && h.Peers(client) {
		if !h.Slots.Acquire() {
			return slot{}, false
		}
		return slot{h: h, shared: true}, true
	}
	if !h.Slots.AcquireFrom(client) {
		return slot{}, false
	}
	return slot{h: h, client: client}, true
}
