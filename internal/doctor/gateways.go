package doctor

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// bootGateways boots every gateway of the site once, as its family does
// (docs/gateways.md), at most c.Concurrency at a time: a gateway that
// does not end configured fails, a warning of its boot (a port file
// missing, a vendor key it does not know) is a warning.
func bootGateways(ctx context.Context, c Config, site *domain.Site, r *Report) {
	if len(site.Gateways) == 0 {
		return
	}
	reports := bootAllOf(c, site.Gateways, func(g *domain.Gateway) *device.Report { return bootGateway(ctx, c, g) })
	r.Gateways = len(reports)
	failed, warned := map[string][]string{}, map[string][]string{}
	for i, rep := range reports {
		name := site.Gateways[i].Name
		if !rep.OK() {
			k := string(rep.Cause) + ": " + rep.Detail
			failed[k] = append(failed[k], name)
			continue
		}
		r.GatewaysConfigured++
		for _, w := range rep.Warnings {
			warned[w] = append(warned[w], name)
		}
	}
	report(r, Fail, "gateway boot", failed, "fix the gateway's records (cmtftp gateway show NAME) or what they name")
	report(r, Warn, "gateway files", warned, "check the gateway's ports and vendor configuration (cmtftp gateway show NAME)")
	if len(failed) == 0 {
		r.add(OK, "gateway boot", fmt.Sprintf("all %d gateways get their files and end configured", r.Gateways), "")
	}
}

// bootGateway plays one gateway's boot against the site's TFTP server.
// An SCCP gateway named without its MAC is played with a MAC ending in
// the name's 10 digits: its files are named by those alone.
func bootGateway(ctx context.Context, c Config, g *domain.Gateway) *device.Report {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	mac := g.MAC
	if mac == "" && strings.HasPrefix(g.Name, domain.PrefixSKIGW) {
		mac = "00" + g.Name[len(domain.PrefixSKIGW):]
	}
	cfg := device.Config{Kind: device.Gateway, Model: g.Model, Protocol: g.Protocol, MAC: mac, Hostname: g.Name,
		Servers: []netip.AddrPort{c.TFTP}, Timeout: timeout, Retries: 2}
	rep, err := device.Boot(ctx, cfg)
	if err != nil {
		return &device.Report{Device: g.Name, Outcome: device.NotConfigured, Cause: "unplayable", Detail: err.Error()}
	}
	return rep
}
