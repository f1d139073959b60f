package render

import (
	"cmtftp/internal/domain"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DeviceFiles is the rule of which files a device is given: its model's
// file families for its protocol, and SEP<MAC>.cnf under the Build CNF
// Files value of c.Params (any other <name>.cnf is a gateway's:
// GatewayFiles). It returns their names in a stable order: the
// device's own files, then the dial plan and softkey template it names.
// Serving (Render) and enumerating (SiteFiles) both ask it.
func DeviceFiles(c *domain.DeviceConfig) []string {
	var out []string
	m := &c.Model
	d := &c.Device
	mac := d.MAC // "" for a device without one
	fams := m.Files(d.Protocol)
	has := func(f string) bool { return slices.Contains(fams, f) }
	if mac != "" && has(domain.FamilyCnfXML) {
		out = append(out, "SEP"+mac+".cnf.xml")
	}
	if mac != "" && d.Name == "SEP"+mac && getsCnf(m, c.Params[domain.ParamBuildCNFFiles]) {
		out = append(out, d.Name+".cnf")
	}
	if mac != "" {
		if has(domain.FamilySIPCnf) {
			out = append(out, "SIP"+mac+".cnf")
		}
		if has(domain.FamilyLD) {
			out = append(out, "ld"+strings.ToLower(mac))
		}
		if has(domain.FamilyGK) {
			out = append(out, "gk"+strings.ToLower(mac))
		}
	}
	if c.DialPlan != nil && (has(domain.FamilyDR) || has(domain.FamilyDialXML)) {
		if f := DialPlanFile(c.DialPlan); f != "" {
			out = append(out, f)
		}
	}
	if c.Softkey != nil && has(domain.FamilySoftkey) {
		out = append(out, SoftkeyFile(c.Softkey))
	}
	return out
}

// getsCnf applies Build CNF Files: Build None never builds a .cnf, Build
// All builds one for every device, Build Selective only for the models of
// Table 11-1 (and the models whose loads read nothing else).
func getsCnf(m *domain.Model, buildCNF string) bool {
	switch buildCNF {
	case domain.BuildNone:
		return false
	case domain.BuildAll:
		return true
	}
	return m.BuildSelective
}

// gives reports whether DeviceFiles gives the device c the name t was
// asked as: exactly, or regardless of case for the SEP/SIP names, which
// phones and people spell both ways.
func gives(c *domain.DeviceConfig, t Target) bool {
	fold := t.Kind == DeviceXMLFile || t.Kind == LegacyCnfFile || t.Kind == SIPCnfFile
	for _, f := range DeviceFiles(c) {
		if f == t.Name || fold && strings.EqualFold(f, t.Name) {
			return true
		}
	}
	return false
}

// appendDevice appends to b one of the device's own files (a NeedDevice
// kind), if DeviceFiles gives it the name; with b nil, each renderer
// allocates its usual buffer.
func appendDevice(b []byte, t Target, c *domain.DeviceConfig) ([]byte, error) {
	if !gives(c, t) {
		return nil, fmt.Errorf("%w: device %s (model %s, %s) does not get %s under %s", ErrNotBuilt, c.Device.Name,
			c.Model.Name, c.Device.Protocol, t.Name, c.Params[domain.ParamBuildCNFFiles])
	}
	if b == nil {
		switch t.Kind {
		case DeviceXMLFile:
			return DeviceXML(c), nil
		case LegacyCnfFile:
			return LegacyCnf(c), nil
		case SIPCnfFile:
			return SIPCnf(c), nil
		}
		return Profile79xx(c), nil // LDFile, GKFile
	}
	switch t.Kind {
	case DeviceXMLFile:
		return appendDeviceXML(b, c), nil
	case LegacyCnfFile:
		return appendLegacyCnf(b, c), nil
	case SIPCnfFile:
		return appendSIPCnf(b, c), nil
	}
	return appendProfile79xx(b, c), nil // LDFile, GKFile
}

// deviceSources lists the records a device's files are rendered from.
func deviceSources(c *domain.DeviceConfig) []string {
	out := []string{"device " + c.Device.Name, "model " + c.Model.Name, "pool " + c.Pool.Name, "group " + c.Group.Name}
	for _, s := range c.Servers {
		out = append(out, "server "+s.Name)
	}
	for _, l := range c.Lines {
		out = append(out, fmt.Sprintf("line %s (button %d)", l.Line.Number, l.Button))
	}
	if c.Login != nil {
		out = append(out, "login of profile "+c.Login.Profile)
	}
	if c.SIPProfile != nil {
		out = append(out, "SIP profile "+c.SIPProfile.Name)
	}
	if c.DialPlan != nil {
		out = append(out, "dial plan "+c.DialPlan.Name)
	}
	if c.Softkey != nil {
		out = append(out, "softkey template "+c.Softkey.Name)
	}
	return append(out, "parameters")
}

// Values that depend on more than one record.

// loadID is the device's load override, or its model's default for its protocol.
func loadID(c *domain.DeviceConfig) string {
	if c.Device.Load != "" {
		return c.Device.Load
	}
	return c.Model.Load(c.Device.Protocol)
}

// url returns a device's override of an enterprise URL, or the parameter.
func url(c *domain.DeviceConfig, override, param string) string {
	if override != "" {
		return override
	}
	return c.Params[param]
}

func securityMode(m string) string {
	switch m {
	case domain.SecurityAuthenticated:
		return "2"
	case domain.SecurityEncrypted:
		return "3"
	}
	return "1"
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
