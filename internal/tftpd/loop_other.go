//go:build !linux

package tftpd

import "errors"

// eventLoop is Linux-only (epoll); elsewhere every transfer runs on its own
// goroutine.
type eventLoop struct{}

// rawAddr is unused without the event loop.
type rawAddr struct{}

func (s *Server) eventLoop(*transfer) *eventLoop { return nil }
func (s *Server) startLoop() *eventLoop          { return nil }

func (l *eventLoop) add(*transfer) error { return errors.New("tftpd: no event loop") }
func (l *eventLoop) poke()               {}
func (l *eventLoop) close()              {}

func (l *eventLoop) addListener(*listener) error { return errors.New("tftpd: no event loop") }
func (l *eventLoop) removeListener(*listener)    {}

func (t *transfer) sendRaw([]byte) error { return errors.New("tftpd: no event loop") }

func closeFD(*transfer) {}
