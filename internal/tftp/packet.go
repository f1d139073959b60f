package tftp

import (
	"encoding/binary"
	"errors"
)

// Opcode is the first two bytes of every TFTP packet.
type Opcode uint16

// The opcodes of RFC 1350 and RFC 2347.
const (
	OpRRQ   Opcode = 1 // read request
	OpWRQ   Opcode = 2 // write request
	OpDATA  Opcode = 3 // data
	OpACK   Opcode = 4 // acknowledgment
	OpERROR Opcode = 5 // error
	OpOACK  Opcode = 6 // option acknowledgment (RFC 2347)
)

// String returns the opcode's name as the RFCs write it.
func (o Opcode) String() string {
	switch o {
	case OpRRQ:
		return "RRQ"
	case OpWRQ:
		return "WRQ"
	case OpDATA:
		return "DATA"
	case OpACK:
		return "ACK"
	case OpERROR:
		return "ERROR"
	case OpOACK:
		return "OACK"
	}
	return "UNKNOWN"
}

// ErrorCode is the code carried by an ERROR packet.
type ErrorCode uint16

// The error codes of RFC 1350 and RFC 2347.
const (
	ErrUndefined       ErrorCode = 0 // not defined, see error message
	ErrFileNotFound    ErrorCode = 1 // file not found
	ErrAccessViolation ErrorCode = 2 // access violation
	ErrDiskFull        ErrorCode = 3 // disk full or allocation exceeded
	ErrIllegalOp       ErrorCode = 4 // illegal TFTP operation
	ErrUnknownTID      ErrorCode = 5 // unknown transfer ID
	ErrFileExists      ErrorCode = 6 // file already exists
	ErrNoSuchUser      ErrorCode = 7 // no such user
	ErrOptionRefused   ErrorCode = 8 // option negotiation refused (RFC 2347)
)

// Sizes fixed by the protocol.
const (
	// HeaderLen is the length of a DATA or ACK header: opcode and block number.
	HeaderLen = 4
	// DefaultBlockSize is the RFC 1350 block size, used without a blksize option.
	DefaultBlockSize = 512
	// MinBlockSize and MaxBlockSize bound the blksize option (RFC 2348).
	MinBlockSize = 8
	MaxBlockSize = 65464
	// MinTimeout and MaxTimeout bound the timeout option, in seconds (RFC 2349).
	MinTimeout = 1
	MaxTimeout = 255
	// MinWindowSize and MaxWindowSize bound the windowsize option (RFC 7440).
	MinWindowSize = 1
	MaxWindowSize = 65535
)

// Decoding errors. Every decoder wraps one of these with %w.
var (
	// ErrShort means the datagram is too short for its opcode.
	ErrShort = errors.New("tftp: packet too short")
	// ErrOpcode means the opcode is not the one the decoder expected, or unknown.
	ErrOpcode = errors.New("tftp: unexpected opcode")
	// ErrMalformed means a string field lacks its NUL terminator or a field is empty.
	ErrMalformed = errors.New("tftp: malformed packet")
)

// PeekOpcode returns the opcode of a datagram without checking the rest.
func PeekOpcode(b []byte) (Opcode, error) {
	if len(b) < 2 {
		return 0, ErrShort
	}
	return Opcode(binary.BigEndian.Uint16(b)), nil
}
