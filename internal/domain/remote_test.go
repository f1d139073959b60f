package domain

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRemoteServerAddr(t *testing.T) {
	for _, tc := range []struct {
		in, host string
		port     int
		err      string // part of the error; "" for none
	}{
		{"192.0.2.31", "192.0.2.31", RemoteHTTPPort, ""},
		{" 192.0.2.32:8080 ", "192.0.2.32", 8080, ""},
		{"[::1]", "::1", RemoteHTTPPort, ""},
		{"[2001:db8::1]:6970", "2001:db8::1", 6970, ""},
		{"tftp-b.example.net", "tftp-b.example.net", RemoteHTTPPort, ""},
		{"TFTP-B.Example.NET.:1", "TFTP-B.Example.NET.", 1, ""},
		{"b", "b", RemoteHTTPPort, ""},
		{"", "", 0, "is empty"},
		{"http://192.0.2.31", "", 0, "give host[:port]"},
		{"192.0.2.31/files", "", 0, "without a path"},
		{"admin@192.0.2.31", "", 0, "user info"},
		{"2001:db8::1", "", 0, "in brackets: [2001:db8::1]"},
		{"[2001:db8::1", "", 0, "brackets hold an IPv6"},
		{"[192.0.2.1]", "", 0, "brackets hold an IPv6"},
		{"[fe80::1%eth0]", "", 0, "without a zone"},
		{"[::1]x", "", 0, "nothing or :port"},
		{"192.0.2.31:0", "", 0, "1–65535"},
		{"192.0.2.31:65536", "", 0, "1–65535"},
		{"192.0.2.31:http", "", 0, "1–65535"},
		{"192.0.2.31:", "", 0, "port after : is missing"},
		{"192.0.2.300", "", 0, "not an IPv4 address or a host name"},
		{"-b.example.net", "", 0, "not an IPv4 address or a host name"},
		{"b_c", "", 0, "not an IPv4 address or a host name"},
		{"a:b:c", "", 0, "not host[:port]"},
	} {
		host, port, err := RemoteServerAddr(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("RemoteServerAddr(%q) = %q, %d, %v; want an error with %q", tc.in, host, port, err, tc.err)
			}
			continue
		}
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("RemoteServerAddr(%q) = %q, %d, %v; want %q, %d", tc.in, host, port, err, tc.host, tc.port)
		}
	}
}

func TestNormRemote(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      RemoteCluster
		servers []string // after normalisation
		field   string   // the field named by the error; "" for none
	}{
		{"normalised", RemoteCluster{Name: "B", Servers: []string{" TFTP-B.Example.net ", "[2001:DB8::1]:6970", "192.0.2.31"}},
			[]string{"tftp-b.example.net", "[2001:DB8::1]:6970", "192.0.2.31"}, ""},
		{"no name", RemoteCluster{Servers: []string{"b"}}, nil, "name"},
		{"spaces in name", RemoteCluster{Name: " B", Servers: []string{"b"}}, nil, "name"},
		{"negative priority", RemoteCluster{Name: "B", Priority: -1, Servers: []string{"b"}}, nil, "priority"},
		{"no servers", RemoteCluster{Name: "B"}, nil, "servers"},
		{"four servers", RemoteCluster{Name: "B", Servers: []string{"a", "b", "c", "d"}}, nil, "servers"},
		{"bad server", RemoteCluster{Name: "B", Servers: []string{"a", "http://b"}}, nil, "servers[1]"},
		{"duplicate name", RemoteCluster{Name: "B", Servers: []string{"b", "B:6970"}}, nil, "servers[1]"},
		{"duplicate IPv6", RemoteCluster{Name: "B", Servers: []string{"[2001:db8::1]", "[2001:db8:0::1]:6970"}}, nil, "servers[1]"},
		{"same host, other port", RemoteCluster{Name: "B", Servers: []string{"b", "b:8080"}}, []string{"b", "b:8080"}, ""},
		{"control character", RemoteCluster{Name: "B", Servers: []string{"b"}, Description: "a\x00"}, nil, "description"},
	} {
		r := tc.in
		err := Normalize(&r)
		var fe *FieldError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field == "" && !slices.Equal(r.Servers, tc.servers):
			t.Errorf("%s: servers %q, want %q", tc.name, r.Servers, tc.servers)
		case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s: error %v, want a field error on %s", tc.name, err, tc.field)
		}
	}
}

// TestRemoteWire: "enabled" on the wire, Disabled in the struct, default
// true, and unknown fields refused in JSON and YAML.
func TestRemoteWire(t *testing.T) {
	r := &RemoteCluster{Name: "B", Priority: 2, Disabled: true, Servers: []string{"b"}}
	j, err := json.Marshal(r)
	if err != nil || string(j) != `{"name":"B","priority":2,"servers":["b"],"enabled":false}` {
		t.Errorf("JSON %s, %v", j, err)
	}
	y, err := yaml.Marshal(r)
	if err != nil || string(y) != "name: B\npriority: 2\nservers:\n    - b\nenabled: false\n" {
		t.Errorf("YAML %q, %v", y, err)
	}
	for _, tc := range []struct {
		doc      string
		disabled bool
	}{{`{"name":"B","servers":["b"]}`, false}, {`{"name":"B","servers":["b"],"enabled":false}`, true},
		{`{"name":"B","servers":["b"],"enabled":true}`, false}} {
		var got RemoteCluster
		if err := json.Unmarshal([]byte(tc.doc), &got); err != nil || got.Disabled != tc.disabled || got.Name != "B" {
			t.Errorf("JSON %s: %+v, %v", tc.doc, got, err)
		}
		got = RemoteCluster{}
		if err := yaml.Unmarshal([]byte(tc.doc), &got); err != nil || got.Disabled != tc.disabled || got.Servers[0] != "b" {
			t.Errorf("YAML %s: %+v, %v", tc.doc, got, err)
		}
	}
	var got RemoteCluster
	if err := json.Unmarshal([]byte(`{"name":"B","disabled":true}`), &got); err == nil {
		t.Errorf("JSON: unknown field disabled accepted: %+v", got)
	}
	var site Site
	dec := yaml.NewDecoder(strings.NewReader("remoteClusters:\n  - name: B\n    disabled: true\n"))
	dec.KnownFields(true)
	if err := dec.Decode(&site); err == nil {
		t.Errorf("YAML: unknown field disabled accepted: %+v", site.RemoteClusters[0])
	}
}

// TestRemoteSiteOrder: in a site document a cluster without a priority
// gets its 1-based position; a given priority is kept.
func TestRemoteSiteOrder(t *testing.T) {
	s := &Site{RemoteClusters: []*RemoteCluster{{Name: "C"}, {Name: "A", Priority: 7}, {Name: "B"}}}
	var got []int
	for _, e := range s.Entities() {
		got = append(got, e.(*RemoteCluster).Priority)
	}
	if !slices.Equal(got, []int{1, 7, 3}) {
		t.Errorf("priorities %v, want [1 7 3]", got)
	}
	if ki, _ := Describe(KindRemote); ki.CLI == nil || Kinds()[len(Kinds())-1] != KindRemote {
		t.Errorf("remote kind: %+v", ki)
	}
}
