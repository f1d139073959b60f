package main

import (
	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// Usage of the gateway list flags (recordflags binds them).
const (
	usageVendor   = "KEY=VALUE of the vendor configuration (DtmfRelay=nte-ca), repeatable; KEY= removes the key (keeps the others)"
	usageUnit     = "INDEX=PRODUCT, a module in slot INDEX (0=ISR-NIM), repeatable (replaces the units; cmtftp gateway modules)"
	usageSubunit  = "UNIT/INDEX=PRODUCT[@BEGINPORT], a card in a unit (0/1=NIM-4FXS), repeatable (replaces the subunits of the units named)"
	usageEndpoint = "PORT=LINE[,label=…][,locale=…][,description=…], PORT as U/S/P (0/1/0) or U/P (2/0), repeatable (replaces the endpoints)"
)

// parsePort reads a port address as the CSV import does: unit/subunit/port,
// or unit/port (on subunit 0, as IOS writes a VG2xx's 2/0).
func parsePort(s string) (unit, subunit, port int, err error) { return devicecsv.ParsePort(s) }

// portString writes an endpoint's port as parsePort reads it: two levels
// when threeLevel is false.
func portString(e domain.GatewayEndpoint, threeLevel bool) string {
	return e.Address(threeLevel || e.Subunit != 0)
}

// parseEndpoint reads one --endpoint: PORT=LINE[,label=…][,locale=…][,description=…].
func parseEndpoint(s string) (domain.GatewayEndpoint, error) {
	var e domain.GatewayEndpoint
	port, rest, ok := strings.Cut(s, "=")
	if !ok {
		return e, fmt.Errorf("endpoint %q: want PORT=LINE[,label=…][,locale=…], e.g. 0/1/0=4401", s)
	}
	var err error
	if e.Unit, e.Subunit, e.Port, err = parsePort(port); err != nil {
		return e, fmt.Errorf("endpoint %q: %w", s, err)
	}
	items := strings.Split(rest, ",")
	e.Line = strings.TrimSpace(items[0])
	if e.Line == "" {
		return e, fmt.Errorf("endpoint %q: no line after %s=", s, port)
	}
	for _, kv := range items[1:] {
		k, v, ok := strings.Cut(kv, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "label":
			e.Label = v
		case "locale":
			e.Locale = v
		case "description":
			e.Description = v
		default:
			ok = false
		}
		if !ok {
			return e, fmt.Errorf("endpoint %q: %q is not label=…, locale=… or description=…", s, kv)
		}
	}
	return e, nil
}

func parseEndpoints(in []string) ([]domain.GatewayEndpoint, error) {
	out := []domain.GatewayEndpoint{}
	for _, s := range in {
		e, err := parseEndpoint(s)
		if err != nil {
			return nil, fmt.Errorf("--%w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// parseUnits reads the --unit flags: INDEX=PRODUCT each.
func parseUnits(in []string) ([]domain.GatewayUnit, error) {
	out := []domain.GatewayUnit{}
	for _, s := range in {
		i, p, ok := strings.Cut(s, "=")
		n, err := strconv.Atoi(strings.TrimSpace(i))
		if !ok || err != nil || strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("--unit %q: want INDEX=PRODUCT, e.g. 0=ISR-NIM", s)
		}
		out = append(out, domain.GatewayUnit{Index: n, Product: strings.TrimSpace(p)})
	}
	return out, nil
}

// applySubunits reads the --subunit flags (UNIT/INDEX=PRODUCT[@BEGINPORT])
// into units: the subunits of each unit named replace the ones it had.
func applySubunits(units []domain.GatewayUnit, in []string) ([]domain.GatewayUnit, error) {
	units = append([]domain.GatewayUnit{}, units...)
	cleared := map[int]bool{}
	for _, s := range in {
		addr, prod, ok := strings.Cut(s, "=")
		u, si, ok2 := strings.Cut(addr, "/")
		un, err1 := strconv.Atoi(strings.TrimSpace(u))
		sn, err2 := strconv.Atoi(strings.TrimSpace(si))
		prod, begin, hasBegin := strings.Cut(strings.TrimSpace(prod), "@")
		bp, err3 := strconv.Atoi(begin)
		if !ok || !ok2 || err1 != nil || err2 != nil || prod == "" || (hasBegin && err3 != nil) {
			return nil, fmt.Errorf("--subunit %q: want UNIT/INDEX=PRODUCT[@BEGINPORT], e.g. 0/1=NIM-4FXS", s)
		}
		k := -1
		for i := range units {
			if units[i].Index == un {
				k = i
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("--subunit %q: the gateway has no unit %d (add it with --unit %d=PRODUCT)", s, un, un)
		}
		if !cleared[un] {
			units[k].Subunits, cleared[un] = nil, true
		}
		units[k].Subunits = append(units[k].Subunits, domain.GatewaySubunit{Index: sn, Product: prod, BeginPort: bp})
	}
	return units, nil
}

// applyVendor merges the --vendor flags (KEY=VALUE; KEY= removes the key)
// into a copy of the vendor configuration vc.
func applyVendor(vc map[string]string, in []string) (map[string]string, error) {
	out := maps.Clone(vc)
	if out == nil {
		out = map[string]string{}
	}
	for _, s := range in {
		k, v, ok := strings.Cut(s, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return nil, fmt.Errorf("--vendor %q: want KEY=VALUE, e.g. DtmfRelay=nte-ca (KEY= removes it)", s)
		}
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = strings.TrimSpace(v)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
