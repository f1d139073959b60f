package device

import (
	"context"
	"fmt"

	"cmtftp/internal/domain"
)

// skigw plays an SCCP analog gateway (stcapp): SKIGW<tail>.cnf.xml, then
// the AN file of every port it lists; a port file missing or broken ends
// the boot, as the gateway cannot bring that port up.
func (r *run) skigw(ctx context.Context) bool {
	name := domain.SKIGWName(r.mac) + ".cnf.xml"
	g, step, ok := r.gatewayXML(ctx, name, "device")
	if !ok {
		return false
	}
	r.rep.Config, r.rep.LoadID = name, g.load
	r.note(step, "<device> %s %s: %s, %s", g.product, g.protocol, plural(len(g.callManagers), "call manager"), plural(len(g.ports), "port"))
	if !r.callControl(g.callManagers) {
		return false
	}
	if len(g.ports) == 0 {
		r.warn("%s lists no port: the gateway brings none up", name)
	}
	gw := domain.SKIGWName(r.mac)
	for _, ref := range g.ports {
		file := ref.name + ".cnf.xml"
		an, step, ok := r.gatewayXML(ctx, file, "device")
		if !ok {
			r.rep.Detail += fmt.Sprintf(" (port %s of %s)", ref.name, name)
			return false
		}
		if len(an.lines) == 0 {
			r.broken(step, fmt.Errorf("<device> %s names no line", ref.name))
			return r.fail(CauseBrokenConfig, "%s: names no line", file)
		}
		if an.gateway != gw {
			r.warn("%s names gateway %q, not %s", file, an.gateway, gw)
		}
		l := an.lines[0]
		r.note(step, "<device> %s %s: port %s, line %s", an.product, an.model, an.port, l.number)
		r.rep.Ports = append(r.rep.Ports, GatewayPort{File: file, Port: an.port, Line: l.number, DisplayName: l.displayName,
			Label: l.label, Locale: an.networkLocale, Configured: true})
	}
	r.rep.IOS = sccpIOS(r.rep.CallManagers, r.rep.Ports)
	return true
}

// mgcp plays an MGCP IOS gateway (ccm-manager config): <hostname>.cnf.xml,
// whose call agents, endpoints and vendorConfig become its IOS
// configuration.
func (r *run) mgcp(ctx context.Context) bool {
	name := r.p.cfg.Hostname + ".cnf.xml"
	g, step, ok := r.gatewayXML(ctx, name, "gateway")
	if !ok {
		return false
	}
	r.rep.Config = name
	r.note(step, "<gateway> %s %s: %s, %s, %s", g.product, g.protocol, plural(len(g.callManagers), "call manager"),
		plural(len(g.endpoints), "endpoint"), plural(len(g.vendor), "vendorConfig key"))
	if !r.callControl(g.callManagers) {
		return false
	}
	if g.domainName != "" && g.domainName != r.p.cfg.Hostname {
		r.warn("%s names domain %q, not %s", name, g.domainName, r.p.cfg.Hostname)
	}
	ios, warnings, err := mgcpIOS(g)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", name, err)
	}
	r.rep.Warnings = append(r.rep.Warnings, warnings...)
	for _, e := range g.endpoints {
		r.rep.Ports = append(r.rep.Ports, GatewayPort{Port: e.port, Endpoint: e.name, Line: e.line.number,
			DisplayName: e.line.displayName, Label: e.line.label, Locale: e.locale, Configured: true})
	}
	r.rep.IOS = ios
	return true
}

// ata190 plays an ATA 190/191: ATA<MAC>.cnf.xml for port 1, then
// ATA<shifted MAC>.cnf.xml for port 2. The first is needed; the second not
// found is a port the server does not configure (one port in use).
func (r *run) ata190(ctx context.Context) bool {
	names := []string{domain.PrefixATA + r.mac + ".cnf.xml", domain.ATAPort2Name(r.mac) + ".cnf.xml"}
	g, step, ok := r.gatewayXML(ctx, names[0], "device")
	if !ok {
		return false
	}
	r.rep.Config, r.rep.LoadID = names[0], g.load
	r.rep.UserLocale, r.rep.NetworkLocale = g.userLocale, g.networkLocale
	r.note(step, "<device>: %s, %s, load %s", plural(len(g.callManagers), "call manager"), plural(len(g.lines), "line"), orNone(g.load))
	if !r.callControl(g.callManagers) || !r.ataPort(step, names[0], "1", g) {
		return false
	}
	b, a, step := r.get(ctx, names[1])
	switch a {
	case gotFile:
		g2, err := parseGatewayXML(b, "device")
		if err != nil {
			r.broken(step, err)
			return r.fail(CauseBrokenConfig, "%s: %v", names[1], err)
		}
		r.note(step, "<device>: %s", plural(len(g2.lines), "line"))
		return r.ataPort(step, names[1], "2", g2)
	case noFile:
		r.rep.Ports = append(r.rep.Ports, GatewayPort{File: names[1], Port: "2",
			Note: "not found: the server configures port 1 only"})
		return true
	}
	return r.failFetch(a, names[1], step)
}

// ataPort takes the line of one ATA 190 port file.
func (r *run) ataPort(step int, name, port string, g *gwXML) bool {
	if len(g.lines) == 0 {
		r.broken(step, fmt.Errorf("no line in <sipLines>"))
		return r.fail(CauseBrokenConfig, "%s: no line in <sipLines>", name)
	}
	l := g.lines[0]
	r.rep.Ports = append(r.rep.Ports, GatewayPort{File: name, Port: port, Line: l.number, DisplayName: l.displayName,
		Label: l.label, Locale: g.networkLocale, Configured: true})
	return true
}

// ata186 plays an ATA 186/188: its ata<mac> profile (text), no default.
func (r *run) ata186(ctx context.Context) bool {
	name := domain.ATATextName(r.mac)
	b, step, ok := r.need(ctx, name)
	if !ok {
		return false
	}
	r.rep.Config = name
	a, err := parseATAText(b, r.p.cfg.Protocol)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", name, err)
	}
	r.note(step, "%s, %s", plural(a.settings, "parameter"), plural(len(a.ports), "port"))
	r.rep.LoadID, r.rep.Ports = a.load, a.ports
	return r.callControl(a.callManagers)
}

// cnfFile plays a gateway reading a key: value .cnf: the first of names
// found (a Catalyst module's own, then its default).
func (r *run) cnfFile(ctx context.Context, names ...string) bool {
	_, b, step, ok := r.firstOf(ctx, names...)
	if !ok {
		return false
	}
	g, err := parseCnfGateway(b, r.p.cfg.Protocol)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
	}
	r.note(step, "%s, %s, %s", plural(g.settings, "setting"), plural(len(g.callManagers), "call manager"), plural(len(g.ports), "port"))
	r.rep.LoadID, r.rep.NetworkLocale, r.rep.Ports = g.load, g.networkLocale, g.ports
	return r.callControl(g.callManagers)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
