//go:build !linux

package dhcpclient

import (
	"context"
	"errors"
	"net/netip"
)

// errLinuxOnly is what every call answers off Linux: the raw sockets and
// netlink the exchanges need are Linux's.
var errLinuxOnly = errors.New("dhcp: the DHCP client runs on Linux only")

// Request4 is Linux-only.
func Request4(context.Context, string, Options) (*Lease4, error) { return nil, errLinuxOnly }

// Request6 is Linux-only.
func Request6(context.Context, string, Options) (*Lease6, error) { return nil, errLinuxOnly }

// Configure is Linux-only.
func Configure(string, netip.Prefix) (bool, error) { return false, errLinuxOnly }

// Unconfigure is Linux-only.
func Unconfigure(string, netip.Prefix) error { return errLinuxOnly }
