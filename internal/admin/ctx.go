package admin

import (
	"context"
	"net/http"
	"time"
)

// contextWithTimeout bounds a long poll; a zero wait still gives the feed a
// moment to deliver what is already in the log.
func contextWithTimeout(r *http.Request, wait time.Duration) (context.Context, context.CancelFunc) {
	if wait == 0 {
		wait = 50 * time.Millisecond
	}
	return context.WithTimeout(r.Context(), wait)
}
