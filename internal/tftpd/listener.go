package tftpd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// listener is one listening socket with packet-info control messages turned
// on, so each request tells which local address it arrived on and replies
// from the listener leave from that same address.
type listener struct {
	s      *Server
	loopFD int // the event loop's duplicate of conn's descriptor, or -1
	conn   *net.UDPConn
	p4     *ipv4.PacketConn
	p6     *ipv6.PacketConn
	local  netip.Addr // the bound address, possibly unspecified
}

func newListener(c *net.UDPConn) (*listener, error) {
	la, ok := c.LocalAddr().(*net.UDPAddr)
	if !ok {
		return nil, errors.New("tftpd: listener has no UDP address")
	}
	l := &listener{conn: c, local: la.AddrPort().Addr().Unmap(), loopFD: -1}
	if la.IP.To4() != nil {
		l.p4 = ipv4.NewPacketConn(c)
		if err := l.p4.SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true); err != nil {
			return nil, fmt.Errorf("tftpd: packet info: %w", err)
		}
		return l, nil
	}
	l.p6 = ipv6.NewPacketConn(c)
	if err := l.p6.SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true); err != nil {
		return nil, fmt.Errorf("tftpd: packet info: %w", err)
	}
	return l, nil
}

// read reads one datagram and the local address it was sent to.
func (l *listener) read(b []byte) (n int, src netip.AddrPort, dst netip.Addr, err error) {
	var from net.Addr
	ifIndex := 0
	if l.p4 != nil {
		var cm *ipv4.ControlMessage
		n, cm, from, err = l.p4.ReadFrom(b)
		if cm != nil {
			dst, _ = netip.AddrFromSlice(cm.Dst)
		}
	} else {
		var cm *ipv6.ControlMessage
		n, cm, from, err = l.p6.ReadFrom(b)
		if cm != nil {
			dst, _ = netip.AddrFromSlice(cm.Dst)
			ifIndex = cm.IfIndex
		}
	}
	if err != nil {
		return 0, src, dst, err
	}
	if ua, ok := from.(*net.UDPAddr); ok {
		src = ua.AddrPort()
	}
	src, dst = l.addrs(src, dst, ifIndex)
	return n, src, dst, nil
}

// addrs tidies a request's addresses: both unmapped, an IPv6 link-local
// destination zoned with the interface it came in on, and the listener's
// own address when the packet info was missing.
func (l *listener) addrs(src netip.AddrPort, dst netip.Addr, ifIndex int) (netip.AddrPort, netip.Addr) {
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	if dst.Is6() && (dst.IsLinkLocalUnicast() || dst.IsLinkLocalMulticast()) && ifIndex > 0 {
		dst = dst.WithZone(strconv.Itoa(ifIndex))
	}
	dst = dst.Unmap()
	if !dst.IsValid() || dst.IsUnspecified() {
		dst = l.local
	}
	return src, dst
}

// writeTo sends b to dst from the local address src.
func (l *listener) writeTo(b []byte, dst netip.AddrPort, src netip.Addr) error {
	to := net.UDPAddrFromAddrPort(dst)
	var err error
	if l.p4 != nil {
		var cm *ipv4.ControlMessage
		if l.local.IsUnspecified() && src.Is4() {
			cm = &ipv4.ControlMessage{Src: src.AsSlice()}
		}
		_, err = l.p4.WriteTo(b, cm, to)
	} else {
		var cm *ipv6.ControlMessage
		if l.local.IsUnspecified() && src.IsValid() && !src.IsUnspecified() {
			cm = &ipv6.ControlMessage{Src: src.WithZone("").AsSlice()}
		}
		_, err = l.p6.WriteTo(b, cm, to)
	}
	return err
}

// Listen opens the UDP sockets for addr. An address with an empty host
// (":69") opens one IPv4 socket on 0.0.0.0 and one IPv6-only socket on [::];
// when the machine has no IPv6 the IPv4 socket alone is returned.
func Listen(addr string) ([]*net.UDPConn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("tftpd: address %q: %w", addr, err)
	}
	if host != "" {
		network := "udp4"
		if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() && !ip.Is4In6() {
			network = "udp6"
		} else if err != nil {
			network = "udp"
		}
		c, err := net.ListenPacket(network, addr)
		if err != nil {
			return nil, err
		}
		return []*net.UDPConn{c.(*net.UDPConn)}, nil
	}
	c4, err := net.ListenPacket("udp4", net.JoinHostPort("0.0.0.0", port))
	if err != nil {
		return nil, err
	}
	conns := []*net.UDPConn{c4.(*net.UDPConn)}
	if c6, err := net.ListenPacket("udp6", net.JoinHostPort("::", port)); err == nil {
		conns = append(conns, c6.(*net.UDPConn))
	}
	return conns, nil
}
