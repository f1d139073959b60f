package domain

import (
	"fmt"
	"strings"
)

// Gateway is a voice gateway or analog adapter: an SCCP-controlled analog
// gateway (VG2xx/VG3xx/VG4xx running stcapp), an MGCP IOS gateway, an
// ATA, a Catalyst 6000 voice module, an Analog Access or a Voice Mail
// Port. Gateways are added by hand (they never auto-register). Its name
// is the name its files are asked by, per its model's file family:
// SKIGW and the MAC's last 10 hex digits (SCCP gateways), ATA and the
// MAC (ATAs), SAA or SDA and the MAC (WS-X6624, WS-X6608), the host name
// (MGCP: <hostname>.cnf.xml) or any file-safe name (Analog Access, Voice
// Mail Port: <name>.cnf).
type Gateway struct {
	Name        string `json:"name" yaml:"name" db:"name"`
	MAC         string `json:"mac,omitempty" yaml:"mac,omitempty" db:"mac,null"` // 12 upper-case hex digits; "" for MGCP, Analog Access, Voice Mail Port
	Description string `json:"description,omitempty" yaml:"description,omitempty" db:"description"`
	Model       string `json:"model" yaml:"model" db:"model"`
	Protocol    string `json:"protocol" yaml:"protocol" db:"protocol"` // MGCP, SCCP or SIP; default the model's first
	Group       string `json:"group" yaml:"group" db:"group_name"`     // call-control group
	// Pool is an optional device pool: its time zone, date template and
	// locales go to the gateway's files (the defaults when none).
	Pool string `json:"pool,omitempty" yaml:"pool,omitempty" db:"pool,null"`
	Load string `json:"load,omitempty" yaml:"load,omitempty" db:"load"` // overrides the model default
	// VendorConfig holds the gateway-wide settings of VendorKeys, by key.
	VendorConfig map[string]string `json:"vendorConfig,omitempty" yaml:"vendorConfig,omitempty" db:"vendor_config,json"`
	// Units are the gateway's modules (slots); none means the model's
	// fixed layout (ModelLayout).
	Units     []GatewayUnit     `json:"units,omitempty" yaml:"units,omitempty" db:"units,json"`
	Endpoints []GatewayEndpoint `json:"endpoints,omitempty" yaml:"endpoints,omitempty" db:"endpoints,json"`
}

// GatewayUnit is a module in a slot of a gateway: AXL's unit.
type GatewayUnit struct {
	Index    int              `json:"index" yaml:"index"`
	Product  string           `json:"product" yaml:"product"`
	Subunits []GatewaySubunit `json:"subunits,omitempty" yaml:"subunits,omitempty"`
}

// GatewaySubunit is a voice interface card in a unit: AXL's subunit. Its
// product (Modules) says how many ports it has, numbered from BeginPort.
type GatewaySubunit struct {
	Index     int    `json:"index" yaml:"index"`
	Product   string `json:"product" yaml:"product"`
	BeginPort int    `json:"beginPort,omitempty" yaml:"beginPort,omitempty"`
}

