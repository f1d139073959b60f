package sipnotify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emiago/sipgo"
)

// DefaultTimeout is how long Sender waits for a phone's final answer.
const DefaultTimeout = 4 * time.Second

// Sender sends NOTIFYs from one sipgo user agent over UDP.
type Sender struct {
	ua      *sipgo.UserAgent
	client  *sipgo.Client
	timeout time.Duration
}

// NewSender makes a Sender that waits timeout (zero: DefaultTimeout) for
// each answer. Close releases its sockets.
func NewSender(timeout time.Duration) (*Sender, error) {
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(UserAgent))
	if err != nil {
		return nil, fmt.Errorf("sip user agent: %w", err)
	}
	client, err := sipgo.NewClient(ua)
	if err != nil {
		ua.Close()
		return nil, fmt.Errorf("sip client: %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Sender{ua: ua, client: client, timeout: timeout}, nil
}

// Close closes the user agent and its transports.
func (s *Sender) Close() error { return s.ua.Close() }

// Send sends t's NOTIFY and waits for its final answer: 2xx is answered,
// any other final status rejected, none within the timeout (or a send that
// fails) no-answer.
func (s *Sender) Send(ctx context.Context, t Target) Result {
	if !t.Addr.IsValid() || t.Addr.Port() == 0 {
		return Result{Result: ResultNotSent, Detail: "no address to send to"}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.client.Do(ctx, NewRequest(t))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Result{Result: ResultNoAnswer, Detail: fmt.Sprintf("no answer within %v", s.timeout)}
	case err != nil:
		return Result{Result: ResultNoAnswer, Detail: err.Error()}
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return Result{Result: ResultAnswered, Status: res.StatusCode, Detail: res.Reason}
	}
	return Result{Result: ResultRejected, Status: res.StatusCode, Detail: res.Reason}
}
