package dhcp

import "errors"

// ErrUnknownDevice is returned by ParseDevice for a name other than
// "phone" or "gateway".
var ErrUnknownDevice = errors.New("unknown device kind")

// ErrUnknownFormat is returned by ParseFormat for a name other than
// "isc", "kea" or "dnsmasq".
var ErrUnknownFormat = errors.New("unknown configuration format")

// ErrAddress is returned by Snippet when no server is given or a server
// is not of the address family asked for.
var ErrAddress = errors.New("bad TFTP server address")

// ErrMalformed is returned by FromV4 and FromV6 for a packet that cannot
// be decoded or whose TFTP options are malformed.
var ErrMalformed = errors.New("malformed DHCP packet")

// ErrNotAnswer is returned by FromV4 and FromV6 for a packet that is not
// an answer from a server (a BOOTREQUEST, a DHCPv6 Solicit, a relay
// message).
var ErrNotAnswer = errors.New("not a DHCP answer")
