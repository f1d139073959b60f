//go:build !linux

package tftpd

import "net"

func enableGSO(*net.UDPConn, int, int) int { return 0 }

func gsoUnsupported(error) bool { return false }
