package tftpd

import (
	"errors"

	"golang.org/x/sys/unix"

	"cmtftp/internal/udpraw"
)

// errSocketClosed reports a send on a transfer whose socket is gone.
var errSocketClosed = errors.New("tftpd: transfer socket closed")

// sendRaw sends p to the transfer's peer from its loop socket.
func (t *transfer) sendRaw(p []byte) error {
	if t.fd < 0 {
		return errSocketClosed
	}
	return t.to.Send(t.fd, p)
}

// closeFD closes t's loop socket, if it has one.
func closeFD(t *transfer) {
	if t.fd >= 0 {
		unix.Close(t.fd)
		t.fd = -1
	}
}

// rawAddr is a peer's address in the kernel's form (Linux: for sendto).
type rawAddr = udpraw.Addr
