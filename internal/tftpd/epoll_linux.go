package tftpd

import "golang.org/x/sys/unix"

// What an event in the loop's epoll set is for: its Pad, beside the
// descriptor in its Fd.
const (
	kindTransfer = iota // a transfer's socket
	kindListener        // a listener's duplicate descriptor
	kindWake            // the loop's eventfd
)

// What slot holds for a descriptor that is no transfer's.
const (
	slotNone  = -1 // not the loop's
	slotSpare = -2 // a spare socket (spare_linux.go), still in the set
)

// eventBatch is how many ready descriptors one wait takes; more wait for
// the next (level-triggered: none is lost, and the ready list rotates).
const eventBatch = 256

// watch adds fd to the epoll set ep for reading, level-triggered, tagged
// with kind.
func watch(ep, fd int, kind int32) error {
	return unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd), Pad: kind})
}

// register puts transfer i's socket in the loop's epoll set and its index
// in slot.
func (l *eventLoop) register(i int) error {
	fd := l.xfers[i].raw.fd
	for len(l.slot) <= fd {
		l.slot = append(l.slot, slotNone)
	}
	was := l.slot[fd]
	l.slot[fd] = int32(i)
	if was == slotSpare {
		return nil // a spare socket, in the set since its first transfer
	}
	return watch(l.ep, fd, kindTransfer)
}
