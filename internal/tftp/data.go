package tftp

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// AppendData appends a DATA packet to dst and returns the extended buffer.
//
//	 2 bytes     2 bytes      n bytes
//	 ----------------------------------
//	| Opcode=3 |   Block #  |   Data     |
//	 ----------------------------------
func AppendData(dst []byte, block uint16, payload []byte) []byte {
	dst = appendHeader(dst, OpDATA, block)
	return append(dst, payload...)
}

// PutDataHeader writes the DATA header into b[:4], which must be long enough.
// Senders use it to fill a block whose payload was read in place at b[4:].
func PutDataHeader(b []byte, block uint16) {
	binary.BigEndian.PutUint16(b, uint16(OpDATA))
	binary.BigEndian.PutUint16(b[2:], block)
}

// ParseData decodes a DATA packet. The payload is a view into b.
func ParseData(b []byte) (block uint16, payload []byte, err error) {
	if err := expect(b, OpDATA, HeaderLen); err != nil {
		return 0, nil, err
	}
	return binary.BigEndian.Uint16(b[2:]), b[HeaderLen:], nil
}

// AppendAck appends an ACK packet to dst.
//
//	 2 bytes     2 bytes
//	 ---------------------
//	| Opcode=4 |   Block #  |
//	 ---------------------
func AppendAck(dst []byte, block uint16) []byte {
	return appendHeader(dst, OpACK, block)
}

// ParseAck decodes an ACK packet. Trailing bytes are tolerated, as some
// clients pad their ACKs.
func ParseAck(b []byte) (block uint16, err error) {
	if err := expect(b, OpACK, HeaderLen); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b[2:]), nil
}

// AppendError appends an ERROR packet to dst.
//
//	 2 bytes     2 bytes      string    1 byte
//	 -----------------------------------------
//	| Opcode=5 |  ErrorCode |   ErrMsg   |   0  |
//	 -----------------------------------------
//
// A NUL inside msg would end the message early, so the message is cut there.
func AppendError(dst []byte, code ErrorCode, msg string) []byte {
	if i := indexNUL(msg); i >= 0 {
		msg = msg[:i]
	}
	dst = appendHeader(dst, OpERROR, uint16(code))
	dst = append(dst, msg...)
	return append(dst, 0)
}

// ErrorLen is the length of the ERROR packet AppendError makes for msg.
func ErrorLen(msg string) int {
	if i := indexNUL(msg); i >= 0 {
		msg = msg[:i]
	}
	return HeaderLen + len(msg) + 1
}

// ParseError decodes an ERROR packet. A missing final NUL is tolerated (the
// message runs to the end of the datagram); a packet of three bytes or fewer
// is refused.
func ParseError(b []byte) (code ErrorCode, msg string, err error) {
	if err := expect(b, OpERROR, HeaderLen); err != nil {
		return 0, "", err
	}
	rest := b[HeaderLen:]
	if i := bytes.IndexByte(rest, 0); i >= 0 {
		rest = rest[:i]
	}
	return ErrorCode(binary.BigEndian.Uint16(b[2:])), string(rest), nil
}

func appendHeader(dst []byte, op Opcode, v uint16) []byte {
	return append(dst, byte(op>>8), byte(op), byte(v>>8), byte(v))
}

func expect(b []byte, op Opcode, min int) error {
	if len(b) < 2 {
		return ErrShort
	}
	if got := Opcode(binary.BigEndian.Uint16(b)); got != op {
		return fmt.Errorf("%w: %s, want %s", ErrOpcode, got, op)
	}
	if len(b) < min {
		return fmt.Errorf("%w: %s of %d bytes", ErrShort, op, len(b))
	}
	return nil
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}
