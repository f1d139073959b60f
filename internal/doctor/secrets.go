package doctor

import (
	"fmt"
	"strings"

	"cmtftp/internal/domain"
)

// checkSecrets warns of SIP passwords in device files: TFTP has no
// authentication, so any host that can reach the server and guess a MAC
// reads them.
func checkSecrets(site *domain.Site, r *Report) {
	secret := map[string]bool{}
	for _, l := range site.Lines {
		if l.AuthPassword != "" {
			secret[l.Number] = true
		}
	}
	var exposed []string
	for _, d := range site.Devices {
		if !strings.EqualFold(d.Protocol, domain.ProtocolSIP) {
			continue
		}
		for _, a := range d.Lines {
			if secret[a.Line] {
				exposed = append(exposed, fmt.Sprintf("%s (line %s)", d.MAC, a.Line))
				break
			}
		}
	}
	if len(exposed) == 0 {
		r.add(OK, "passwords", "no SIP password is in a device file", "")
		return
	}
	r.add(Warn, "passwords", fmt.Sprintf("%d SIP phones' files carry a line password, served over plain TFTP to any address: %s",
		len(exposed), short(exposed)), "let only the voice VLAN reach the TFTP server; signed and encrypted device files come with the security work")
}

// short lists the first few of s.
func short(s []string) string {
	if len(s) > 5 {
		return strings.Join(s[:5], ", ") + fmt.Sprintf(" and %d more", len(s)-5)
	}
	return strings.Join(s, ", ")
}
