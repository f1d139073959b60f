package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/spf13/cobra"

	"cmtftp/internal/device"
	"cmtftp/internal/dhcp"
	"cmtftp/internal/dhcpclient"
	"cmtftp/internal/domain"
)

// dhcpFlags are simulate's flags for finding the TFTP servers as the
// device does: a real DHCP exchange and the device's order of precedence.
type dhcpFlags struct {
	iface      string
	v6, noDNS  bool
	port       int
	alt, nvram []string
	catalyst   string
	resolve    []string
	timeout    time.Duration
}

// dhcpOnly are the flags that mean something only with --dhcp.
var dhcpOnly = []string{"v6", "tftp-port", "alt-tftp", "nvram", "catalyst", "resolve", "no-dns", "dhcp-timeout"}

func (f *dhcpFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.iface, "dhcp", "", "find the TFTP servers with a real DHCP exchange on this interface (puts the lease on it until the boot ends; needs root): use a veth or a port made for the check")
	fl.BoolVar(&f.v6, "v6", false, "with --dhcp: DHCPv6 (the Cisco vendor sub-options) instead of DHCPv4")
	fl.IntVar(&f.port, "tftp-port", 69, "with --dhcp: the TFTP port of the servers found")
	fl.StringSliceVar(&f.alt, "alt-tftp", nil, "with --dhcp: the phone's Alternate TFTP = Yes, TFTP Server 1 and 2")
	fl.StringSliceVar(&f.nvram, "nvram", nil, "with --dhcp: the TFTP server address saved at an earlier boot")
	fl.StringVar(&f.catalyst, "catalyst", "", "with --dhcp and --device gateway: a Catalyst 6000's local TFTP address")
	fl.StringArrayVar(&f.resolve, "resolve", nil, "with --dhcp: NAME=A[,B], what a name (option 66, sname, CiscoCM1) resolves to without DNS (repeatable)")
	fl.BoolVar(&f.noDNS, "no-dns", false, "with --dhcp: resolve no name through DNS, only --resolve answers")
	fl.DurationVar(&f.timeout, "dhcp-timeout", 2*time.Second, "with --dhcp: wait for each DHCP answer before sending again")
}

// check refuses what cannot be meant: both ways of naming servers, or a
// --dhcp flag without --dhcp.
func (f *dhcpFlags) check(cmd *cobra.Command, tftp []string) error {
	if f.iface == "" {
		for _, name := range dhcpOnly {
			if cmd.Flags().Changed(name) {
				return fmt.Errorf("--%s is for --dhcp: it has no meaning with --tftp", name)
			}
		}
		return nil
	}
	if len(tftp) > 0 {
		return errors.New("give --tftp or --dhcp, not both")
	}
	if f.port < 1 || f.port > 65535 {
		return fmt.Errorf("--tftp-port %d: want 1 to 65535", f.port)
	}
	if f.timeout <= 0 {
		return fmt.Errorf("--dhcp-timeout %v: want more than 0", f.timeout)
	}
	if f.v6 && cmd.Flags().Lookup("device").Value.String() == string(device.Gateway) {
		return errors.New("--v6 is for phones: gateways find their TFTP server on IPv4 only (the chapter gives the DHCPv6 sub-options for phones)")
	}
	return nil
}

// servers fills c.Servers from --tftp, or from a DHCP exchange on --dhcp;
// release takes the lease off the interface again (a no-op without --dhcp).
func (f *dhcpFlags) servers(ctx context.Context, c *device.Config, tftp []string) (release func() error, err error) {
	if f.iface == "" {
		c.Servers, err = resolveServers(ctx, tftp)
		return func() error { return nil }, err
	}
	ask, err := f.ask(ctx, c)
	if err != nil {
		return nil, err
	}
	b, err := dhcpclient.Discover(ctx, ask)
	if err != nil {
		return nil, err
	}
	d := b.Discovery
	if len(d.Servers) == 0 {
		return nil, errors.Join(fmt.Errorf("DHCP on %s found no TFTP server: %s", f.iface, d.Why), b.Release())
	}
	c.Servers, c.Discovery = b.Servers(uint16(f.port)), d
	if b.Addr.IsValid() {
		c.LocalAddr = b.Addr.Addr() // the device's requests leave from its lease
	}
	return b.Release, nil
}

// ask describes the exchange: the device kind, what it holds itself, and
// how it names itself in options 60 and 12.
func (f *dhcpFlags) ask(ctx context.Context, c *device.Config) (dhcpclient.Ask, error) {
	a := dhcpclient.Ask{Iface: f.iface, V6: f.v6, Device: dhcp.Phone, NoDNS: f.noDNS,
		Options: dhcpclient.Options{Timeout: f.timeout, VendorClass: dhcp.PhoneVendorClass(c.Model)}}
	if c.Kind == device.Gateway {
		a.Device, a.Options.VendorClass, a.Options.Hostname = dhcp.Gateway, "", c.Hostname
	} else if mac, err := domain.ParseMAC(c.MAC); err == nil {
		a.Options.Hostname = dhcp.PhoneHostname(mac)
	}
	fixed := map[string][]netip.Addr{}
	for _, err := range []error{parseAddrList("--alt-tftp", f.alt, &a.Local.AltTFTP), parseAddrList("--nvram", f.nvram, &a.Local.NVRAM),
		parseOneAddr("--catalyst", f.catalyst, &a.Local.Catalyst), resolveFlags(f.resolve, nil, fixed)} {
		if err != nil {
			return a, err
		}
	}
	a.Resolve = explainResolver(ctx, fixed, false)
	return a, nil
}
