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
)

// dhcpFlags are simulate's flags for finding the TFTP servers as the
// device does: a real DHCP exchange and the device's order of precedence.
type dhcpFlags struct {
	iface      string
	v6         bool
	port       int
	alt, nvram []string
	catalyst   string
	timeout    time.Duration
}

func (f *dhcpFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.iface, "dhcp", "", "find the TFTP servers with a real DHCP exchange on this interface (puts the lease on it; needs root): use a veth or a port made for the check")
	fl.BoolVar(&f.v6, "v6", false, "with --dhcp: DHCPv6 (the Cisco vendor sub-options) instead of DHCPv4")
	fl.IntVar(&f.port, "tftp-port", 69, "with --dhcp: the TFTP port of the servers found")
	fl.StringSliceVar(&f.alt, "alt-tftp", nil, "with --dhcp: the phone's Alternate TFTP = Yes, TFTP Server 1 and 2")
	fl.StringSliceVar(&f.nvram, "nvram", nil, "with --dhcp: the TFTP server address saved at an earlier boot")
	fl.StringVar(&f.catalyst, "catalyst", "", "with --dhcp and --device gateway: a Catalyst 6000's local TFTP address")
	fl.DurationVar(&f.timeout, "dhcp-timeout", 2*time.Second, "with --dhcp: wait for each DHCP answer before sending again")
}

// servers fills c.Servers from --tftp, or from a DHCP exchange on --dhcp.
func (f *dhcpFlags) servers(ctx context.Context, c *device.Config, tftp []string) error {
	if f.iface == "" {
		addrs, err := resolveServers(ctx, tftp)
		c.Servers = addrs
		return err
	}
	if len(tftp) > 0 {
		return errors.New("give --tftp or --dhcp, not both")
	}
	ask, err := f.ask(c)
	if err != nil {
		return err
	}
	d, err := dhcpclient.Discover(ctx, ask)
	if err != nil {
		return err
	}
	if len(d.Servers) == 0 {
		return fmt.Errorf("DHCP on %s found no TFTP server: %s", f.iface, d.Why)
	}
	for _, a := range d.Servers {
		c.Servers = append(c.Servers, netip.AddrPortFrom(a, uint16(f.port)))
	}
	c.Discovery = d
	return nil
}

// ask describes the exchange: the device kind, what it holds itself, and
// how it names itself (option 60 and 12, as Cisco phones do).
func (f *dhcpFlags) ask(c *device.Config) (dhcpclient.Ask, error) {
	a := dhcpclient.Ask{Iface: f.iface, V6: f.v6, Device: dhcp.Phone,
		Options: dhcpclient.Options{Timeout: f.timeout, VendorClass: "Cisco Systems, Inc. IP Phone CP-" + c.Model + "G"}}
	if c.Kind == device.Gateway {
		a.Device, a.Options.VendorClass, a.Options.Hostname = dhcp.Gateway, "", c.Hostname
	} else if c.MAC != "" {
		a.Options.Hostname = "SEP" + c.MAC
	}
	if err := parseAddrList("--alt-tftp", f.alt, &a.Local.AltTFTP); err != nil {
		return a, err
	}
	if err := parseAddrList("--nvram", f.nvram, &a.Local.NVRAM); err != nil {
		return a, err
	}
	if f.catalyst != "" {
		if err := parseOneAddr("--catalyst", f.catalyst, &a.Local.Catalyst); err != nil {
			return a, err
		}
	}
	return a, nil
}
