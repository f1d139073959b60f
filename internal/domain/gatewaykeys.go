package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// VendorKey is one gateway-wide setting of an MGCP gateway's vendor
// configuration (CUCM's vendorConfig of the XGateway record), with the
// Cisco IOS command the gateway makes of it when it downloads its
// <hostname>.cnf.xml (ccm-manager config). The key names are CUCM's; the
// values and the commands are cmtftp's documented mapping (README,
// "Gateways").
type VendorKey struct {
	Name    string
	Default string
	// Values lists the allowed values; nil means an integer in [Min, Max].
	Values   []string
	Min, Max int
	// IOS gives the IOS configuration lines value becomes.
	IOS func(value string) []string
}

var vendorKeys = []VendorKey{
	{Name: "globalISDNSwitchType", Default: "4ESS", Values: []string{"4ESS", "5ESS", "DMS", "NI2", "EURO", "QSIG"},
		IOS: func(v string) []string {
			t := map[string]string{"4ESS": "primary-4ess", "5ESS": "primary-5ess", "DMS": "primary-dms100", "NI2": "primary-ni",
				"EURO": "primary-net5", "QSIG": "primary-qsig"}[v]
			return []string{"isdn switch-type " + t}
		}},
	{Name: "DtmfRelay", Default: "out-of-band", Values: []string{"out-of-band", "nte-ca", "nte-gw", "cisco", "disable"},
		IOS: func(v string) []string {
			if v == "disable" {
				return []string{"no mgcp dtmf-relay voip codec all"}
			}
			return []string{"mgcp dtmf-relay voip codec all mode " + v}
		}},
	{Name: "ModemPassthrough", Default: "Enable", Values: []string{"Enable", "Disable"},
		IOS: func(v string) []string {
			if v == "Disable" {
				return []string{"no mgcp modem passthrough voip mode nse"}
			}
			return []string{"mgcp modem passthrough voip mode nse"}
		}},
	{Name: "T38FaxRelay", Default: "Disable", Values: []string{"Enable", "Disable"},
		IOS: func(v string) []string {
			if v == "Enable" {
				return []string{"no mgcp fax t38 inhibit"}
			}
			return []string{"mgcp fax t38 inhibit"}
		}},
	{Name: "rtpPackageCapability", Default: "Enable", Values: []string{"Enable", "Disable"},
		IOS: func(v string) []string {
			if v == "Disable" {
				return []string{"no mgcp package-capability rtp-package"}
			}
			return []string{"mgcp package-capability rtp-package"}
		}},
	{Name: "rtpUnreachableTimeout", Default: "1000", Min: 0, Max: 3600000,
		IOS: func(v string) []string {
			if v == "0" {
				return []string{"no mgcp rtp unreachable timeout"}
			}
			return []string{"mgcp rtp unreachable timeout " + v + " action notify"}
		}},
	{Name: "simpleSdpEnable", Default: "Enable", Values: []string{"Enable", "Disable"},
		IOS: func(v string) []string {
			if v == "Disable" {
				return []string{"no mgcp sdp simple"}
			}
			return []string{"mgcp sdp simple"}
		}},
	{Name: "dialPeerPrefix", Default: "999", Min: 1, Max: 99999,
		IOS: func(v string) []string { return []string{"! dial peers are numbered " + v + "<unit><subunit><port:2>"} }},
}

// VendorKeys returns every vendor-configuration key, in document order.
func VendorKeys() []VendorKey { return slices.Clone(vendorKeys) }

// LookupVendorKey returns the key named name (exact case, as CUCM spells it).
func LookupVendorKey(name string) (VendorKey, bool) {
	i := slices.IndexFunc(vendorKeys, func(k VendorKey) bool { return k.Name == name })
	if i < 0 {
		return VendorKey{}, false
	}
	return vendorKeys[i], true
}

// Normalize checks v against the key and returns its canonical form (the
// allowed value's spelling, regardless of case; a plain integer).
func (k VendorKey) Normalize(v string) (string, error) {
	if k.Values == nil {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < k.Min || n > k.Max {
			return "", fmt.Errorf("%q is not an integer in %d–%d", v, k.Min, k.Max)
		}
		return strconv.Itoa(n), nil
	}
	for _, a := range k.Values {
		if strings.EqualFold(a, strings.TrimSpace(v)) {
			return a, nil
		}
	}
	return "", fmt.Errorf("%q is not one of %s", v, strings.Join(k.Values, ", "))
}

// VendorValue returns the value of key in the gateway's vendor
// configuration, or the key's default.
func (g *Gateway) VendorValue(key string) string {
	if v, ok := g.VendorConfig[key]; ok {
		return v
	}
	k, _ := LookupVendorKey(key)
	return k.Default
}
