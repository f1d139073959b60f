package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"cmtftp/internal/dhcp"
	"cmtftp/internal/dhcpclient"
)

func newDHCPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dhcp",
		Short: "Which TFTP server a device takes from DHCP, and DHCP server configuration for it",
	}
	cmd.AddCommand(newDHCPExplainCmd(), newDHCPSnippetCmd())
	return cmd
}

// explainFlags are the flags of "dhcp explain": one DHCP answer and a
// device's own settings.
type explainFlags struct {
	device                      string
	opt150, alt, nvram, v6, cm1 []string
	opt66, sname, v6Name        string
	siaddr, catalyst            string
	opt66Last, opt150Last, v6a  bool
	noDNS, json                 bool
	resolve                     []string
}

func newDHCPExplainCmd() *cobra.Command {
	var f explainFlags
	cmd := &cobra.Command{
		Use:   "explain --device phone|gateway [flags]",
		Short: "Print the TFTP servers a device will use, in order, and the rule that chose them",
		Long: `explain applies the order of precedence of the Cisco chapter to one DHCP answer
and the device's own settings. Names (option 66, sname, the DHCPv6 TFTP service
name, CiscoCM1 for gateways) are resolved with the system resolver, 2 s at most
each, unless --no-dns; --resolve NAME=A[,B] and --cisco-cm1 A[,B] answer for a
name without DNS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, a, l, r, err := f.inputs(cmd.Context())
			if err != nil {
				return err
			}
			res := dhcp.Discover(d, a, l, r)
			if f.json {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			printResult(cmd, res)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.device, "device", "", "phone or gateway (required)")
	fl.StringSliceVar(&f.opt150, "opt150", nil, "option 150: TFTP server addresses A,B, in the answer's order")
	fl.StringVar(&f.opt66, "opt66", "", "option 66: a host name or a dotted address")
	fl.BoolVar(&f.opt66Last, "opt66-last", false, "option 66 came after option 150 in the option list")
	fl.BoolVar(&f.opt150Last, "opt150-last", false, "option 150 came after option 66 in the option list (with neither flag the order is unknown, and said to be assumed)")
	fl.BoolVar(&f.v6a, "v6", false, "the answer is a DHCPv6 one: a phone reads it with the IPv6 rules")
	fl.StringVar(&f.siaddr, "siaddr", "", "the header's next-server address")
	fl.StringVar(&f.sname, "sname", "", "the header's sname field")
	fl.StringSliceVar(&f.v6, "v6-tftp", nil, "DHCPv6 Cisco sub-option 1: TFTP server addresses A,B")
	fl.StringVar(&f.v6Name, "v6-tftp-name", "", "DHCPv6 Cisco sub-option 2: the TFTP service name")
	fl.StringSliceVar(&f.alt, "alt-tftp", nil, "phone: Alternate TFTP = Yes, with TFTP Server 1 and 2 (A,B)")
	fl.StringVar(&f.catalyst, "catalyst", "", "gateway: a Catalyst 6000's locally configured TFTP address")
	fl.StringSliceVar(&f.nvram, "nvram", nil, "the address(es) saved in NVRAM at an earlier boot")
	fl.StringSliceVar(&f.cm1, "cisco-cm1", nil, "gateway: what the name CiscoCM1 resolves to (A,B), without DNS; optional")
	fl.StringArrayVar(&f.resolve, "resolve", nil, "NAME=A[,B]: what a name resolves to, without DNS; NAME= for a name that does not resolve (repeatable)")
	fl.BoolVar(&f.noDNS, "no-dns", false, "resolve no name through DNS: only --resolve and --cisco-cm1 answer")
	fl.BoolVar(&f.json, "json", false, "print the result as JSON")
	_ = cmd.MarkFlagRequired("device")
	cmd.MarkFlagsMutuallyExclusive("opt66-last", "opt150-last")
	return cmd
}

// inputs turns the flags into what dhcp.Discover takes.
func (f *explainFlags) inputs(ctx context.Context) (dhcp.Device, dhcp.Answer, dhcp.Local, dhcp.Resolver, error) {
	d, err := dhcp.ParseDevice(f.device)
	if err != nil {
		return 0, dhcp.Answer{}, dhcp.Local{}, nil, err
	}
	a := dhcp.Answer{Opt66: f.opt66, Opt66Last: f.opt66Last, Opt150Last: f.opt150Last, Sname: f.sname, V6Name: f.v6Name, V6: f.v6a}
	var l dhcp.Local
	fixed := map[string][]netip.Addr{}
	errs := []error{
		parseAddrList("--opt150", f.opt150, &a.Opt150), parseAddrList("--v6-tftp", f.v6, &a.V6Servers),
		parseAddrList("--alt-tftp", f.alt, &l.AltTFTP), parseAddrList("--nvram", f.nvram, &l.NVRAM),
		parseOneAddr("--siaddr", f.siaddr, &a.Siaddr), parseOneAddr("--catalyst", f.catalyst, &l.Catalyst),
		resolveFlags(f.resolve, f.cm1, fixed),
	}
	for _, err := range errs {
		if err != nil {
			return 0, dhcp.Answer{}, dhcp.Local{}, nil, err
		}
	}
	return d, a, l, explainResolver(ctx, fixed, !f.noDNS), nil
}

func parseAddrList(flag string, vals []string, out *[]netip.Addr) error {
	for _, v := range vals {
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s: %q is not an IP address", flag, v)
		}
		*out = append(*out, a.Unmap())
	}
	return nil
}

func parseOneAddr(flag, v string, out *netip.Addr) error {
	if v == "" {
		return nil
	}
	var l []netip.Addr
	if err := parseAddrList(flag, []string{v}, &l); err != nil {
		return err
	}
	*out = l[0]
	return nil
}

// resolveFlags reads --resolve NAME=A[,B] and --cisco-cm1 A[,B] into fixed,
// keyed by the lower-case name.
func resolveFlags(resolve, cm1 []string, fixed map[string][]netip.Addr) error {
	for _, r := range resolve {
		name, vals, ok := strings.Cut(r, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("--resolve %q: want NAME=A[,B]", r)
		}
		var l []netip.Addr // "NAME=": the name does not resolve
		if vals != "" {
			if err := parseAddrList("--resolve "+name, strings.Split(vals, ","), &l); err != nil {
				return err
			}
		}
		key := strings.ToLower(strings.TrimSpace(name))
		fixed[key] = append(fixed[key], l...)
	}
	if len(cm1) == 0 {
		return nil
	}
	var l []netip.Addr
	err := parseAddrList("--cisco-cm1", cm1, &l)
	fixed["ciscocm1"] = l
	return err
}

// explainResolver answers from fixed first (an empty entry: the name
// does not resolve), then (useDNS) from the system resolver.
func explainResolver(ctx context.Context, fixed map[string][]netip.Addr, useDNS bool) dhcp.Resolver {
	dns := dhcpclient.Resolver(ctx, net.DefaultResolver)
	return func(name string) []netip.Addr {
		if a, ok := fixed[strings.ToLower(name)]; ok {
			return a
		}
		if !useDNS {
			return nil
		}
		return dns(name)
	}
}

func printResult(cmd *cobra.Command, r dhcp.Result) {
	s := make([]string, len(r.Servers))
	for i, a := range r.Servers {
		s[i] = a.String()
	}
	servers := strings.Join(s, ", ")
	if servers == "" {
		servers = "(none)"
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "servers: %s\nrule:    %s\n", servers, r.Rule)
	if r.Name != "" {
		fmt.Fprintf(w, "name:    %s\n", r.Name)
	}
	fmt.Fprintf(w, "why:     %s\n", r.Why)
}

func newDHCPSnippetCmd() *cobra.Command {
	var (
		tftp   []string
		format string
		v6     bool
	)
	cmd := &cobra.Command{
		Use:   "snippet --tftp A[,B] --format isc|kea|dnsmasq [--v6]",
		Short: "Print DHCP server configuration that hands devices the TFTP servers",
		Long: `snippet prints configuration to paste into a DHCP server: option 150 (an array
of IPv4 addresses), or with --v6 the Cisco vendor option (DHCPv6 option 17,
enterprise 9, sub-option 1: an array of IPv6 addresses). isc: statements for
dhcpd.conf (global, or the value line in a subnet); kea: the "option-def" and
"option-data" members to merge into the "Dhcp4" (or "Dhcp6") object; dnsmasq: a
dhcp-option line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := dhcp.ParseFormat(format)
			if err != nil {
				return err
			}
			var servers []netip.Addr
			if err := parseAddrList("--tftp", tftp, &servers); err != nil {
				return err
			}
			s, err := dhcp.Snippet(f, servers, v6)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), s)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&tftp, "tftp", nil, "TFTP server addresses A[,B], in the order devices try them (required)")
	fl.StringVar(&format, "format", "", "isc, kea or dnsmasq (required)")
	fl.BoolVar(&v6, "v6", false, "DHCPv6: the Cisco vendor option with IPv6 servers")
	_ = cmd.MarkFlagRequired("tftp")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}
