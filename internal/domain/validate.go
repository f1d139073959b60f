package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Normalize checks a record on its own (references to other records are the
// store's job) and fills defaults in place: upper-case MAC, well-known ports,
// canonical parameter values. The error is a *FieldError naming the field.
func Normalize(e Entity) error {
	ki, ok := Describe(e.Kind())
	if !ok {
		return invalid(e, "", "unknown record type %T", e)
	}
	return ki.normalize(e)
}

func normLogin(v *Login) error {
	if err := name(v, "device", v.Device); err != nil {
		return err
	}
	return name(v, "profile", v.Profile)
}

func normParam(v *Param) error {
	d, ok := LookupParam(v.Scope, v.Name)
	if !ok {
		return invalid(v, "name", "no such %s parameter", v.Scope)
	}
	val, err := d.Normalize(v.Value)
	if err != nil {
		return invalid(v, "value", "%s", strings.TrimPrefix(err.Error(), d.Name+": "))
	}
	v.Name, v.Value = d.Name, val
	return nil
}

var (
	fileSafe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$`)
	lineNum  = regexp.MustCompile(`^[0-9A-Za-z*#+][0-9A-Za-z*#+._@-]{0,49}$`)
	hostName = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$`)
	dateTmpl = regexp.MustCompile(`^[DMY]([/.-][DMY]){2}A?$`)
	rule79   = regexp.MustCompile(`^[0-9A-Da-d*#.,\\+@]*$`)
	rule7905 = regexp.MustCompile(`^[0-9*#.\->tTrRS]+$`)
)

// name checks a key or reference: printable, no control characters, ≤ 64.
func name(e Entity, field, s string) error {
	switch {
	case s == "":
		return invalid(e, field, "is required")
	case len(s) > 64:
		return invalid(e, field, "longer than 64 characters")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return invalid(e, field, "contains control characters or invalid UTF-8")
	case strings.TrimSpace(s) != s:
		return invalid(e, field, "has leading or trailing spaces")
	}
	return nil
}

// text checks a free-text field: valid UTF-8, no control characters, ≤ max runes.
func text(e Entity, field, s string, max int) error {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return invalid(e, field, "contains control characters or invalid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return invalid(e, field, "%d characters, at most %d allowed", n, max)
	}
	return nil
}

func port(e Entity, field string, p *int, def int) error {
	if *p == 0 {
		*p = def
	}
	if *p < 1 || *p > 65535 {
		return invalid(e, field, "port %d out of range 1–65535", *p)
	}
	return nil
}

func normServer(s *Server) error {
	if err := name(s, "name", s.Name); err != nil {
		return err
	}
	if s.Host == "" {
		return invalid(s, "host", "is required")
	}
	if net.ParseIP(s.Host) == nil && (len(s.Host) > 253 || !hostName.MatchString(s.Host)) {
		return invalid(s, "host", "%q is not an IP address or host name", s.Host)
	}
	if err := text(s, "description", s.Description, 128); err != nil {
		return err
	}
	for _, p := range []struct {
		f   string
		v   *int
		def int
	}{{"sccpPort", &s.SCCPPort, 2000}, {"sccpTlsPort", &s.SCCPTLSPort, 2443}, {"sipPort", &s.SIPPort, 5060},
		{"sipTlsPort", &s.SIPTLSPort, 5061}, {"mgcpPort", &s.MGCPPort, 2427}, {"mgcpKeepAlivePort", &s.MGCPKeepAlivePort, 2428}} {
		if err := port(s, p.f, p.v, p.def); err != nil {
			return err
		}
	}
	return nil
}

func normGroup(g *Group) error {
	if err := name(g, "name", g.Name); err != nil {
		return err
	}
	if err := text(g, "description", g.Description, 128); err != nil {
		return err
	}
	switch {
	case len(g.Servers) == 0:
		return invalid(g, "servers", "at least one server is required")
	case len(g.Servers) > MaxGroupServers:
		return invalid(g, "servers", "%d servers, at most %d allowed", len(g.Servers), MaxGroupServers)
	}
	for i, s := range g.Servers {
		if err := name(g, "servers", s); err != nil {
			return err
		}
		if slices.Contains(g.Servers[:i], s) {
			return invalid(g, "servers", "server %q listed twice", s)
		}
	}
	return nil
}

func normPool(p *Pool) error {
	if err := name(p, "name", p.Name); err != nil {
		return err
	}
	if err := name(p, "group", p.Group); err != nil {
		return err
	}
	if p.DateTemplate == "" {
		p.DateTemplate = "M/D/Y"
	}
	if !dateTmpl.MatchString(p.DateTemplate) {
		return invalid(p, "dateTemplate", "%q is not like M/D/Y, D.M.Y or D-M-YA", p.DateTemplate)
	}
	if p.UserLocale == "" {
		p.UserLocale = "English_United_States"
	}
	if p.NetworkLocale == "" {
		p.NetworkLocale = "United_States"
	}
	for f, v := range map[string]string{"timeZone": p.TimeZone, "olsonTimeZone": p.OlsonTimeZone, "region": p.Region,
		"userLocale": p.UserLocale, "networkLocale": p.NetworkLocale, "srst": p.SRST} {
		if err := text(p, f, v, 64); err != nil {
			return err
		}
	}
	return nil
}

var families = []string{FamilyCnfXML, FamilyCnf, FamilySIPCnf, FamilyLD, FamilyGK, FamilyDR, FamilyDialXML, FamilySoftkey,
	FamilySKIGW, FamilyMGCP, FamilyATAXML, FamilyATATxt, FamilySAA, FamilySDA}

func normModel(m *Model) error {
	if err := name(m, "name", m.Name); err != nil {
		return err
	}
	if m.TypeID <= 0 {
		return invalid(m, "typeId", "must be a positive device-type number")
	}
	if m.Class == "" {
		m.Class = "phone"
	}
	if m.Class != "phone" && m.Class != "gateway" {
		return invalid(m, "class", "%q is not phone or gateway", m.Class)
	}
	if len(m.Protocols) == 0 {
		return invalid(m, "protocols", "at least one of SCCP, SIP is required")
	}
	for _, p := range m.Protocols {
		if p != ProtocolSCCP && p != ProtocolSIP && (p != ProtocolMGCP || m.Class != "gateway") {
			return invalid(m, "protocols", "%q is not SCCP or SIP (or MGCP, for a gateway)", p)
		}
	}
	for _, f := range slices.Concat(m.SIPFiles, m.SCCPFiles, m.MGCPFiles) {
		if !slices.Contains(families, f) {
			return invalid(m, "files", "unknown file family %q (known: %s)", f, strings.Join(families, ", "))
		}
	}
	if m.DialFamily != "" && m.DialFamily != DialFamily79x1 && m.DialFamily != DialFamily7940 && m.DialFamily != DialFamily7905 {
		return invalid(m, "dialFamily", "%q is not 79x1, 7940 or 7905", m.DialFamily)
	}
	if m.MaxLines == 0 {
		m.MaxLines = 1
	}
	if m.MaxLines < 1 || m.MaxLines > 200 {
		return invalid(m, "maxLines", "%d out of range 1–200", m.MaxLines)
	}
	return text(m, "description", m.Description, 128)
}

func normLine(l *Line) error {
	if !lineNum.MatchString(l.Number) {
		return invalid(l, "number", "%q is not a directory number (digits, letters, * # + . _ @ -; at most 50)", l.Number)
	}
	for f, v := range map[string]string{"displayName": l.DisplayName, "label": l.Label, "authName": l.AuthName, "authPassword": l.AuthPassword} {
		if err := text(l, f, v, 30); err != nil {
			return err
		}
	}
	if l.VoicemailPilot != "" && !lineNum.MatchString(l.VoicemailPilot) {
		return invalid(l, "voicemailPilot", "%q is not a directory number", l.VoicemailPilot)
	}
	if l.MWIPolicy < 0 || l.MWIPolicy > 6 {
		return invalid(l, "mwiPolicy", "%d out of range 0–6", l.MWIPolicy)
	}
	if l.MaxCalls == 0 {
		l.MaxCalls = 2
	}
	if l.MaxCalls < 1 || l.MaxCalls > 200 {
		return invalid(l, "maxCalls", "%d out of range 1–200", l.MaxCalls)
	}
	return nil
}

var codecs = []string{"none", "g711ulaw", "g711alaw", "g729a", "g722", "ilbc"}

func normSIPProfile(p *SIPProfile) error {
	if err := name(p, "name", p.Name); err != nil {
		return err
	}
	if p.PreferredCodec == "" {
		p.PreferredCodec = "none"
	}
	if !slices.Contains(codecs, p.PreferredCodec) {
		return invalid(p, "preferredCodec", "%q is not one of %s", p.PreferredCodec, strings.Join(codecs, ", "))
	}
	if p.TimerRegisterExpires == 0 {
		p.TimerRegisterExpires = 3600
	}
	if p.TimerRegisterExpires < 1 || p.TimerRegisterExpires > 3932100 {
		return invalid(p, "timerRegisterExpires", "%d out of range 1–3932100", p.TimerRegisterExpires)
	}
	if err := port(p, "startMediaPort", &p.StartMediaPort, 16384); err != nil {
		return err
	}
	if err := port(p, "stopMediaPort", &p.StopMediaPort, 32766); err != nil {
		return err
	}
	if p.StopMediaPort <= p.StartMediaPort {
		return invalid(p, "stopMediaPort", "must be above startMediaPort")
	}
	if err := port(p, "voipControlPort", &p.VoIPControlPort, 5060); err != nil {
		return err
	}
	if p.DTMFAvtPayload == 0 {
		p.DTMFAvtPayload = 101
	}
	if p.DTMFAvtPayload < 96 || p.DTMFAvtPayload > 127 {
		return invalid(p, "dtmfAvtPayload", "%d out of range 96–127", p.DTMFAvtPayload)
	}
	if p.Transport == "" {
		p.Transport = "udp"
	}
	if p.Transport != "udp" && p.Transport != "tcp" && p.Transport != "tls" {
		return invalid(p, "transport", "%q is not udp, tcp or tls", p.Transport)
	}
	if p.NATAddress != "" && net.ParseIP(p.NATAddress) == nil {
		return invalid(p, "natAddress", "%q is not an IP address", p.NATAddress)
	}
	if err := text(p, "phoneLabel", p.PhoneLabel, 12); err != nil {
		return err
	}
	return text(p, "description", p.Description, 128)
}

// FileSafeName reports whether s can be part of a file name (dial plans and
// softkey templates give their names to DR<name>.xml and SK<name>.xml).
func FileSafeName(s string) bool { return fileSafe.MatchString(s) }

var tones = []string{"Bellcore-Inside", "Bellcore-Outside", "Bellcore-Busy", "Bellcore-Reorder", "Bellcore-CallWaiting",
	"Bellcore-Hold", "Bellcore-Reminder", "Bellcore-Confirmation", "Bellcore-Permanent", "Bellcore-None", "Cisco-Zip",
	"Cisco-ZipZip", "Cisco-BeepBonk"}

// endsCnf reports whether a dial plan's or softkey template's name ends in
// .cnf (any case): its file, <name>.xml, DR<name>.xml or SK<name>.xml,
// would end in .cnf.xml, the file of the MGCP gateway named by the rest.
func endsCnf(name string) bool {
	return len(name) >= 4 && strings.EqualFold(name[len(name)-4:], ".cnf")
}

func normDialPlan(p *DialPlan) error {
	if !FileSafeName(p.Name) {
		return invalid(p, "name", "%q: use letters, digits, _ . - (at most 50; it becomes a file name)", p.Name)
	}
	if p.Family != DialFamily79x1 && p.Family != DialFamily7940 && p.Family != DialFamily7905 {
		return invalid(p, "family", "%q is not 79x1, 7940 or 7905", p.Family)
	}
	if p.Family != DialFamily7905 && endsCnf(p.Name) {
		return invalid(p, "name", "%q ends in .cnf: its file would be an MGCP gateway's <name>.cnf.xml", p.Name)
	}
	if len(p.Rules) > 500 {
		return invalid(p, "rules", "%d rules, at most 500", len(p.Rules))
	}
	for i, r := range p.Rules {
		f := func(n string) string { return "rules[" + strconv.Itoa(i) + "]." + n }
		if p.Family == DialFamily7905 {
			if !rule7905.MatchString(r.Pattern) {
				return invalid(p, f("pattern"), "%q is not a 7905/7912 rule (digits . * # - > t r S)", r.Pattern)
			}
			continue
		}
		if !rule79.MatchString(r.Pattern) {
			return invalid(p, f("pattern"), "%q: patterns use digits, A–D, * # . , \\ + @", r.Pattern)
		}
		if r.Timeout < 0 || r.Timeout > 99 {
			return invalid(p, f("timeout"), "%d out of range 0–99", r.Timeout)
		}
		r.User = strings.ToLower(r.User)
		if r.User != "" && r.User != "ip" && r.User != "phone" {
			return invalid(p, f("user"), "%q is not ip or phone", r.User)
		}
		p.Rules[i].User = r.User
		if !rule79.MatchString(strings.ReplaceAll(r.Rewrite, "%", "")) && r.Rewrite != "" {
			return invalid(p, f("rewrite"), "%q has characters a phone cannot dial", r.Rewrite)
		}
		if r.Tone != "" && !slices.Contains(tones, r.Tone) {
			return invalid(p, f("tone"), "%q is not a known tone (%s)", r.Tone, strings.Join(tones, ", "))
		}
		if err := text(p, f("route"), r.Route, 64); err != nil {
			return err
		}
		if r.Line < 0 || r.Line > 200 {
			return invalid(p, f("line"), "%d out of range", r.Line)
		}
	}
	return text(p, "description", p.Description, 128)
}

// SoftkeyStates returns the call states of a softkey template, in file order.
func SoftkeyStates() []string { return slices.Clone(softkeyStates) }

// Softkey returns the tag, eventID and helpID of a soft key a template may
// use, or false for a name that is not one.
func Softkey(name string) ([3]int, bool) {
	k, ok := softkeys[name]
	return k, ok
}

var softkeyStates = []string{"On Hook", "Off Hook", "Off Hook With Feature", "Digits After First", "Ring Out",
	"Connected", "Connected No Feature", "Connected Transfer", "Connected Conference", "On Hold", "Ring In", "Remote In Use"}

// softkeys are the soft keys a template may use, with tag, eventID and helpID.
var softkeys = map[string][3]int{
	"Undefined": {0, 0, 0}, "Redial": {1, 1, 301}, "NewCall": {2, 2, 302}, "Hold": {3, 3, 303}, "Transfer": {4, 4, 304},
	"CFwdAll": {5, 5, 305}, "<<": {8, 8, 308}, "EndCall": {9, 9, 309}, "Resume": {10, 10, 310}, "Answer": {11, 11, 311},
	"Confrn": {13, 13, 313}, "Park": {14, 14, 314}, "Join": {15, 15, 315}, "MeetMe": {16, 16, 316}, "PickUp": {17, 17, 317},
	"GPickUp": {18, 18, 318}, "RmLstC": {57, 19, 319}, "CallBack": {65, 20, 320}, "DND": {63, 69, 369}, "QRT": {75, 22, 322},
	"MCID": {76, 27, 327}, "Select": {78, 29, 329}, "ConfList": {79, 30, 330}, "iDivert": {80, 31, 331}, "OPickUp": {91, 34, 334},
	"HLog": {92, 35, 335}, "AbbrDial": {7740, 71, 371}, "Record": {7747, 74, 374},
}

func normSoftkey(t *SoftkeyTemplate) error {
	if !FileSafeName(t.Name) {
		return invalid(t, "name", "%q: use letters, digits, _ . - (at most 50; it becomes a file name)", t.Name)
	}
	if endsCnf(t.Name) {
		return invalid(t, "name", "%q ends in .cnf: SK<name>.xml would be an MGCP gateway's SK<…>.cnf.xml", t.Name)
	}
	seen := map[string]bool{}
	for i, s := range t.Sets {
		f := "sets[" + strconv.Itoa(i) + "]"
		if !slices.Contains(softkeyStates, s.State) {
			return invalid(t, f+".state", "%q is not a call state (%s)", s.State, strings.Join(softkeyStates, ", "))
		}
		if seen[s.State] {
			return invalid(t, f+".state", "%q listed twice", s.State)
		}
		seen[s.State] = true
		if len(s.Keys) > 16 {
			return invalid(t, f+".keys", "%d keys, at most 16 per call state", len(s.Keys))
		}
		for _, k := range s.Keys {
			if _, ok := softkeys[k]; !ok {
				return invalid(t, f+".keys", "unknown soft key %q", k)
			}
		}
	}
	return text(t, "description", t.Description, 128)
}

func normAppearances(e Entity, lines []Appearance) error {
	buttons := map[int]bool{}
	for i, a := range lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if a.Button < 1 || a.Button > 200 {
			return invalid(e, f+".button", "%d out of range 1–200", a.Button)
		}
		if buttons[a.Button] {
			return invalid(e, f+".button", "button %d used twice", a.Button)
		}
		buttons[a.Button] = true
		if !lineNum.MatchString(a.Line) {
			return invalid(e, f+".line", "%q is not a directory number", a.Line)
		}
	}
	slices.SortFunc(lines, func(a, b Appearance) int { return a.Button - b.Button })
	return nil
}

func normDevice(d *Device) error {
	if d.MAC != "" {
		m, err := ParseMAC(d.MAC)
		if err != nil {
			return invalid(d, "mac", "%s", strings.TrimPrefix(err.Error(), "invalid MAC "))
		}
		d.MAC = m
		if d.Name == "" {
			d.Name = "SEP" + m
		}
	}
	if len(d.Name) == 15 && strings.EqualFold(d.Name[:3], "SEP") {
		m, err := ParseMAC(d.Name[3:])
		if err != nil {
			return invalid(d, "name", "SEP names carry a MAC: %s", strings.TrimPrefix(err.Error(), "invalid MAC "))
		}
		if d.MAC != "" && d.MAC != m {
			return invalid(d, "mac", "%s does not match the name %s", d.MAC, d.Name)
		}
		d.Name, d.MAC = "SEP"+m, m
	} else if strings.HasPrefix(strings.ToUpper(d.Name), "SEP") {
		return invalid(d, "name", "%q: a SEP name is SEP and 12 hex digits", d.Name)
	}
	if err := name(d, "name", d.Name); err != nil {
		return err
	}
	if err := name(d, "model", d.Model); err != nil {
		return err
	}
	if err := name(d, "pool", d.Pool); err != nil {
		return err
	}
	d.Protocol = strings.ToUpper(d.Protocol)
	if d.Protocol != "" && d.Protocol != ProtocolSCCP && d.Protocol != ProtocolSIP {
		return invalid(d, "protocol", "%q is not SCCP or SIP", d.Protocol)
	}
	if d.SecurityMode == "" {
		d.SecurityMode = SecurityNonSecure
	}
	if d.SecurityMode != SecurityNonSecure && d.SecurityMode != SecurityAuthenticated && d.SecurityMode != SecurityEncrypted {
		return invalid(d, "securityMode", "%q is not non-secure, authenticated or encrypted", d.SecurityMode)
	}
	if d.Load != "" && !fileSafe.MatchString(d.Load) {
		return invalid(d, "load", "%q is not a load ID", d.Load)
	}
	for f, v := range map[string]string{"description": d.Description, "userLocale": d.UserLocale, "networkLocale": d.NetworkLocale} {
		if err := text(d, f, v, 128); err != nil {
			return err
		}
	}
	if err := normURLs(d, &d.URLs); err != nil {
		return err
	}
	return normAppearances(d, d.Lines)
}

func normURLs(e Entity, u *URLs) error {
	for f, v := range map[string]string{"urls.services": u.Services, "urls.directory": u.Directory, "urls.idle": u.Idle,
		"urls.information": u.Information, "urls.messages": u.Messages, "urls.authentication": u.Authentication} {
		if v == "" {
			continue
		}
		p, err := url.Parse(v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(v) > 255 {
			return invalid(e, f, "%q is not an http:// or https:// URL of at most 255 characters", v)
		}
	}
	return text(e, "urls.proxyServer", u.ProxyServer, 255)
}

func normProfile(p *DeviceProfile) error {
	if err := name(p, "name", p.Name); err != nil {
		return err
	}
	if err := text(p, "description", p.Description, 128); err != nil {
		return err
	}
	if err := text(p, "userLocale", p.UserLocale, 64); err != nil {
		return err
	}
	return normAppearances(p, p.Lines)
}

func normFile(f *CustomFile) error {
	if f.Name == "" || len(f.Name) > 255 || strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "\\") ||
		slices.Contains(strings.Split(f.Name, "/"), "..") || slices.Contains(strings.Split(f.Name, "/"), "") ||
		strings.ContainsFunc(f.Name, func(r rune) bool { return r <= 0x20 || r == 0x7f }) || !utf8.ValidString(f.Name) {
		return invalid(f, "name", "%q is not a safe relative file name", f.Name)
	}
	if len(f.Data) > 64<<20 {
		return invalid(f, "data", "%d bytes, at most 64 MiB", len(f.Data))
	}
	if f.IsReference() { // stands for stored bytes: the store checks it has them
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != sha256.Size {
			return invalid(f, "sha256", "%q is not a SHA-256 (64 hex digits)", f.SHA256)
		}
		f.SHA256 = strings.ToLower(f.SHA256)
		return nil
	}
	sum := sha256.Sum256(f.Data)
	f.SHA256, f.Size = hex.EncodeToString(sum[:]), int64(len(f.Data))
	if f.Modified.IsZero() {
		f.Modified = time.Now().UTC().Truncate(time.Millisecond)
	}
	return nil
}
