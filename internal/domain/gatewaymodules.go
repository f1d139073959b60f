package domain

import (
	"slices"
	"strings"
)

// Module is a gateway module product: a unit (a slot's module or
// network-module carrier) or a subunit (a voice interface card, with
// ports).
type Module struct {
	Product string
	Unit    bool // a unit product; otherwise a subunit with Ports ports
	Ports   int
	Signal  string // FXS, FXO or "" (a unit)
}

// modules is the catalogue of module products gateways are built of:
// the fixed analog blocks of the VG family and the usual voice interface
// cards of ISR routers.
var modules = []Module{
	{"ANALOG", true, 0, ""}, {"NM-4VWIC-MBRD", true, 0, ""}, {"NM-HDV2", true, 0, ""}, {"NM-HDA-4FXS", true, 0, ""},
	{"ISR-NIM", true, 0, ""}, {"SM-X", true, 0, ""}, {"EVM-HD", true, 0, ""},
	{"2FXS", false, 2, "FXS"}, {"4FXS", false, 4, "FXS"}, {"8FXS", false, 8, "FXS"}, {"24FXS", false, 24, "FXS"},
	{"36FXS", false, 36, "FXS"}, {"48FXS", false, 48, "FXS"}, {"72FXS", false, 72, "FXS"},
	{"VIC2-2FXS", false, 2, "FXS"}, {"VIC2-4FXS", false, 4, "FXS"}, {"VIC3-2FXS/DID", false, 2, "FXS"},
	{"VIC3-4FXS/DID", false, 4, "FXS"}, {"VIC2-2FXO", false, 2, "FXO"}, {"VIC2-4FXO", false, 4, "FXO"},
	{"EM-HDA-8FXS", false, 8, "FXS"}, {"EVM-HD-8FXS/DID", false, 8, "FXS"},
	{"NIM-2FXS", false, 2, "FXS"}, {"NIM-4FXS", false, 4, "FXS"}, {"NIM-2FXO", false, 2, "FXO"}, {"NIM-4FXO", false, 4, "FXO"},
	{"SM-X-24FXS/4FXO", false, 28, "FXS"}, {"SM-D-72FXS", false, 72, "FXS"}, {"SM-D-48FXS-E", false, 48, "FXS"},
}

// Modules returns the module catalogue.
func Modules() []Module { return slices.Clone(modules) }

// LookupModule returns the module product named p (any letter case).
func LookupModule(p string) (Module, bool) {
	i := slices.IndexFunc(modules, func(m Module) bool { return strings.EqualFold(m.Product, p) })
	if i < 0 {
		return Module{}, false
	}
	return modules[i], true
}

// layouts are the fixed module layouts of the gateways that have one:
// what a gateway of the model without units of its own is made of.
var layouts = map[string][]GatewayUnit{
	"VG202": {{0, "ANALOG", []GatewaySubunit{{0, "2FXS", 0}}}},
	"VG204": {{0, "ANALOG", []GatewaySubunit{{0, "4FXS", 0}}}},
	"VG224": {{2, "ANALOG", []GatewaySubunit{{0, "24FXS", 0}}}},
	"VG310": {{0, "ANALOG", []GatewaySubunit{{1, "24FXS", 0}}}},
	"VG320": {{0, "ANALOG", []GatewaySubunit{{1, "24FXS", 0}, {2, "24FXS", 0}}}},
	"VG400": {{0, "ANALOG", []GatewaySubunit{{1, "8FXS", 0}}}},
	"VG410": {{0, "ANALOG", []GatewaySubunit{{1, "24FXS", 0}}}},
	"VG420": {{0, "ANALOG", []GatewaySubunit{{1, "48FXS", 0}, {2, "36FXS", 0}}}},
}

// ModelLayout returns the units of a gateway of model m that names none:
// the model's fixed layout, or for a model without one (an ATA, a
// Catalyst module, Analog Access, Voice Mail Port, a modular router) one
// unit 0 with one subunit 0 of m.MaxLines ports, product the model's
// name. Modular routers (ISR, VG350, VG450) list their units instead: a
// layout of theirs is only the catalogue's guess.
func ModelLayout(m *Model) []GatewayUnit {
	if l, ok := layouts[m.Name]; ok {
		out := slices.Clone(l)
		for i := range out {
			out[i].Subunits = slices.Clone(out[i].Subunits)
		}
		return out
	}
	return []GatewayUnit{{0, m.Name, []GatewaySubunit{{0, m.Name, 0}}}}
}

// SubunitPorts returns how many ports subunit s of a gateway of model m
// has: its product's, or m.MaxLines for the model's own implicit subunit.
func SubunitPorts(m *Model, s GatewaySubunit) int {
	if md, ok := LookupModule(s.Product); ok && !md.Unit {
		return md.Ports
	}
	if s.Product == m.Name {
		return m.MaxLines
	}
	return 0
}
