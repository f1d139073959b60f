//go:build !linux

package tftpd

import (
	"errors"
	"net/netip"
	"time"
)

// eventLoop is Linux-only (poll(2) on bare sockets); elsewhere every
// transfer runs on its own goroutine.
type eventLoop struct{}

// rawSender is unused without the event loop.
type rawSender struct{ fd int }

var errNoLoop = errors.New("tftpd: no event loop")

func (r *rawSender) send([]byte) error                   { return errNoLoop }
func (r *rawSender) sendTo([]byte, netip.AddrPort) error { return errNoLoop }
func (r *rawSender) sendWindow([]byte, int, int) error   { return errNoLoop }

func (s *Server) eventLoop(*transfer) *eventLoop { return nil }
func (s *Server) startLoop() *eventLoop          { return nil }

func (l *eventLoop) add(*transfer) error { return errNoLoop }
func (l *eventLoop) poke()               {}
func (l *eventLoop) close()              {}
func (l *eventLoop) catchUp()            {}
func (l *eventLoop) drain(time.Time)     {}

func (l *eventLoop) addListener(*listener) error { return errNoLoop }
func (l *eventLoop) removeListener(*listener)    {}

func closeFD(*transfer) {}
