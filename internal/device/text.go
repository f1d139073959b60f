package device

import (
	"cmp"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText prints the report for a person: a line per request (time
// since the boot began, server, protocol, name, outcome, bytes, note),
// then the call-control list with its ports, the load, the warnings and
// the outcome.
func (r *Report) WriteText(w io.Writer) error {
	head := r.Device
	if r.Model != "" {
		head += "  " + r.Model + " " + r.Protocol
	}
	if r.Family != "" {
		head += " [" + r.Family + "]"
	}
	fmt.Fprintf(w, "%s  (%s, via %s; servers %s", head, r.Kind, r.Via, strings.Join(r.Servers, ", "))
	fmt.Fprintln(w, ")")
	if d := r.Discovery; d != nil {
		fmt.Fprintf(w, "  DHCP on %s: lease %s from %s; rule %s: %s\n", d.Iface, d.Lease, cmp.Or(d.Server, "?"), d.Rule, d.Why)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "  %6dms\t%s\t%s\t%s\t%s\t%d B\t%s", s.At.Milliseconds(), s.Server, s.Proto, s.Name, s.Outcome, s.Bytes, s.Note)
		if r.Secure && s.Outcome == Found {
			fmt.Fprintf(tw, "\t%s", s.Signed.describe())
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if t := r.TrustList; t != nil {
		fmt.Fprintln(w, "trust list:", t.describe())
		for _, s := range t.FileSigners {
			fmt.Fprintf(w, "  accepts files %s\n", s.describe())
		}
	}
	if len(r.CallManagers) > 0 {
		fmt.Fprintln(w, "call control:")
	}
	for i, cm := range r.CallManagers {
		fmt.Fprintf(w, "  %d. %s\n", i+1, cm.describe())
	}
	if r.Kind != Gateway || r.LoadID != "" {
		fmt.Fprintln(w, "load:", r.loadText())
	}
	r.writeGateway(w)
	for _, warn := range r.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	_, err := fmt.Fprintln(w, r.outcomeText())
	return err
}

// writeGateway prints a gateway's ports and the IOS configuration it
// derived from its files.
func (r *Report) writeGateway(w io.Writer) {
	if len(r.Ports) > 0 {
		fmt.Fprintln(w, "ports:")
	}
	for _, p := range r.Ports {
		fmt.Fprintf(w, "  %s\n", p.describe())
	}
	if len(r.IOS) > 0 {
		fmt.Fprintln(w, "IOS configuration:")
	}
	for _, l := range r.IOS {
		fmt.Fprintln(w, "  "+l)
	}
}

// describe says what a port got: its line, from which file.
func (p GatewayPort) describe() string {
	s := "port " + p.Port
	if p.Endpoint != "" {
		s += " " + p.Endpoint
	}
	if !p.Configured {
		return s + ": " + p.Note
	}
	if p.Line != "" {
		s += ": line " + p.Line
	}
	if p.DisplayName != "" {
		s += fmt.Sprintf(" %q", p.DisplayName)
	}
	if p.Label != "" {
		s += " label " + p.Label
	}
	if p.Locale != "" {
		s += ", " + p.Locale
	}
	if p.File != "" {
		s += "  (" + p.File + ")"
	}
	return s
}

// describe says who signed a file: "unsigned" for nil.
func (s *Signature) describe() string {
	if s == nil {
		return "unsigned"
	}
	d := fmt.Sprintf("signed by %s (%s, SHA-1 %s)", s.Signer, s.Role, cmp.Or(s.SHA1, "?"))
	if !s.Verified {
		d += ", not verified"
	}
	return d
}

// describe says which trust list a secure device ended with, and why.
func (t *TrustListReport) describe() string {
	d := t.How
	if t.Name != "" {
		d = t.Name + ", " + d
	}
	if t.Signer != nil {
		d += ", " + t.Signer.describe()
	}
	return fmt.Sprintf("%s; %s", d, plural(t.Records, "record"))
}

func (cm CallManager) describe() string {
	s := cm.Host
	if cm.Name != "" && cm.Name != cm.Host {
		s = cm.Name + " " + s
	}
	for _, p := range []struct {
		name string
		port int
	}{{"sccp", cm.SCCPPort}, {"sip", cm.SIPPort}, {"sips", cm.SIPSPort}, {"mgcp", cm.MGCPPort}} {
		if p.port != 0 {
			s += fmt.Sprintf("  %s %d", p.name, p.port)
		}
	}
	if cm.Secondary {
		s += "  (backup)"
	}
	return s
}

func (r *Report) loadText() string {
	switch {
	case r.LoadID == "":
		return "(none named: keeps the running load)"
	case r.Upgraded:
		return fmt.Sprintf("%s (upgraded: %s)", r.LoadID, strings.Join(r.Archives, ", "))
	}
	return r.LoadID + " (running)"
}

func (r *Report) outcomeText() string {
	took := r.Took.Round(time.Millisecond)
	if !r.OK() {
		return fmt.Sprintf("outcome: not configured after %v: %s: %s", took, r.Cause, r.Detail)
	}
	from := r.Config
	if r.FromDefault {
		from += ", a default file"
	}
	return fmt.Sprintf("outcome: configured from %s on %s in %v", from, r.Server, took)
}

// WriteText prints the storm's outcome for a person.
func (s *StormReport) WriteText(w io.Writer) error {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	if s.OK() {
		fmt.Fprintf(w, "all %d devices configured in %s\n", s.Total, ms(s.Took))
	} else {
		fmt.Fprintf(w, "%d of %d devices configured; %d failed; %s in all\n", s.Configured, s.Total, s.Failed, ms(s.Took))
	}
	if len(s.Durations) > 0 {
		fmt.Fprintf(w, "boot time per configured device: p50 %s, p99 %s, max %s\n", ms(s.P50), ms(s.P99), ms(s.Max))
	}
	causes := make([]Cause, 0, len(s.Failures))
	for c := range s.Failures {
		causes = append(causes, c)
	}
	sort.Slice(causes, func(i, j int) bool { return s.Failures[causes[i]] > s.Failures[causes[j]] })
	for _, c := range causes {
		fmt.Fprintf(w, "  %6d  %s (e.g. %s)\n", s.Failures[c], c, s.Examples[c])
	}
	return nil
}
