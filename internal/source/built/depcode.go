package built

import (
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
)

// The encoding of a kept file's deps. Its own records (its device, login,
// lines and profile) are in its entry; the records many files share
// (model, pool, group, servers, SIP profile, dial plan, softkeys,
// parameters) are one interned string that every file with the same set
// refers to. A dep is its kind's code (depKinds; 0 then the kind's name
// for a kind not listed) and its key: a uvarint of the key's length
// shifted left once, its low bit set when the key is the start of the
// file's name (a device's own name and login), the key's bytes otherwise.

// depKinds are the kinds with a one-byte code: their index plus one.
var depKinds = [...]domain.Kind{domain.KindServer, domain.KindGroup, domain.KindPool, domain.KindModel,
	domain.KindLine, domain.KindSIPProfile, domain.KindDialPlan, domain.KindSoftkey, domain.KindDevice,
	domain.KindProfile, domain.KindLogin, domain.KindEnterprise, domain.KindService}

// ownKind reports whether records of kind k belong to one file (a
// device's), not to many.
func ownKind(k domain.Kind) bool {
	return k == domain.KindDevice || k == domain.KindLogin || k == domain.KindLine || k == domain.KindProfile
}

// encodeDeps is the encoding of the file name's own deps and of its
// shared ones.
func encodeDeps(name string, deps []render.Dep) (own []byte, shared string) {
	var sh []byte
	for _, d := range deps {
		if ownKind(d.Kind) {
			own = appendDep(own, d, name)
		} else {
			sh = appendDep(sh, d, "")
		}
	}
	return own, string(sh)
}

// appendDep appends the encoding of d to b; a key that starts name is
// encoded as its length.
func appendDep(b []byte, d render.Dep, name string) []byte {
	code := byte(0)
	for i, k := range depKinds {
		if k == d.Kind {
			code = byte(i + 1)
		}
	}
	b = append(b, code)
	if code == 0 {
		b = appendUvarint(b, uint64(len(d.Kind)))
		b = append(b, d.Kind...)
	}
	if name != "" && strings.HasPrefix(name, d.Key) {
		return appendUvarint(b, uint64(len(d.Key))<<1|1)
	}
	b = appendUvarint(b, uint64(len(d.Key))<<1)
	return append(b, d.Key...)
}

// unchanged reports whether none of the deps encoded in enc (of the file
// name) changed after generation gen. Called holding mu.
func (s *Source) unchanged(enc, name string, gen uint64) bool {
	for len(enc) > 0 {
		var d render.Dep
		d, enc = nextDep(enc, name)
		if s.changed[d] > gen {
			return false
		}
	}
	return true
}

// nextDep decodes the first dep of enc, returning it and the rest. Its
// key is a substring of enc or name: no allocation.
func nextDep(enc, name string) (render.Dep, string) {
	var d render.Dep
	code := enc[0]
	enc = enc[1:]
	if code == 0 {
		var n uint64
		n, enc = uvarint(enc)
		d.Kind, enc = domain.Kind(enc[:n]), enc[n:]
	} else {
		d.Kind = depKinds[code-1]
	}
	n, enc := uvarint(enc)
	if n&1 == 1 {
		d.Key = name[:n>>1]
		return d, enc
	}
	d.Key, enc = enc[:n>>1], enc[n>>1:]
	return d, enc
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func uvarint(s string) (uint64, string) {
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]&0x7f) << (7 * i)
		if s[i] < 0x80 {
			return v, s[i+1:]
		}
	}
	return v, ""
}
