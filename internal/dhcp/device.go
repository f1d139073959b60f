package dhcp

import (
	"fmt"
	"strings"
)

// Device is the kind of device whose TFTP server is sought: phones and
// gateways follow different orders of precedence.
type Device int

const (
	// Phone is a Cisco Unified IP Phone (7971, 7970, 7961, 7941, 7931,
	// 7911, 7906, 7960 and 7940 on release 8.0(4) firmware and later).
	Phone Device = iota
	// Gateway is a Cisco gateway, a Catalyst 6000 gateway among them.
	Gateway
)

// ParseDevice reads "phone" or "gateway" (any case).
func ParseDevice(s string) (Device, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "phone":
		return Phone, nil
	case "gateway":
		return Gateway, nil
	}
	return 0, fmt.Errorf("%w %q: want phone or gateway", ErrUnknownDevice, s)
}

// String returns "phone" or "gateway".
func (d Device) String() string {
	switch d {
	case Phone:
		return "phone"
	case Gateway:
		return "gateway"
	}
	return fmt.Sprintf("Device(%d)", int(d))
}
