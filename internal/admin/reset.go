package admin

import (
	"context"
	"net/http"
)

// ResetRequest is the body of POST /api/v1/reset: the action and exactly
// one selector of the devices — a list of names, a pool, all devices, or
// those whose records changed after a change ID.
type ResetRequest struct {
	Action       string   `json:"action"` // "restart" or "reset"
	Devices      []string `json:"devices,omitempty"`
	Pool         string   `json:"pool,omitempty"`
	All          bool     `json:"all,omitempty"`
	ChangedSince int64    `json:"changedSince,omitempty"`
}

// ResetResult is what became of one device's reset.
type ResetResult struct {
	Device   string `json:"device"`
	Protocol string `json:"protocol"`         // SIP or SCCP
	Target   string `json:"target,omitempty"` // where the NOTIFY went, host:port
	Event    string `json:"event,omitempty"`  // check-sync or service-control
	// Result is answered, rejected, no-answer or not-sent.
	Result string `json:"result"`
	Status int    `json:"status,omitempty"` // the SIP status of the answer
	Detail string `json:"detail,omitempty"`
}

// ResetResponse is the body of POST /api/v1/reset's answer.
type ResetResponse struct {
	Results []ResetResult `json:"results"`
}

// maxResetBody bounds a reset request: a list of 100,000 device names.
const maxResetBody = 4 << 20

// Check returns a CodeBadRequest error for a request with an unknown
// action or not exactly one selector.
func (q *ResetRequest) Check() error {
	if q.Action != "restart" && q.Action != "reset" {
		return badRequest(`action: "restart" or "reset"`)
	}
	n := 0
	for _, set := range []bool{len(q.Devices) > 0, q.Pool != "", q.All, q.ChangedSince != 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		return badRequest("name the devices by exactly one of devices, pool, all and changedSince")
	}
	if q.ChangedSince < 0 {
		return badRequest("changedSince: a change ID, 1 or more")
	}
	return nil
}

// reset serves POST /api/v1/reset.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	if s.Reset == nil {
		return &Error{Code: CodeUnavailable, Message: "this server sends no resets", Status: http.StatusNotImplemented}
	}
	var q ResetRequest
	if err := decode(w, r, maxResetBody, &q); err != nil {
		return err
	}
	if err := q.Check(); err != nil {
		return err
	}
	res, err := s.Reset(r.Context(), q)
	if err != nil {
		return err
	}
	if res == nil {
		res = []ResetResult{}
	}
	writeJSON(w, http.StatusOK, ResetResponse{Results: res})
	return nil
}

// Reset asks the server to reset or restart the devices q selects and
// returns the result of each.
func (c *Client) Reset(ctx context.Context, q ResetRequest) ([]ResetResult, error) {
	var out ResetResponse
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/reset", q, &out); err != nil {
		return nil, err
	}
	return out.Results, nil
}
