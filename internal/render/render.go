// Package render renders the configuration files of the chapter's Table
// 11-3: records in, bytes out. It reads nothing itself — no store, no
// context, no I/O: the caller resolves a requested name (Resolve), loads
// the records its target needs (Kind.Needs) and calls Render. SiteFiles
// lists every file of a site held in memory. The same records always give
// the same bytes.
package render

import (
	"cmtftp/internal/domain"
	"errors"
	"fmt"
)

// Records holds the records one file is rendered from. Render reads only
// the field its target's Kind.Needs names; the others may be nil.
type Records struct {
	Device   *domain.DeviceConfig    // NeedDevice
	DialPlan *domain.DialPlan        // NeedDialPlan
	Softkey  *domain.SoftkeyTemplate // NeedSoftkey
	Defaults *DefaultConfig          // NeedDefaults
	Gateway  *domain.GatewayConfig   // NeedGateway
}

// ErrNotBuilt says that a name is not one of the built files (the caller
// looks elsewhere: custom files, disk …). Loaders wrap it around "no such
// record"; Render returns it when the records do not make the name: a
// device or gateway not given that file under Build CNF Files or its
// model's file families, or a dial plan of the other family.
var ErrNotBuilt = errors.New("render: not a built file")

// Render renders the file t from r, which holds the record t.Kind.Needs.
// It returns ErrNotBuilt (wrapped) when the records do not make t.Name,
// and another error when r lacks the record t needs (the caller's fault).
func Render(t Target, r Records) ([]byte, error) {
	switch t.Kind.Needs() {
	case NeedDevice:
		if r.Device != nil {
			return appendDevice(nil, t, r.Device)
		}
	case NeedDialPlan:
		if p := r.DialPlan; p != nil {
			if DialPlanFile(p) != t.Name {
				return nil, fmt.Errorf("%w: dial plan %q is of the %s family", ErrNotBuilt, p.Name, p.Family)
			}
			if t.Kind == DR79x1File {
				return DialPlan79x1(p), nil
			}
			return DialPlan7940(p), nil
		}
	case NeedSoftkey:
		if r.Softkey != nil {
			return Softkeys(r.Softkey), nil
		}
	case NeedDefaults:
		if d := r.Defaults; d != nil {
			return renderDefault(t, d), nil
		}
	case NeedGateway:
		if r.Gateway != nil {
			return appendGateway(nil, t, r.Gateway)
		}
	default:
		return nil, fmt.Errorf("%w: %q", ErrNotBuilt, t.Name)
	}
	return nil, fmt.Errorf("render: %s %q: no records given", t.Kind, t.Name)
}

// renderDefault renders the default file t.
func renderDefault(t Target, d *DefaultConfig) []byte {
	switch t.Kind {
	case XMLDefaultFile:
		return XMLDefault(d)
	case SEPDefaultFile:
		return SEPDefaultCnf(d)
	case SAADefaultFile:
		return SAADefaultCnf(d)
	case SDADefaultFile:
		return SDADefaultCnf(d)
	}
	return SIPDefaultCnf(d)
}

// AppendRender appends the file t, rendered from r, to dst and returns the
// extended slice: the bytes Render gives, into a buffer the caller reuses
// (cmtftp build renders a million files through a few). On an error (as
// Render's) it returns dst as it was.
func AppendRender(dst []byte, t Target, r Records) ([]byte, error) {
	if t.Kind.Needs() == NeedDevice && r.Device != nil {
		if dst == nil {
			dst = []byte{}
		}
		b, err := appendDevice(dst, t, r.Device)
		if err != nil {
			return dst, err
		}
		return b, nil
	}
	if t.Kind.Needs() == NeedGateway && r.Gateway != nil {
		b, err := appendGateway(dst, t, r.Gateway)
		if err != nil {
			return dst, err
		}
		return b, nil
	}
	b, err := Render(t, r)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// Sources lists the records the file t is rendered from, as "cmtftp show
// -v" prints them: "device SEP…", "line 4002 (button 1)", "dial plan
// office" … It reads r as Render does.
func Sources(t Target, r Records) []string {
	switch {
	case t.Kind.Needs() == NeedDevice && r.Device != nil:
		return deviceSources(r.Device)
	case t.Kind.Needs() == NeedGateway && r.Gateway != nil:
		return gatewaySources(r.Gateway)
	case t.Kind.Needs() == NeedDialPlan && r.DialPlan != nil:
		return []string{"dial plan " + r.DialPlan.Name}
	case t.Kind.Needs() == NeedSoftkey && r.Softkey != nil:
		return []string{"softkey template " + r.Softkey.Name}
	case t.Kind.Needs() == NeedDefaults && r.Defaults != nil:
		src := []string{"group " + r.Defaults.Group.Name, "parameters"}
		if t.Kind == XMLDefaultFile {
			src = append(src, "model catalogue")
		}
		return src
	}
	return nil
}
