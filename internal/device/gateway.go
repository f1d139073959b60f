package device

import (
	"context"
	"slices"
	"strings"

	"cmtftp/internal/domain"
)

// gatewayPlan resolves a gateway's model (class gateway) to its file
// family (domain.GatewayFamily). Without a model the gateway asks for
// <Hostname>.cnf.xml and reads its call-control list only, as before
// models were given.
func (p *plan) gatewayPlan() error {
	if p.cfg.Secure {
		return badConfig("a gateway holds no trust list: secure is for phones")
	}
	p.family = familyGateway
	if p.cfg.Model == "" {
		if !domain.FileSafeName(p.cfg.Hostname) {
			return badConfig("gateway hostname %q: want letters, digits, _ . -", p.cfg.Hostname)
		}
		return nil
	}
	i := slices.IndexFunc(domain.Catalogue(), func(m domain.Model) bool { return strings.EqualFold(m.Name, p.cfg.Model) })
	if i < 0 {
		return badConfig("model %q is not in the catalogue", p.cfg.Model)
	}
	p.model = domain.Catalogue()[i]
	if p.model.Class != "gateway" {
		return badConfig("model %s is a %s, not a gateway", p.model.Name, p.model.Class)
	}
	if p.cfg.Protocol == "" {
		p.cfg.Protocol = p.model.Protocols[0]
	}
	if !p.model.Supports(p.cfg.Protocol) {
		return badConfig("model %s does not run %q (it runs %s)", p.model.Name, p.cfg.Protocol, strings.Join(p.model.Protocols, ", "))
	}
	p.gwFamily = domain.GatewayFamily(&p.model, p.cfg.Protocol)
	if p.gwFamily == "" {
		return badConfig("model %s on %s asks for no file", p.model.Name, p.cfg.Protocol)
	}
	if !p.gatewayNeedsMAC() && !domain.FileSafeName(p.cfg.Hostname) {
		return badConfig("gateway hostname %q: a %s on %s asks for <hostname>.cnf%s: want letters, digits, _ . -",
			p.cfg.Hostname, p.model.Name, p.cfg.Protocol, map[bool]string{true: ".xml"}[p.gwFamily == domain.FamilyMGCP])
	}
	return nil
}

// gatewayNeedsMAC reports whether the gateway's file names carry its MAC.
func (p *plan) gatewayNeedsMAC() bool {
	switch p.gwFamily {
	case domain.FamilySKIGW, domain.FamilyATAXML, domain.FamilyATATxt, domain.FamilySAA, domain.FamilySDA:
		return true
	}
	return false
}

// gatewayName is the name the gateway is known by: its files' (SKIGW…,
// ATA…, SAA…, SDA…) or its host name.
func (p *plan) gatewayName(mac string) string {
	if p.gatewayNeedsMAC() {
		return domain.DefaultGatewayName(&p.model, p.cfg.Protocol, mac)
	}
	return p.cfg.Hostname
}

// gatewaySequence plays the gateway's family.
func (r *run) gatewaySequence(ctx context.Context) bool {
	switch r.p.gwFamily {
	case domain.FamilySKIGW:
		return r.skigw(ctx)
	case domain.FamilyMGCP:
		return r.mgcp(ctx)
	case domain.FamilyATAXML:
		return r.ata190(ctx)
	case domain.FamilyATATxt:
		return r.ata186(ctx)
	case domain.FamilySAA, domain.FamilySDA:
		prefix := domain.PrefixSAA
		if r.p.gwFamily == domain.FamilySDA {
			prefix = domain.PrefixSDA
		}
		return r.cnfFile(ctx, prefix+r.mac+".cnf", prefix+"Default.cnf")
	case domain.FamilyCnf:
		return r.cnfFile(ctx, r.p.cfg.Hostname+".cnf")
	}
	return r.gateway(ctx)
}

// need fetches a file the gateway cannot do without: any failure ends the
// boot (not found: CauseNoConfig).
func (r *run) need(ctx context.Context, name string) ([]byte, int, bool) {
	b, a, step := r.get(ctx, name)
	if a != gotFile {
		return nil, step, r.failFetch(a, name, step)
	}
	return b, step, true
}

// gatewayXML fetches and reads one of the gateway's XML files (root the
// element it must have); what it cannot read ends the boot.
func (r *run) gatewayXML(ctx context.Context, name, root string) (*gwXML, int, bool) {
	b, step, ok := r.need(ctx, name)
	if !ok {
		return nil, step, false
	}
	g, err := parseGatewayXML(b, root)
	if err != nil {
		r.broken(step, err)
		return nil, step, r.fail(CauseBrokenConfig, "%s: %v", name, err)
	}
	return g, step, true
}
