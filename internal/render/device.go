package render

import (
	"cmtftp/internal/domain"
	"fmt"
	"strconv"
	"strings"
)

// DeviceFiles returns the names of every file the device gets under the
// given Build CNF Files value, in a stable order: its own files, then the
// dial plan and softkey template it names.
func DeviceFiles(c *domain.DeviceConfig, buildCNF string) []string {
	var out []string
	m := &c.Model
	d := &c.Device
	mac := d.MAC // "" for a gateway
	fams := m.Files(d.Protocol)
	has := func(f string) bool {
		for _, x := range fams {
			if x == f {
				return true
			}
		}
		return false
	}
	if mac != "" && has(domain.FamilyCnfXML) {
		out = append(out, "SEP"+mac+".cnf.xml")
	}
	if wantsCnf(m, d.Protocol, buildCNF) {
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

// wantsCnf applies Build CNF Files: Build None never builds a .cnf, Build
// All builds one for every device, Build Selective only for the models of
// Table 11-1 (and the models whose loads read nothing else).
func wantsCnf(m *domain.Model, protocol, buildCNF string) bool {
	switch buildCNF {
	case domain.BuildNone:
		return false
	case domain.BuildAll:
		return true
	}
	return m.BuildSelective
}

// Build renders the file t for a device (device kinds only; c must be
// that device's configuration).
func Build(t Target, c *domain.DeviceConfig) ([]byte, bool) {
	switch t.Kind {
	case DeviceXMLFile:
		return DeviceXML(c), true
	case LegacyCnfFile:
		return LegacyCnf(c), true
	case SIPCnfFile:
		return SIPCnf(c), true
	case LDFile, GKFile:
		return Profile79xx(c), true
	}
	return nil, false
}

// Sources lists the records a device's files are built from.
func Sources(c *domain.DeviceConfig) []string {
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
