package render

import "cmtftp/internal/domain"

// Dep is one record a built file was rendered from: its kind and key, or
// the key AnyKey for a file that read every record of a kind (the default
// files read every group, pool, server and model; every file reads the
// parameters).
type Dep struct {
	Kind domain.Kind
	Key  string
}

// AnyKey is Dep's key for "every record of the kind".
const AnyKey = "*"

// Deps lists the records the file t was rendered from, read off the
// records Render was given — what the renderer read, not a second list
// kept by hand — so that a change of any other record leaves the file as
// it is. A device's file also depends on its login (key: the device),
// which may not exist yet.
func Deps(t Target, r Records) []Dep {
	params := []Dep{{domain.KindEnterprise, AnyKey}, {domain.KindService, AnyKey}}
	switch {
	case t.Kind.Needs() == NeedDevice && r.Device != nil:
		return append(deviceDeps(r.Device), params...)
	case t.Kind.Needs() == NeedGateway && r.Gateway != nil:
		return append(gatewayDeps(t, r.Gateway), params...)
	case t.Kind.Needs() == NeedDialPlan && r.DialPlan != nil:
		return []Dep{{domain.KindDialPlan, r.DialPlan.Name}}
	case t.Kind.Needs() == NeedSoftkey && r.Softkey != nil:
		return []Dep{{domain.KindSoftkey, r.Softkey.Name}}
	case t.Kind.Needs() == NeedDefaults && r.Defaults != nil:
		return append([]Dep{{domain.KindGroup, AnyKey}, {domain.KindPool, AnyKey}, {domain.KindServer, AnyKey},
			{domain.KindModel, AnyKey}}, params...)
	}
	return nil
}

func deviceDeps(c *domain.DeviceConfig) []Dep {
	d := []Dep{{domain.KindDevice, c.Device.Name}, {domain.KindModel, c.Model.Name}, {domain.KindPool, c.Pool.Name},
		{domain.KindGroup, c.Group.Name}, {domain.KindLogin, c.Device.Name}}
	for _, s := range c.Servers {
		d = append(d, Dep{domain.KindServer, s.Name})
	}
	for _, l := range c.Lines {
		d = append(d, Dep{domain.KindLine, l.Line.Number})
	}
	if c.Profile != nil {
		d = append(d, Dep{domain.KindProfile, c.Profile.Name})
	}
	if c.SIPProfile != nil {
		d = append(d, Dep{domain.KindSIPProfile, c.SIPProfile.Name})
	}
	if c.DialPlan != nil {
		d = append(d, Dep{domain.KindDialPlan, c.DialPlan.Name})
	}
	if c.Softkey != nil {
		d = append(d, Dep{domain.KindSoftkey, c.Softkey.Name})
	}
	return d
}
