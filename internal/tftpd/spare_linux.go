package tftpd

import (
	"errors"
	"net/netip"
	"slices"
	"sync"

	"golang.org/x/sys/unix"

	"cmtftp/internal/udpraw"
)

// A completed transfer's socket is kept for the next transfer from the same
// local address rather than closed: opening one (socket, bind, setsockopt)
// and closing it again were a tenth of the server's CPU per small transfer
// (perf; scripts/bench). Only the socket of a transfer that completed
// without resending anything is kept — a resend may still draw a late ACK —
// and it is emptied of what came since (packets and ICMP reports) before
// it is handed out again. A packet from the old peer that comes later still
// is dropped by the new transfer, not answered with ERROR 5: the ICMP error
// that answer could draw from a closed port would end the new transfer.
// Each transfer still gets a port the kernel picked at random, once, for
// some transfer before it — never one whose last transfer was for the same
// client port, so that a client can tell a new transfer from the one just
// before (RFC 1350 §4).
type spares struct {
	mu   sync.Mutex
	byIP map[netip.Addr][]spare
	n    int
}

// spare is a kept socket and the peer its last transfer was for.
type spare struct {
	fd   int
	last netip.AddrPort
}

// maxSpares bounds the sockets kept idle, over all local addresses.
const maxSpares = 256

// socket returns a socket for a transfer from local to peer: a spare one,
// emptied, with the peer of its last transfer, or a new one.
func (p *spares) socket(local netip.Addr, peer netip.AddrPort) (int, netip.AddrPort, error) {
	if fd, was := p.take(local, peer); fd >= 0 {
		return fd, was, nil
	}
	fd, err := udpraw.Socket(local)
	if err != nil {
		return -1, netip.AddrPort{}, err
	}
	setRecvErr(fd, local.Is6())
	return fd, netip.AddrPort{}, nil
}

// take returns a spare socket of local, emptied, whose last transfer was not
// for peer, and that transfer's peer; -1 when there is none.
func (p *spares) take(local netip.Addr, peer netip.AddrPort) (int, netip.AddrPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.byIP[local]
	for i := len(kept) - 1; i >= 0; i-- {
		if kept[i].last == peer {
			continue
		}
		k := kept[i]
		p.byIP[local] = slices.Delete(kept, i, i+1)
		p.n--
		empty(k.fd)
		return k.fd, k.last
	}
	return -1, netip.AddrPort{}
}

// keep takes back a completed transfer's socket, or closes it when enough
// are kept.
func (p *spares) keep(local netip.Addr, fd int, last netip.AddrPort) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n >= maxSpares {
		unix.Close(fd)
		return false
	}
	if p.byIP == nil {
		p.byIP = make(map[netip.Addr][]spare)
	}
	p.byIP[local] = append(p.byIP[local], spare{fd, last})
	p.n++
	return true
}

// drop empties a spare socket something came to, reports included.
func (p *spares) drop(fd int) {
	empty(fd)
	dropReports(fd)
}

// closeAll closes every spare socket.
func (p *spares) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, kept := range p.byIP {
		for _, k := range kept {
			unix.Close(k.fd)
		}
	}
	p.byIP, p.n = nil, 0
}

// empty reads and drops what a spare socket still holds: late packets, a
// pending error, and then the ICMP reports queued with it.
func empty(fd int) {
	var b [ackBufLen]byte
	var from unix.RawSockaddrAny
	reported := false
	for range 64 {
		_, _, err := udpraw.RecvFrom(fd, b[:], &from)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		reported = reported || err != nil
	}
	if reported {
		dropReports(fd)
	}
}

// dropReports reads off the ICMP reports queued on a spare socket: left
// there, they would keep epoll reporting EPOLLERR for it.
func dropReports(fd int) {
	var b [ackBufLen]byte
	var oob [128]byte
	for range 64 {
		if !dropErrQueue(fd, b[:], oob[:]) {
			return
		}
	}
}
