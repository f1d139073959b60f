package render

import "cmtftp/internal/domain"

// DialPlan79x1 renders DR<plan>.xml for 7970/71, 7961, 7941, 7911 and
// later SIP phones (spec §7.2, the usecallmanager spelling: lower-case
// attributes, upper-case TEMPLATE).
func DialPlan79x1(p *domain.DialPlan) []byte {
	w := &xmlw{b: make([]byte, 0, 1024)}
	w.open("dialTemplate")
	w.el("versionStamp", stampHolder)
	for _, r := range p.Rules {
		attrs := []string{"match", r.Pattern, "timeout", itoa(r.Timeout)}
		if r.User != "" {
			attrs = append(attrs, "user", r.User)
		}
		if r.Rewrite != "" {
			attrs = append(attrs, "rewrite", r.Rewrite)
		}
		if r.Tone != "" {
			attrs = append(attrs, "tone", r.Tone)
		}
		if r.Line != 0 {
			attrs = append(attrs, "line", itoa(r.Line))
		}
		w.el("TEMPLATE", "", attrs...)
	}
	w.close("dialTemplate")
	return stamp(w.b)
}

// DialPlan7940 renders <plan>.xml for 7940/7960 SIP (spec §7.1,
// DIALTEMPLATE with the Cisco guide's attribute case). The format has no
// version element; the content hash goes in a comment.
func DialPlan7940(p *domain.DialPlan) []byte {
	w := &xmlw{b: make([]byte, 0, 1024)}
	w.b = append(w.b, "<!-- version "+stampHolder+" -->\n"...)
	w.open("DIALTEMPLATE")
	for _, r := range p.Rules {
		attrs := []string{"MATCH", r.Pattern, "Timeout", itoa(r.Timeout)}
		if r.User != "" {
			user := "Phone"
			if r.User == "ip" {
				user = "IP"
			}
			attrs = append(attrs, "User", user)
		}
		if r.Rewrite != "" {
			attrs = append(attrs, "Rewrite", r.Rewrite)
		}
		if r.Route != "" {
			attrs = append(attrs, "Route", r.Route)
		}
		if r.Tone != "" {
			attrs = append(attrs, "Tone", r.Tone)
		}
		w.el("TEMPLATE", "", attrs...)
	}
	w.close("DIALTEMPLATE")
	return stamp(w.b)
}
