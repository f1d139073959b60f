package signed

import "strings"

// firmwareSuffixes end the names of firmware and of files that are
// already signed (spec §1.4, §10): never signed again, served as they are.
var firmwareSuffixes = []string{".loads", ".sbn", ".sb2", ".sbin", ".zup", ".bin", ".zz", ".sgn", ".tlv"}

// rootSignable are the configuration-type files of the root that have a
// .sgn variant, by exact name (spec §1.3, §1.4, §7.4, §9.1, §13).
var rootSignable = []string{
	"XMLDefault.cnf.xml", "dialplan.xml", "AppDialRules.xml", "DirLookupDialRules.xml", "RINGLIST.DAT",
	"SPDefault.cnf.xml", "global-settings.xml", "jabber-config.xml", "homeClusterUser.xml", "ConfigFileCacheList.txt",
}

// rootPrefixed are the root's signable names by prefix and suffix: softkey
// templates, SIP dial rules, feature policies, Jabber configurations.
var rootPrefixed = [][2]string{{"SK", ".xml"}, {"DR", ".xml"}, {"DefaultFP", ".xml"}, {"CSF", ".cnf.xml"}}

// localeSuffixes end the names of the locale files, one directory down
// (spec §9.4).
var localeSuffixes = []string{"-sccp.jar", "-sip.jar", "-dictionary.xml", "-dictionary-ext.xml", "-dictionary.utf-8.xml",
	"-font.xml", "-font.dat", "-kate.xml", "-tones.xml"}

// Signable reports whether name (a cleaned request path without .sgn) is a
// configuration-type file whose .sgn a secure cluster makes by signing it
// (spec §1.4's routing table): device configurations, XMLDefault.cnf.xml,
// softkey templates, dial rules and plans, feature policies, application
// dial rules, ring lists and ring files (.raw, .rwb, .pcm), backgrounds
// (Desktops/<W>x<H>x<D>/ List.xml and PNGs), locale files, and the Jabber
// and cache-list files the table gives a .sgn. Firmware and anything
// already signed (.loads, .sbn, .sb2, .sbin, .zup, .bin, .zz, .sgn, .tlv,
// termNN.default.loads, OS79XX.TXT) never is. Letter case is ignored.
func Signable(name string) bool {
	if name == "" || firmware(name) {
		return false
	}
	if hasSuffixFold(name, ".raw") || hasSuffixFold(name, ".rwb") || hasSuffixFold(name, ".pcm") {
		return true
	}
	dir, base, nested := strings.Cut(name, "/")
	if !nested {
		return rootFile(name)
	}
	if strings.EqualFold(dir, "Desktops") {
		return desktop(base)
	}
	if strings.Contains(base, "/") {
		return false
	}
	for _, s := range localeSuffixes {
		if hasSuffixFold(base, s) && len(base) > len(s) {
			return s != "-tones.xml" || tones(base)
		}
	}
	return false
}

// firmware reports whether name is firmware or already signed.
func firmware(name string) bool {
	for _, s := range firmwareSuffixes {
		if hasSuffixFold(name, s) {
			return true
		}
	}
	return strings.EqualFold(name, "OS79XX.TXT")
}

// rootFile reports whether name, a file of the root, is signable.
func rootFile(name string) bool {
	if _, ok := DeviceOf(name); ok {
		return true
	}
	for _, n := range rootSignable {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	for _, p := range rootPrefixed {
		if hasPrefixFold(name, p[0]) && hasSuffixFold(name, p[1]) && len(name) > len(p[0])+len(p[1]) {
			return true
		}
	}
	return ringList(name)
}

// ringList reports whether name is a ring list: RingList.xml,
// DistinctiveRingList.xml and their -wb variants, in any letter case.
func ringList(name string) bool {
	if !hasSuffixFold(name, ".xml") {
		return false
	}
	stem := name[:len(name)-len(".xml")]
	if hasSuffixFold(stem, "-wb") {
		stem = stem[:len(stem)-len("-wb")]
	}
	return strings.EqualFold(stem, "RingList") || strings.EqualFold(stem, "DistinctiveRingList")
}

// desktop reports whether rest (the path after Desktops/) is a background
// list or image: <W>x<H>x<D>/…List.xml or ….png.
func desktop(rest string) bool {
	dims, file, ok := strings.Cut(rest, "/")
	if !ok || file == "" || !dimensions(dims) {
		return false
	}
	return hasSuffixFold(file, ".xml") || hasSuffixFold(file, ".png")
}

// dimensions reports whether s is <digits>x<digits>x<digits>.
func dimensions(s string) bool {
	parts := strings.Split(s, "x")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || !digits(p) {
			return false
		}
	}
	return true
}

// tones reports whether base is a network locale's tones file: g3-tones.xml,
// g4-tones.xml or NNNN-tones.xml.
func tones(base string) bool {
	stem := base[:len(base)-len("-tones.xml")]
	return strings.EqualFold(stem, "g3") || strings.EqualFold(stem, "g4") || len(stem) == 4 && digits(stem)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// macAt returns the 12 hex digits of s from i on in upper case, and
// whether they are there.
func macAt(s string, i int) (string, bool) {
	if len(s) < i+12 {
		return "", false
	}
	m := s[i : i+12]
	upper := true
	for j := 0; j < 12; j++ {
		c := m[j]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'F':
		case c >= 'a' && c <= 'f':
			upper = false
		default:
			return "", false
		}
	}
	if !upper {
		m = strings.ToUpper(m)
	}
	return m, true
}

// DeviceOf returns the device name (SEP and the MAC in upper case) of a
// device configuration name SEP<MAC>.cnf.xml, the MAC in any case.
func DeviceOf(name string) (string, bool) {
	if len(name) != len("SEP001122334455.cnf.xml") || !hasPrefixFold(name, "SEP") || !hasSuffixFold(name, ".cnf.xml") {
		return "", false
	}
	mac, ok := macAt(name, 3)
	if !ok {
		return "", false
	}
	return "SEP" + mac, true
}

// TrustListName is a parsed trust-list request name.
type TrustListName struct {
	// CTL is true for a CTL, false for an ITL (ext_ITLSEP too).
	CTL bool
	// MAC is the device's MAC in upper case for a per-device list; "" for
	// ITLFile.tlv and CTLFile.tlv.
	MAC string
}

// ParseTrustList parses a trust-list name (spec §1.4): ITLFile.tlv,
// CTLFile.tlv, ITLSEP<MAC>.tlv, CTLSEP<MAC>.tlv, ext_ITLSEP<MAC>.tlv; the
// MAC in any case (§1.3), the rest as written.
func ParseTrustList(name string) (TrustListName, bool) {
	switch name {
	case "ITLFile.tlv":
		return TrustListName{}, true
	case "CTLFile.tlv":
		return TrustListName{CTL: true}, true
	}
	if !strings.HasSuffix(name, ".tlv") {
		return TrustListName{}, false
	}
	var ctl bool
	rest := strings.TrimPrefix(name, "ext_")
	switch {
	case strings.HasPrefix(rest, "ITLSEP"):
	case strings.HasPrefix(rest, "CTLSEP") && len(rest) == len(name):
		ctl = true
	default:
		return TrustListName{}, false
	}
	if len(rest) != len("ITLSEP001122334455.tlv") {
		return TrustListName{}, false
	}
	mac, ok := macAt(rest, len("ITLSEP"))
	if !ok {
		return TrustListName{}, false
	}
	return TrustListName{CTL: ctl, MAC: mac}, true
}
