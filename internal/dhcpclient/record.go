package dhcpclient

import (
	"net"
	"sync"
)

// keep is how many received packets a recorder holds: the few of one
// exchange, and some room for other clients' traffic on the segment.
const keep = 32

// recorder is a PacketConn that keeps a copy of the last packets it read,
// so the answer the library accepted can be handed on as raw bytes (the
// library's option map loses the order the options came in).
type recorder struct {
	net.PacketConn
	mu   sync.Mutex
	seen [][]byte
}

// ReadFrom reads a packet and keeps a copy of it.
func (r *recorder) ReadFrom(b []byte) (int, net.Addr, error) {
	n, addr, err := r.PacketConn.ReadFrom(b)
	if n > 0 {
		r.mu.Lock()
		if len(r.seen) == keep {
			r.seen = r.seen[1:]
		}
		r.seen = append(r.seen, append([]byte(nil), b[:n]...))
		r.mu.Unlock()
	}
	return n, addr, err
}

// find returns the newest kept packet that match accepts, or nil.
func (r *recorder) find(match func([]byte) bool) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.seen) - 1; i >= 0; i-- {
		if match(r.seen[i]) {
			return r.seen[i]
		}
	}
	return nil
}
