package tftpd

import (
	"errors"
	"net/netip"

	"golang.org/x/sys/unix"

	"cmtftp/internal/udpraw"
)

// errSocketClosed reports a send on a transfer whose socket is gone.
var errSocketClosed = errors.New("tftpd: transfer socket closed")

// rawSender sends a transfer's packets from the bare non-blocking socket
// the event loop polls.
type rawSender struct {
	fd int         // the socket, or -1
	to udpraw.Addr // the peer in the kernel's form, for sendto
	// was is the peer of the socket's last transfer, when it is a spare
	// one (spare_linux.go): what still comes from there is dropped.
	was netip.AddrPort
}

var _ sender = (*rawSender)(nil)

func (r *rawSender) send(p []byte) error {
	if r.fd < 0 {
		return errSocketClosed
	}
	return r.to.Send(r.fd, p)
}

func (r *rawSender) sendTo(p []byte, to netip.AddrPort) error {
	if r.fd < 0 {
		return errSocketClosed
	}
	var a udpraw.Addr
	a.Set(to)
	return a.Send(r.fd, p)
}

func (r *rawSender) sendWindow(b []byte, stride, k int) error {
	for i := range k {
		if err := r.send(b[i*stride : min((i+1)*stride, len(b))]); err != nil && !transientSendError(err) {
			return err
		}
	}
	return nil
}

// closeFD closes t's loop socket, if it has one.
func closeFD(t *transfer) {
	if t.raw.fd >= 0 {
		unix.Close(t.raw.fd)
		t.raw.fd = -1
	}
}
