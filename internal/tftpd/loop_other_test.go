//go:build !linux

package tftpd

// onLinux: no event loop outside Linux.
const onLinux = 0

func onLoop(*Server) int { return 0 }
