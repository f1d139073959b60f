// Package render renders the configuration files of the chapter's Table
// 11-3 from store records: pure functions, records in, bytes out, no I/O.
// The same records always give the same bytes.
package render

import (
	"cmtftp/internal/domain"
	"errors"
	"fmt"
	"strings"
)

// Records is where Render finds the records a file is built from: an
// in-memory domain.Index, or the database through an adapter.
type Records interface {
	DeviceConfig(name string) (*domain.DeviceConfig, error)
	DialPlan(name string) (*domain.DialPlan, error)
	Softkey(name string) (*domain.SoftkeyTemplate, error)
	Defaults() (*DefaultConfig, error)
}

// ErrNotBuilt says that a name is not one of the built files (the caller
// looks elsewhere: custom files, disk …).
var ErrNotBuilt = errors.New("render: not a built file")

// Render builds the file a device would get for name. It returns the bytes
// and the records they came from ("device SEP…", "dial plan office" …), or
// ErrNotBuilt when no builder makes that name from the records — including
// a device that exists but is not given that file under the current Build
// CNF Files value or its model's file families.
func Render(name string, r Records) ([]byte, []string, error) {
	t, ok := Resolve(name)
	if !ok {
		return nil, nil, ErrNotBuilt
	}
	notBuilt := func(err error) error {
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("%w: %v", ErrNotBuilt, err)
		}
		return err
	}
	switch t.Kind {
	case XMLDefaultFile, SEPDefaultFile, SIPDefaultFile:
		d, err := r.Defaults()
		if err != nil {
			return nil, nil, notBuilt(err)
		}
		src := []string{"group " + d.Group.Name, "parameters"}
		switch t.Kind {
		case XMLDefaultFile:
			return XMLDefault(d), append(src, "model catalogue"), nil
		case SEPDefaultFile:
			return SEPDefaultCnf(d), src, nil
		}
		return SIPDefaultCnf(d), src, nil
	case DR79x1File, Dial7940File:
		p, err := r.DialPlan(t.Key)
		if err != nil {
			return nil, nil, notBuilt(err)
		}
		if DialPlanFile(p) != name {
			return nil, nil, fmt.Errorf("%w: dial plan %q is of the %s family", ErrNotBuilt, p.Name, p.Family)
		}
		if t.Kind == DR79x1File {
			return DialPlan79x1(p), []string{"dial plan " + p.Name}, nil
		}
		return DialPlan7940(p), []string{"dial plan " + p.Name}, nil
	case SoftkeyXMLFile:
		s, err := r.Softkey(t.Key)
		if err != nil {
			return nil, nil, notBuilt(err)
		}
		return Softkeys(s), []string{"softkey template " + s.Name}, nil
	}
	c, err := r.DeviceConfig(t.Key)
	if err != nil {
		return nil, nil, notBuilt(err)
	}
	gets := false
	for _, f := range DeviceFiles(c, c.Params[domain.ParamBuildCNFFiles]) {
		gets = gets || f == name || (t.Kind == DeviceXMLFile || t.Kind == LegacyCnfFile || t.Kind == SIPCnfFile) && strings.EqualFold(f, name)
	}
	if !gets {
		return nil, nil, fmt.Errorf("%w: device %s (model %s, %s) does not get %s under %s", ErrNotBuilt, c.Device.Name,
			c.Model.Name, c.Device.Protocol, name, c.Params[domain.ParamBuildCNFFiles])
	}
	b, _ := Build(t, c)
	return b, Sources(c), nil
}

// FromIndex makes an in-memory domain.Index a Records.
func FromIndex(x *domain.Index) Records { return indexRecords{x} }

type indexRecords struct{ *domain.Index }

func (r indexRecords) Defaults() (*DefaultConfig, error) {
	g, servers, err := r.DefaultGroup()
	if err != nil {
		return nil, err
	}
	return &DefaultConfig{Group: g, Servers: servers, Models: r.Models(), Params: r.Params()}, nil
}
