package assembly

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"syscall"

	"cmtftp/internal/tftpd"
)

// listenUDP opens every TFTP address before serving any, so a bad address
// fails start-up as a whole. With skip, an address that cannot be bound
// while others can (an address family the machine lacks) is skipped with a
// warning.
func listenUDP(addrs []string, skip bool, log *slog.Logger) ([]net.PacketConn, error) {
	var conns []net.PacketConn
	for _, a := range addrs {
		cs, err := tftpd.Listen(a)
		if err != nil {
			if skip && len(addrs) > 1 {
				log.Warn("not listening", "addr", a, "err", err)
				continue
			}
			closeAll(conns)
			return nil, bindError(a, err)
		}
		for _, c := range cs {
			conns = append(conns, c)
		}
	}
	if len(conns) == 0 {
		return nil, errors.New("no address to listen on")
	}
	return conns, nil
}

// listenTCP opens addr; "" is off (nil, nil).
func listenTCP(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, bindError(addr, err)
	}
	return ln, nil
}

func closeAll(conns []net.PacketConn) {
	for _, c := range conns {
		c.Close()
	}
}

// bindError explains the usual reason a bind fails: a privileged port.
func bindError(addr string, err error) error {
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		exe, _ := os.Executable()
		return fmt.Errorf(`cannot listen on %s: %w
  Port 69 is privileged. Either grant the binary the capability once:
      sudo setcap cap_net_bind_service=+ep %s
  or listen on an unprivileged port: --tftp-addr :6969`, addr, err, exe)
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: %w (is another TFTP server running?)", addr, err)
	}
	return fmt.Errorf("cannot listen on %s: %w", addr, err)
}
