package doctor

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cmtftp/internal/dhcp"
	"cmtftp/internal/dhcpclient"
)

// checkDHCP runs the DHCP exchange a phone runs on c.DHCPIface and checks
// that its answer, read by the phone's order of precedence, leads to this
// site's TFTP server, first. The lease stays on the interface until the
// returned release (the devices boot from it).
func checkDHCP(ctx context.Context, c Config, r *Report) (release func() error) {
	release = func() error { return nil }
	if c.DHCPIface == "" {
		return release
	}
	b, err := dhcpclient.Discover(ctx, dhcpclient.Ask{Iface: c.DHCPIface, V6: c.DHCPv6, Device: dhcp.Phone,
		Options: dhcpclient.Options{Timeout: 2 * time.Second, VendorClass: dhcp.PhoneVendorClass("7961")}})
	if err != nil {
		r.add(Fail, "DHCP", fmt.Sprintf("no DHCP answer on %s: %v", c.DHCPIface, err), "check the scope serves this network")
		return release
	}
	d, want := b.Discovery, c.TFTP.Addr()
	fix := fmt.Sprintf("put option 150 (or the DHCPv6 Cisco sub-option 1) for %s in the scope: cmtftp dhcp snippet --tftp %s --format isc|kea|dnsmasq", want, want)
	switch i := slices.Index(d.Servers, want); {
	case len(d.Servers) == 0:
		r.add(Fail, "DHCP", fmt.Sprintf("the answer on %s leads a phone to no TFTP server: %s", c.DHCPIface, d.Why), fix)
	case i < 0:
		r.add(Fail, "DHCP", fmt.Sprintf("the answer on %s leads a phone to %v, not to %s: %s", c.DHCPIface, d.Servers, want, d.Why), fix)
	case i > 0:
		r.add(Warn, "DHCP", fmt.Sprintf("the answer on %s leads a phone to %v: %s is not first, so every phone waits out %v first", c.DHCPIface, d.Servers, want, d.Servers[0]), fix)
	default:
		r.add(OK, "DHCP", fmt.Sprintf("the answer on %s (lease %s) leads a phone to %v first, by %s", c.DHCPIface, d.Lease, d.Servers, d.Rule), "")
	}
	return b.Release
}
