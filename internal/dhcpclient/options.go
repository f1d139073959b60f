package dhcpclient

import (
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Options describe how the device asks. The zero value asks for the
// library's defaults with no extra options.
type Options struct {
	// Requested is the parameter request list (DHCPv4 option 55), e.g.
	// dhcp.RequestedV4(): a Cisco phone asks for 150 and 66 among others.
	Requested []dhcpv4.OptionCode
	// VendorClass is sent as DHCPv4 option 60, as phones identify
	// themselves ("Cisco Systems, Inc. IP Phone CP-7961G").
	VendorClass string
	// Hostname is sent as DHCPv4 option 12 (phones send SEP<MAC>).
	Hostname string
	// Timeout is how long to wait for each answer before resending
	// (default 2 s), Retries how many times to send (default 3).
	Timeout time.Duration
	Retries int
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 2 * time.Second
	}
	return o.Timeout
}

func (o Options) retries() int {
	if o.Retries <= 0 {
		return 3
	}
	return o.Retries
}

// modifiers4 turns the options into what the DHCPv4 messages carry.
func (o Options) modifiers4() []dhcpv4.Modifier {
	var m []dhcpv4.Modifier
	if len(o.Requested) > 0 {
		m = append(m, dhcpv4.WithRequestedOptions(o.Requested...))
	}
	if o.VendorClass != "" {
		m = append(m, dhcpv4.WithOption(dhcpv4.OptClassIdentifier(o.VendorClass)))
	}
	if o.Hostname != "" {
		m = append(m, dhcpv4.WithOption(dhcpv4.OptHostName(o.Hostname)))
	}
	return m
}
