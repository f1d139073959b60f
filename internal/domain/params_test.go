package domain

import (
	"errors"
	"testing"
)

func TestParamNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{ParamBuildCNFFiles, "build  ALL", BuildAll, true},
		{ParamBuildCNFFiles, "Build Some", "", false},
		{ParamMaxServingCount, " 500 ", "500", true},
		{ParamMaxServingCount, "0", "", false},
		{ParamMaxServingCount, "1e3", "", false},
		{ParamLogMissedFiles, "TRUE", "true", true},
		{ParamLogMissedFiles, "yes", "", false},
		{"AlternateFileLocation10", "/srv/tftp2", "/srv/tftp2", true},
		{"AlternateFileLocation1", "srv", "", false},
		{"servicesURL", "https://example.net/svc", "https://example.net/svc", true},
		{"servicesURL", "ftp://example.net/", "", false},
		{"servicesURL", "", "", true},
		{"proxyServerURL", "proxy:8080\n", "", false},
	} {
		d, found := FindParam(tc.name)
		if !found {
			t.Fatalf("no parameter %s", tc.name)
		}
		got, err := d.Normalize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%s %q = %q, %v; want %q ok=%v", tc.name, tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestEffectiveParams(t *testing.T) {
	v := EffectiveParams([]Param{
		{Scope: KindService, Name: "maxservingcount", Value: "300"},
		{Scope: KindService, Name: ParamBuildCNFFiles, Value: "garbage typed in SQL"},
		{Scope: KindService, Name: "AlternateFileLocation2", Value: "/b"},
		{Scope: KindService, Name: "AlternateFileLocation1", Value: "/a"},
		{Scope: KindEnterprise, Name: ParamMaxServingCount, Value: "1"}, // wrong scope: ignored
	})
	if v.Int(ParamMaxServingCount) != 300 || v[ParamBuildCNFFiles] != BuildSelective || !v.Bool(ParamCacheConfigFiles) {
		t.Errorf("effective: %v", v)
	}
	if alt := v.AlternateFileLocations(); len(alt) != 2 || alt[0] != "/a" || alt[1] != "/b" {
		t.Errorf("alternate locations in order: %v", alt)
	}
	// The defaults are not shared between calls.
	v[ParamMaxServingCount] = "7"
	if EffectiveParams(nil)[ParamMaxServingCount] != "200" {
		t.Error("EffectiveParams returned a shared map")
	}
}

func TestCatalogue(t *testing.T) {
	types := map[int]string{}
	selective := 0
	for _, m := range Catalogue() {
		m := m
		if err := Normalize(&m); err != nil {
			t.Errorf("model %s: %v", m.Name, err)
		}
		if other, dup := types[m.TypeID]; dup {
			t.Errorf("type ID %d used by %s and %s", m.TypeID, other, m.Name)
		}
		types[m.TypeID] = m.Name
		if m.BuildSelective {
			selective++
		}
		if m.XMLConfig && m.Supports(ProtocolSCCP) && len(m.SCCPFiles) == 0 {
			t.Errorf("model %s reads XML config under SCCP but gets no files", m.Name)
		}
	}
	// Table 11-1: 30 SP+, 12 SP+, 12 SP, 12 S, 30 VIP, 7935, SCCP phone, VEGA, UOne.
	if selective != 9 {
		t.Errorf("%d Build Selective models, want the 9 of Table 11-1", selective)
	}
}

func TestNormalizeDevice(t *testing.T) {
	for _, tc := range []struct {
		d     Device
		name  string
		field string
	}{
		{Device{MAC: "00:11:22:aa:bb:cc", Model: "7961", Pool: "P"}, "SEP001122AABBCC", ""},
		{Device{Name: "sep001122aabbcc", Model: "7961", Pool: "P"}, "SEP001122AABBCC", ""},
		{Device{Name: "SEP001122AABBCC", MAC: "0011.22aa.bbcc", Model: "7961", Pool: "P"}, "SEP001122AABBCC", ""},
		{Device{Name: "VG224-1", Model: "Analog Access", Pool: "P"}, "VG224-1", ""},
		{Device{Name: "SEP001122AABBCC", MAC: "001122AABBCD", Model: "7961", Pool: "P"}, "", "mac"},
		{Device{Name: "SEP12", Model: "7961", Pool: "P"}, "", "name"},
		{Device{MAC: "001122AABBCC", Pool: "P"}, "", "model"},
		{Device{MAC: "001122AABBCC", Model: "7961", Pool: "P", Protocol: "H323"}, "", "protocol"},
		{Device{MAC: "001122AABBCC", Model: "7961", Pool: "P", SecurityMode: "paranoid"}, "", "securityMode"},
		{Device{MAC: "001122AABBCC", Model: "7961", Pool: "P", URLs: URLs{Services: "javascript:alert(1)"}}, "", "urls.services"},
		{Device{MAC: "001122AABBCC", Model: "7961", Pool: "P", Lines: []Appearance{{1, "4001"}, {1, "4002"}}}, "", "lines[1].button"},
		{Device{MAC: "001122AABBCC", Model: "7961", Pool: "P", Description: "tab\there"}, "", "description"},
	} {
		d := tc.d
		err := Normalize(&d)
		var fe *FieldError
		switch {
		case tc.field == "" && (err != nil || d.Name != tc.name):
			t.Errorf("%+v: %v, name %q", tc.d, err, d.Name)
		case tc.field != "" && (!asField(err, &fe) || fe.Field != tc.field):
			t.Errorf("%+v: %v, want an error on %s", tc.d, err, tc.field)
		}
	}
}

func asField(err error, fe **FieldError) bool {
	return errors.As(err, fe)
}
