package udpraw

import (
	"net/netip"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cmsg appends one control message with data to b, padded as the kernel
// pads it.
func cmsg(b []byte, level, typ int32, data []byte) []byte {
	h := make([]byte, unix.CmsgSpace(len(data)))
	hdr := (*unix.Cmsghdr)(unsafe.Pointer(&h[0]))
	hdr.Level, hdr.Type = level, typ
	hdr.SetLen(unix.CmsgLen(len(data)))
	copy(h[unix.CmsgLen(0):], data)
	return append(b, h...)
}

func pktinfo4(ifIndex int32, dst [4]byte) []byte {
	pi := unix.Inet4Pktinfo{Ifindex: ifIndex, Addr: dst}
	return unsafe.Slice((*byte)(unsafe.Pointer(&pi)), unix.SizeofInet4Pktinfo)
}

func pktinfo6(ifIndex uint32, dst [16]byte) []byte {
	pi := unix.Inet6Pktinfo{Ifindex: ifIndex, Addr: dst}
	return unsafe.Slice((*byte)(unsafe.Pointer(&pi)), unix.SizeofInet6Pktinfo)
}

// TestPacketInfo: PacketInfo finds a request's destination address in
// the control messages the kernel returns, after other messages too, and
// survives cut or lying headers.
func TestPacketInfo(t *testing.T) {
	other := cmsg(nil, unix.SOL_SOCKET, unix.SO_TIMESTAMP, make([]byte, 16))
	v4 := cmsg(nil, unix.IPPROTO_IP, unix.IP_PKTINFO, pktinfo4(3, [4]byte{127, 0, 0, 2}))
	v6 := cmsg(nil, unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, pktinfo6(2, netip.MustParseAddr("fe80::1").As16()))
	lying := append([]byte(nil), v4...)
	(*unix.Cmsghdr)(unsafe.Pointer(&lying[0])).SetLen(len(lying) + 64)
	for _, tc := range []struct {
		name  string
		oob   []byte
		dst   string
		ifIdx int
	}{
		{"ipv4", v4, "127.0.0.2", 3},
		{"ipv6", v6, "fe80::1", 2},
		{"after another message", append(append([]byte(nil), other...), v4...), "127.0.0.2", 3},
		{"none", other, "invalid IP", 0},
		{"empty", nil, "invalid IP", 0},
		{"padding cut", v4[:len(v4)-4], "127.0.0.2", 3},
		{"cut short", v4[:len(v4)-8], "invalid IP", 0},
		{"length past the buffer", lying, "invalid IP", 0},
	} {
		dst, ifIdx := PacketInfo(tc.oob)
		if dst.String() != tc.dst || ifIdx != tc.ifIdx {
			t.Errorf("%s: got %v on %d, want %s on %d", tc.name, dst, ifIdx, tc.dst, tc.ifIdx)
		}
	}
}

// FuzzPacketInfo: no control data makes PacketInfo panic or read past it.
func FuzzPacketInfo(f *testing.F) {
	f.Add(cmsg(nil, unix.IPPROTO_IP, unix.IP_PKTINFO, pktinfo4(1, [4]byte{10, 0, 0, 1})))
	f.Add(cmsg(cmsg(nil, unix.SOL_SOCKET, unix.SO_TIMESTAMP, make([]byte, 16)), unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, pktinfo6(1, [16]byte{15: 1})))
	f.Fuzz(func(t *testing.T, oob []byte) {
		dst, _ := PacketInfo(oob)
		if dst.IsValid() && len(oob) < unix.CmsgLen(unix.SizeofInet4Pktinfo) {
			t.Fatalf("address %v from %d bytes of control data", dst, len(oob))
		}
	})
}
