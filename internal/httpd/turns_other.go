//go:build !linux

package httpd

import "syscall"

// turns is Linux's (turns_linux.go); elsewhere connections wait on Go's
// poller.
type turns struct{}

func newTurns() *turns                                { return nil }
func (t *turns) close()                               {}
func (t *turns) add(c *conn, rc syscall.RawConn) bool { return false }
func (t *turns) remove(id uint64)                     {}
func (c *conn) turn()                                 {}
func (c *conn) readTurn(p []byte) (int, error)        { return c.nc.Read(p) }
