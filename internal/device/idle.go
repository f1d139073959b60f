package device

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// idleReader reads an HTTP body and gives up when no byte of it arrives
// for d — a server that sent its headers and went quiet is, to the
// device, one that stopped answering, as a TFTP server is. It ends the
// request through cancel and answers errIdle.
type idleReader struct {
	r     io.Reader
	d     time.Duration
	t     *time.Timer
	fired atomic.Bool
}

// newIdleReader starts the clock; stop must be called when reading ends.
func newIdleReader(r io.Reader, d time.Duration, cancel context.CancelFunc) *idleReader {
	ir := &idleReader{r: r, d: d}
	ir.t = time.AfterFunc(d, func() { ir.fired.Store(true); cancel() })
	return ir
}

// Read reads on, resetting the clock at every byte that arrives.
func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 && !ir.fired.Load() {
		ir.t.Reset(ir.d)
	}
	if err != nil && ir.fired.Load() {
		return n, errIdle{ir.d}
	}
	return n, err
}

func (ir *idleReader) stop() { ir.t.Stop() }

// errIdle is a body that went quiet: a timeout (net.Error), so
// httpFailure takes it for no answer.
type errIdle struct{ d time.Duration }

func (e errIdle) Error() string   { return "no data for " + e.d.String() + " in the middle of the file" }
func (e errIdle) Timeout() bool   { return true }
func (e errIdle) Temporary() bool { return true }
