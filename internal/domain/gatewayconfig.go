package domain

import "fmt"

// GatewayRecords reads the records a gateway's files are built from: an
// Index, or a store.
type GatewayRecords interface {
	Model(name string) (*Model, error)
	GroupServers(name string) (Group, []Server, error)
	Pool(name string) (*Pool, error)
	Line(number string) (*Line, error)
	Params() ParamValues
}

// AssembleGateway gathers the gateway g and every record its files are
// built from. A record g names that r lacks is ErrNotFound.
func AssembleGateway(g *Gateway, r GatewayRecords) (*GatewayConfig, error) {
	c := &GatewayConfig{Gateway: *g, Params: r.Params()}
	m, err := r.Model(g.Model)
	if err != nil {
		return nil, fmt.Errorf("gateway %q: %w", g.Name, err)
	}
	c.Model = *m
	if c.Group, c.Servers, err = r.GroupServers(g.Group); err != nil {
		return nil, fmt.Errorf("gateway %q: %w", g.Name, err)
	}
	if g.Pool != "" {
		if c.Pool, err = r.Pool(g.Pool); err != nil {
			return nil, fmt.Errorf("gateway %q: %w", g.Name, err)
		}
	}
	c.Units = g.Units
	if len(c.Units) == 0 {
		c.Units = ModelLayout(m)
	}
	for _, e := range g.Endpoints {
		l, err := r.Line(e.Line)
		if err != nil {
			return nil, fmt.Errorf("gateway %q: %w", g.Name, err)
		}
		c.Endpoints = append(c.Endpoints, EndpointConfig{GatewayEndpoint: e, Line: *l})
	}
	return c, nil
}

// Model returns a model by name (the site's, or the catalogue's).
func (x *Index) Model(name string) (*Model, error) {
	if m, ok := x.models[name]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("%w: model %q", ErrNotFound, name)
}

// Pool returns a pool by name.
func (x *Index) Pool(name string) (*Pool, error) {
	if p, ok := x.pools[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w: pool %q", ErrNotFound, name)
}

// Line returns a line by number.
func (x *Index) Line(number string) (*Line, error) {
	if l, ok := x.lines[number]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("%w: line %q", ErrNotFound, number)
}

// Gateways returns the gateway names in site order.
func (x *Index) Gateways() []string {
	out := make([]string, len(x.site.Gateways))
	for i, g := range x.site.Gateways {
		out[i] = g.Name
	}
	return out
}

// GatewayConfig assembles one gateway's configuration, as
// Store.GatewayConfig does; name may also be the name of an ATA 190's
// second port (ATA<shifted MAC>).
func (x *Index) GatewayConfig(name string) (*GatewayConfig, error) {
	g, ok := x.gateways[name]
	if !ok {
		g, ok = x.port2[name]
	}
	if !ok {
		return nil, fmt.Errorf("%w: gateway %q", ErrNotFound, name)
	}
	return AssembleGateway(g, x)
}

// indexGateways indexes the site's gateways by name and ATA 190s by their
// second port's name.
func (x *Index) indexGateways() {
	x.gateways = index(x.site.Gateways)
	x.port2 = map[string]*Gateway{}
	for _, g := range x.site.Gateways {
		m, ok := x.models[g.Model]
		if !ok || g.MAC == "" {
			continue
		}
		p := g.Protocol
		if p == "" && len(m.Protocols) > 0 {
			p = m.Protocols[0]
		}
		if GatewayFamily(m, p) == FamilyATAXML {
			x.port2[ATAPort2Name(g.MAC)] = g
		}
	}
}
