package loadgen

import (
	"context"
	"errors"
	"hash/maphash"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
	"cmtftp/internal/udpraw"
)

// runLoop runs lockstep load from one goroutine polling bare sockets, like
// the server's event loop: the load generator must not be what limits a
// benchmark, and a goroutine, net.UDPConn and read deadline per transfer
// made it so on a two-core machine (its core saturated before the
// server's). Each transfer still has a fresh socket. It reports false,
// having done nothing, where it does not apply (windowed transfers, an
// unresolvable server, no socket).
func runLoop(ctx context.Context, cfg Config, conc int, rec *recorder) bool {
	if cfg.Client.WindowSize > 1 {
		return false
	}
	server, err := tftpclient.Resolve(ctx, cfg.Server)
	if err != nil {
		return false
	}
	local := netip.IPv4Unspecified()
	if server.Addr().Is6() {
		local = netip.IPv6Unspecified()
	}
	if fd, err := udpraw.Socket(local); err != nil {
		return false
	} else {
		unix.Close(fd)
	}

	l := &clientLoop{ctx: ctx, cfg: cfg, server: server, local: local, rec: rec,
		fds: make([]unix.PollFd, conc), clients: make([]*client, conc)}
	for i := range l.clients {
		c := &client{loop: l, fd: -1}
		c.send = c.sendTo
		c.h.SetSeed(rec.seed)
		l.clients[i] = c
		l.fds[i].Fd = -1
		l.start(i)
	}
	l.run()
	rec.merge(&l.record)
	return true
}

// clientLoop is the state of runLoop.
type clientLoop struct {
	ctx     context.Context
	cfg     Config
	server  netip.AddrPort
	local   netip.Addr
	rec     *recorder
	fds     []unix.PollFd // fds[i] is clients[i]'s socket, -1 when idle
	clients []*client
	buf     [tftp.HeaderLen + tftp.MaxBlockSize + 1]byte
	from    unix.RawSockaddrAny
	record  recorder // this run's outcomes, merged into rec at the end
}

// client is one concurrent client: a transfer at a time, each on a fresh
// socket.
type client struct {
	loop *clientLoop
	fd   int
	x    *tftpclient.Exchange
	h    maphash.Hash
	due  time.Time
	to   udpraw.Addr
	send func(p []byte, to netip.AddrPort)
}

func (c *client) sendTo(p []byte, to netip.AddrPort) {
	c.to.Set(to)
	_ = c.to.Send(c.fd, p) // a failed send is a lost packet
}

// start begins client i's next transfer, or leaves it idle when the run
// is over.
func (l *clientLoop) start(i int) {
	c := l.clients[i]
	if l.ctx.Err() != nil {
		return
	}
	k, ok := l.rec.takeNumbered(l.cfg.Count)
	if !ok {
		return
	}
	fd, err := udpraw.Socket(l.local)
	if err != nil {
		l.record.done(l.rec, 0, 0, 0, err)
		return
	}
	c.fd = fd
	l.fds[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	c.h.Reset()
	c.x = l.cfg.Client.NewExchange(l.server, l.cfg.fileName(k), &c.h, c.send)
	c.x.Start()
	c.due = time.Now().Add(c.x.Timeout())
}

// end finishes client i's transfer and starts the next.
func (l *clientLoop) end(i int, err error) {
	c := l.clients[i]
	res := c.x.Result()
	unix.Close(c.fd)
	c.fd, c.x = -1, nil
	l.fds[i].Fd = -1
	if err != nil && l.ctx.Err() != nil {
		return // the run's time is up: not the server's fault
	}
	l.record.done(l.rec, res.Bytes, c.h.Sum64(), res.Duration, err)
	l.start(i)
}

// run polls until every client is idle.
func (l *clientLoop) run() {
	for {
		busy := false
		for _, c := range l.clients {
			busy = busy || c.x != nil
		}
		if !busy {
			return
		}
		if l.ctx.Err() != nil {
			for i, c := range l.clients {
				if c.x != nil {
					l.end(i, l.ctx.Err())
				}
			}
			continue
		}
		if udpraw.Poll(l.fds, 0) == 0 {
			udpraw.Poll(l.fds, 10*time.Millisecond)
		}
		now := time.Now()
		for i, c := range l.clients {
			if c.x == nil {
				continue
			}
			if l.fds[i].Revents != 0 {
				l.receive(i, now)
				continue
			}
			if now.After(c.due) {
				if err := c.x.Expired(); err != nil {
					l.end(i, err)
					continue
				}
				c.due = now.Add(c.x.Timeout())
			}
		}
	}
}

// receive reads one packet for client i and hands it to its transfer.
func (l *clientLoop) receive(i int, now time.Time) {
	c := l.clients[i]
	n, from, err := udpraw.RecvFrom(c.fd, l.buf[:], &l.from)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
		return
	}
	if err != nil {
		l.end(i, err)
		return
	}
	c.due = now.Add(c.x.Timeout())
	if done, err := c.x.Receive(l.buf[:n], from); done || err != nil {
		l.end(i, err)
	}
}
