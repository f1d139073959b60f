// Package tftp is the TFTP wire codec: packets, options, error codes and
// netascii, as defined by RFC 1350 with the option extensions of RFC 2347,
// RFC 2348, RFC 2349 and RFC 7440.
//
// The package is pure: it does no I/O and keeps no state. Decoders take the
// bytes of one datagram and return values (views into the datagram where that
// saves a copy); encoders append to a caller's buffer and return it, so a
// transfer can reuse one send buffer for its whole life.
package tftp
