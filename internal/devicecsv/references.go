package devicecsv

import (
	"fmt"
	"strings"

	"cmtftp/internal/domain"
)

// CheckReferences checks each row against the records that exist (or are
// about to be created by the same import): models and their protocols and
// line counts, pools, softkey templates, SIP profiles and dial plans. It
// returns the rows that pass and an error per row that does not.
func CheckReferences(f *File, site *domain.Site) ([]Row, []RowError) {
	ix := newIndex(site)
	var ok []Row
	var errs []RowError
	for _, r := range f.Rows {
		if col, msg := ix.check(r.Device); msg != "" {
			errs = append(errs, RowError{Line: r.Line, Column: col, Msg: msg})
			continue
		}
		ok = append(ok, r)
	}
	return ok, errs
}

// index holds the records of a site a row may refer to, by name.
type index struct {
	models      map[string]*domain.Model
	pools       map[string]bool
	softkeys    map[string]bool
	sipProfiles map[string]bool
	plans       map[string]*domain.DialPlan
}

// newIndex indexes the records of site.
func newIndex(site *domain.Site) *index {
	ix := &index{models: byName(site.Models), pools: names(site.Pools), softkeys: names(site.Softkeys),
		sipProfiles: names(site.SIPProfiles), plans: byName(site.DialPlans)}
	return ix
}

// byName indexes records by their key.
func byName[T domain.Entity](es []T) map[string]T {
	m := make(map[string]T, len(es))
	for _, e := range es {
		m[e.Key()] = e
	}
	return m
}

// names is the set of the records' keys.
func names[T domain.Entity](es []T) map[string]bool {
	m := make(map[string]bool, len(es))
	for _, e := range es {
		m[e.Key()] = true
	}
	return m
}

// check returns the column and the problem of the first thing wrong with
// d, or an empty message.
func (ix *index) check(d *domain.Device) (column, msg string) {
	m := ix.models[d.Model]
	switch {
	case m == nil:
		return "DEVICE TYPE", fmt.Sprintf("no model %q (cmtftp model list)", d.Model)
	case !ix.pools[d.Pool]:
		return "DEVICE POOL", fmt.Sprintf("no device pool %q", d.Pool)
	case d.SoftkeyTemplate != "" && !ix.softkeys[d.SoftkeyTemplate]:
		return "SOFTKEY TEMPLATE", fmt.Sprintf("no softkey template %q", d.SoftkeyTemplate)
	case d.SIPProfile != "" && !ix.sipProfiles[d.SIPProfile]:
		return "SIP PROFILE", fmt.Sprintf("no SIP profile %q", d.SIPProfile)
	case d.DialPlan != "" && ix.plans[d.DialPlan] == nil:
		return "DIAL PLAN", fmt.Sprintf("no dial plan %q", d.DialPlan)
	case d.Protocol != "" && !m.Supports(d.Protocol):
		return "DEVICE PROTOCOL", fmt.Sprintf("model %s runs %s", m.Name, strings.Join(m.Protocols, "/"))
	case len(d.Lines) > m.MaxLines:
		return "DIRECTORY NUMBER", fmt.Sprintf("%d lines, model %s has at most %d", len(d.Lines), m.Name, m.MaxLines)
	case m.Class == "phone" && d.MAC == "":
		return "MAC ADDRESS", "a phone needs a MAC address"
	case d.DialPlan != "" && m.DialFamily != "" && ix.plans[d.DialPlan].Family != m.DialFamily:
		return "DIAL PLAN", fmt.Sprintf("plan %q is for the %s family; model %s reads %s plans", d.DialPlan, ix.plans[d.DialPlan].Family, m.Name, m.DialFamily)
	}
	return "", ""
}
