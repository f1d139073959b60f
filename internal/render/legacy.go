package render

import (
	"cmtftp/internal/domain"
	"fmt"
)

// LegacyCnf renders SEP<MAC>.cnf for phones whose loads do not read XML
// (and for every device under Build All). No public sample of this format
// is known (spec §4, §15), so cmtftp writes a documented key: value text
// of the same data the chapter names: the prioritized call-control list
// with its TCP ports, the load ID and the locales.
func LegacyCnf(c *domain.DeviceConfig) []byte { return appendLegacyCnf(make([]byte, 0, 512), c) }

// appendLegacyCnf appends the file LegacyCnf renders to b.
func appendLegacyCnf(b []byte, c *domain.DeviceConfig) []byte {
	start := len(b)
	t := &textw{b: b}
	t.comment(c.Device.Name + ".cnf: legacy device configuration built by cmtftp (format: README, Legacy .cnf)")
	t.kv("device", c.Device.Name)
	t.kv("model", fmt.Sprintf("%s %d", c.Model.Name, c.Model.TypeID))
	t.kv("protocol", c.Device.Protocol)
	legacyServers(t, c.Servers)
	t.kv("loadInformation", loadID(c))
	t.kv("userLocale", userLocale(c))
	t.kv("networkLocale", networkLocale(c))
	t.kv("versionStamp", stampHolder)
	stamp(t.b[start:])
	return t.b
}

func legacyServers(t *textw, servers []domain.Server) {
	for i, s := range servers {
		t.kv(fmt.Sprintf("callManager%d", i+1), fmt.Sprintf("%s %d", s.Host, s.SCCPPort))
	}
}