// GatewayEndpoint is one analog port of a gateway: its address (unit,
// subunit, port, as IOS writes port 2/0 or 0/1/0) and the line it
// carries.
type GatewayEndpoint struct {
	Unit    int    `json:"unit" yaml:"unit"`
	Subunit int    `json:"subunit" yaml:"subunit"`
	Port    int    `json:"port" yaml:"port"`
	Line    string `json:"line" yaml:"line"`
	// Label overrides the line's label on this port.
	Label string `json:"label,omitempty" yaml:"label,omitempty"`
	// Locale is the port's network locale (its call-progress tones, IOS
	// cptone); default the pool's, then United_States.
	Locale      string `json:"locale,omitempty" yaml:"locale,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// Address returns the endpoint's port as IOS writes it: unit/port for a
// two-level address (subunit 0 of a VG2xx), unit/subunit/port otherwise.
func (e GatewayEndpoint) Address(threeLevel bool) string {
	if !threeLevel {
		return fmt.Sprintf("%d/%d", e.Unit, e.Port)
	}
	return fmt.Sprintf("%d/%d/%d", e.Unit, e.Subunit, e.Port)
}

// PortID is the 3-digit id of the endpoint in its AN file's name: the
// slot digit (the unit of a two-level unit/port address, the subunit of a
// three-level 0/subunit/port one) and the port in two digits, so port 2/0
// of a VG224 is 200 and port 0/1/5 of a VG310 is 105. cmtftp's rule where
// public material shows only the shape (AN + 10 hex digits + 3 digits).
func (e GatewayEndpoint) PortID() string {
	slot := e.Unit
	if e.Subunit != 0 {
		slot = e.Subunit
	}
	return fmt.Sprintf("%d%02d", slot, e.Port)
}

// AALN is the MGCP endpoint name of an analog port: AALN/S<unit>/SU<subunit>/<port>.
func (e GatewayEndpoint) AALN() string {
	return fmt.Sprintf("AALN/S%d/SU%d/%d", e.Unit, e.Subunit, e.Port)
}

// Gateway name prefixes, one per family whose name carries the MAC.
const (
	PrefixSKIGW = "SKIGW" // SCCP analog gateway: SKIGW + the MAC's last 10 hex digits
	PrefixAN    = "AN"    // a port of an SCCP gateway: AN + the same 10 digits + the port id
	PrefixATA   = "ATA"   // ATA 186/188/190/191: ATA + the MAC
	PrefixSAA   = "SAA"   // WS-X6624 analog module: SAA + the MAC
	PrefixSDA   = "SDA"   // WS-X6608 digital module: SDA + the MAC
)

// MACTail returns the last 10 hex digits of a MAC (12 upper-case digits):
// what SKIGW and AN names carry, and what an ATA 190's second port is
// named by.
func MACTail(mac string) string {
	if len(mac) != 12 {
		return ""
	}
	return mac[2:]
}

// SKIGWName is the name of the SCCP gateway with the MAC (12 digits).
func SKIGWName(mac string) string { return PrefixSKIGW + MACTail(mac) }

// PortFileName is the file an SCCP gateway asks for one port:
// AN<tail><port id>.cnf.xml.
func PortFileName(tail string, e GatewayEndpoint) string {
	return PrefixAN + tail + e.PortID() + ".cnf.xml"
}

// ATAPort2Name is the name of an ATA 190's second port: ATA and the MAC
// shifted by one octet (its first dropped, 01 appended), as the adapter
// names the device of its second line.
func ATAPort2Name(mac string) string { return PrefixATA + MACTail(mac) + "01" }

// ATATextName is the profile an ATA 186/188 asks for: ata<mac>, lower case.
func ATATextName(mac string) string { return "ata" + strings.ToLower(mac) }

// GatewayConfig is one gateway with every record its files are built from.
type GatewayConfig struct {
	Gateway Gateway
	Model   Model
	Group   Group
	Servers []Server // in group priority order
	Pool    *Pool    // nil when the gateway names none
	// Endpoints are the gateway's, in address order, each with its line.
	Endpoints []EndpointConfig
	// Units are the gateway's, or the model's layout when it gives none.
	Units  []GatewayUnit
	Params ParamValues
}

// EndpointConfig is an endpoint with the line it carries.
type EndpointConfig struct {
	GatewayEndpoint
	Line Line
}

// ThreeLevel reports whether the gateway's ports are addressed
// unit/subunit/port (VG3xx, VG4xx, ISR modules) rather than unit/port
// (VG2xx, whose ports all sit on subunit 0).
func (c *GatewayConfig) ThreeLevel() bool {
	for _, u := range c.Units {
		for _, s := range u.Subunits {
			if s.Index != 0 {
				return true
			}
		}
	}
	return false
}

// Endpoint returns the endpoint whose AN port id is id.
func (c *GatewayConfig) Endpoint(id string) (EndpointConfig, bool) {
	for _, e := range c.Endpoints {
		if e.PortID() == id {
			return e, true
		}
	}
	return EndpointConfig{}, false
}

// Kind and Key implement Entity.
func (*Gateway) Kind() Kind    { return KindGateway }
func (g *Gateway) Key() string { return g.Name }
