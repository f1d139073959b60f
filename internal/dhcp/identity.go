package dhcp

import "strings"

// PhoneVendorClass is the vendor class identifier (DHCPv4 option 60) a
// Cisco phone of the given catalogue model sends, as in "Cisco Systems,
// Inc. IP Phone CP-7941G" (spec cisco-formats.md §1.1):
//
//   - a four-digit model ("7941", "8841"), or one with the G and a
//     hardware suffix already ("7961G", "7961G-GE"): "Cisco Systems,
//     Inc. IP Phone CP-<model>G", upper-cased;
//   - the 792x wireless phones (7921, 7925, 7926): "Cisco Systems Inc.
//     Wireless Phone <model>", as the spec gives for them;
//   - a model already named "CP-…": "Cisco Systems, Inc. IP Phone " and
//     that name;
//   - any other shape ("12SP+", "30SP+", "ATA186", a gateway's model):
//     "Cisco Systems, Inc. IP Phone " and the model as given.
//
// An empty model gives "": send no option 60. The trailing NUL the spec
// reports for 7940 and 7960 is not added; a caller wanting it appends
// "\x00".
func PhoneVendorClass(model string) string {
	const phone = "Cisco Systems, Inc. IP Phone "
	m := strings.TrimSpace(model)
	u := strings.ToUpper(m)
	switch {
	case m == "":
		return ""
	case len(u) == 4 && digits(u) && u[:3] == "792" && strings.ContainsRune("156", rune(u[3])):
		return "Cisco Systems Inc. Wireless Phone " + u
	case len(u) == 4 && digits(u):
		return phone + "CP-" + u + "G"
	case len(u) >= 5 && digits(u[:4]) && u[4] == 'G' && (len(u) == 5 || u[5] == '-'):
		return phone + "CP-" + u
	case strings.HasPrefix(u, "CP-"):
		return phone + u
	}
	return phone + m
}

// PhoneHostname is the host name (DHCPv4 option 12) a Cisco phone sends:
// "SEP" and its MAC address, 12 hex digits, upper-cased. mac12 must be
// those 12 hex digits and nothing else (a normalised MAC); anything else
// gives "".
func PhoneHostname(mac12 string) string {
	if len(mac12) != 12 {
		return ""
	}
	for _, c := range mac12 {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return ""
		}
	}
	return "SEP" + strings.ToUpper(mac12)
}

// digits reports whether s is ASCII decimal digits only.
func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
