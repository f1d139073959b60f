// Package metrics holds what the components' Prometheus collectors share:
// the namespace, the map from the "Cisco TFTP" counters that RTMT shows to
// the metrics that carry them (spec §12.2), for "cmtftp counters", and a
// lint of a whole registry. Each component (the TFTP engine, HTTP, the
// built files, the change feed, the serving slots) registers its own
// collector into the registry the assembly gives it: base units, _total
// for counters, bounded labels only (never a MAC, an address or a file
// name).
package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
)

// Namespace prefixes every metric of cmtftp.
const Namespace = "cmtftp"

// Lint checks everything g gathers: promlint's rules, the namespace, label
// values that look unbounded (a dot or colon: a file name, an address),
// and that every Cisco counter is published.
func Lint(g prometheus.Gatherer) error {
	fams, err := g.Gather()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	byName := map[string]bool{}
	var errs []error
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return err
		}
		byName[f.GetName()] = true
		if !strings.HasPrefix(f.GetName(), Namespace+"_") {
			continue // the Go and process collectors
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.ContainsAny(l.GetValue(), ".:") {
					errs = append(errs, fmt.Errorf("%s has an unbounded-looking label value %q", f.GetName(), l.GetValue()))
				}
			}
		}
	}
	problems, err := promlint.New(&buf).Lint()
	if err != nil {
		return err
	}
	for _, p := range problems {
		errs = append(errs, fmt.Errorf("promlint: %s: %s", p.Metric, p.Text))
	}
	for _, c := range ciscoNames {
		if !byName[c.Metric] {
			errs = append(errs, fmt.Errorf("%s: metric %s is not published", c.Name, c.Metric))
		}
	}
	return errors.Join(errs...)
}
