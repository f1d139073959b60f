package render

import (
	"cmtftp/internal/domain"
	"errors"
	"iter"
)

// File is one file of a site: its resolved name and the records it is
// rendered from. Render it with File.Render.
type File struct {
	Target  Target
	Records Records
}

// Name returns the file's name.
func (f File) Name() string { return f.Target.Name }

// Render renders the file: Render(f.Target, f.Records).
func (f File) Render() ([]byte, error) { return Render(f.Target, f.Records) }

// SiteFiles yields every file of the site x, unrendered so that callers
// can render on every core: each device's own files (DeviceFiles), each
// gateway's (GatewayFiles), every dial plan of a family that has a file,
// every softkey template, then the default files. A device whose records are incomplete yields its
// error with a zero File; a site with no call-control group has no
// default files.
//
// Each name goes through Resolve and must resolve back to the record it
// was made from, so SiteFiles lists exactly what the serving chain makes
// of those names: a name that would not resolve to its record (a gateway
// whose name is no file name, a device whose name is not SEP<its MAC>) is
// not served, and is not listed either. (A <name>.cnf that is not
// SEP<MAC>.cnf is a gateway's: a device's is neither served nor listed.)
func SiteFiles(x *domain.Index) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		for _, name := range x.Devices() {
			c, err := x.DeviceConfig(name)
			if err != nil {
				if !yield(File{}, err) {
					return
				}
				continue
			}
			for _, f := range DeviceFiles(c) {
				if t, ok := resolveTo(f, NeedDevice, name); ok && !yield(File{t, Records{Device: c}}, nil) {
					return
				}
			}
		}
		if !siteGateways(x, yield) {
			return
		}
		for _, p := range x.DialPlans() {
			if t, ok := resolveTo(DialPlanFile(p), NeedDialPlan, p.Name); ok && !yield(File{t, Records{DialPlan: p}}, nil) {
				return
			}
		}
		for _, s := range x.Softkeys() {
			if t, ok := resolveTo(SoftkeyFile(s), NeedSoftkey, s.Name); ok && !yield(File{t, Records{Softkey: s}}, nil) {
				return
			}
		}
		siteDefaults(x, yield)
	}
}

// defaultFiles are the names of the default files, in the order SiteFiles
// yields them.
func defaultFiles() []string {
	return []string{"XMLDefault.cnf.xml", "SEPDefault.cnf", "SIPDefault.cnf", "SAADefault.cnf", "SDADefault.cnf"}
}

// siteDefaults yields the default files of x, if it has a default group.
func siteDefaults(x *domain.Index, yield func(File, error) bool) {
	d, err := NewDefaultConfig(x)
	if errors.Is(err, domain.ErrNotFound) {
		return
	}
	if err != nil {
		yield(File{}, err)
		return
	}
	for _, name := range defaultFiles() {
		t, _ := resolveTo(name, NeedDefaults, "")
		if !yield(File{t, Records{Defaults: d}}, nil) {
			return
		}
	}
}

// resolveTo resolves name, and reports whether it names the record key
// rendered from need: what a request for name would be rendered from.
func resolveTo(name string, need Need, key string) (Target, bool) {
	t, ok := Resolve(name)
	return t, ok && t.Kind.Needs() == need && t.Key == key
}

// siteGateways yields every gateway's files; it reports false when yield
// asked to stop.
func siteGateways(x *domain.Index, yield func(File, error) bool) bool {
	for _, name := range x.Gateways() {
		c, err := x.GatewayConfig(name)
		if err != nil {
			if !yield(File{}, err) {
				return false
			}
			continue
		}
		for _, f := range GatewayFiles(c) {
			if t, ok := ResolveGateway(f, c); ok && !yield(File{t, Records{Gateway: c}}, nil) {
				return false
			}
		}
	}
	return true
}

// ResolveGateway resolves name, one of GatewayFiles(c), and reports
// whether a request for it would be rendered from the gateway c: whether
// it resolves to c's name (or, for an ATA, its port-2 name).
func ResolveGateway(name string, c *domain.GatewayConfig) (Target, bool) {
	t, ok := Resolve(name)
	if !ok || t.Kind.Needs() != NeedGateway {
		return t, false
	}
	g := &c.Gateway
	key := t.Key == g.Name || t.Kind == ATAXMLFile && g.MAC != "" && t.Key == domain.ATAPort2Name(g.MAC)
	return t, key && givesGateway(c, t)
}
