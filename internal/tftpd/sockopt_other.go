//go:build !linux

package tftpd

import "net"

func connRecvErr(*net.UDPConn, bool) {}

// setReceiveBuffer asks for a receive buffer of n bytes on c and returns
// n: the system does not tell what it granted.
func setReceiveBuffer(c *net.UDPConn, n int) (int, error) { return n, c.SetReadBuffer(n) }

// sendBuffer returns 0: the system does not tell c's send buffer.
func sendBuffer(*net.UDPConn) int { return 0 }
