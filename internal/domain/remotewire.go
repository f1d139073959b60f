package domain

import (
	"bytes"
	"encoding/json"
)

// remoteFields is RemoteCluster without its methods, so the wire forms
// below can embed it without calling themselves.
type remoteFields RemoteCluster

// remoteWire is how a remote cluster looks in JSON and YAML: its fields
// and "enabled", the negation of Disabled.
type remoteWire struct {
	remoteFields `yaml:",inline"`
	Enabled      bool `json:"enabled" yaml:"enabled"`
}

func (r *RemoteCluster) wire() remoteWire {
	return remoteWire{remoteFields: remoteFields(*r), Enabled: !r.Disabled}
}

func (r *RemoteCluster) setWire(w remoteWire) {
	*r = RemoteCluster(w.remoteFields)
	r.Disabled = !w.Enabled
}

// MarshalJSON writes the cluster with "enabled" in place of Disabled.
func (r *RemoteCluster) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

// UnmarshalJSON reads the form MarshalJSON writes; a missing "enabled"
// leaves the cluster as it was (enabled, for a new one). Unknown fields are
// errors, as everywhere the API reads records.
func (r *RemoteCluster) UnmarshalJSON(b []byte) error {
	w := r.wire()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	r.setWire(w)
	return nil
}

// MarshalYAML writes the cluster with "enabled" in place of Disabled.
func (r *RemoteCluster) MarshalYAML() (any, error) { return r.wire(), nil }

// UnmarshalYAML reads the form MarshalYAML writes; a missing "enabled"
// leaves the cluster as it was (enabled, for a new one). It takes the
// decoder's own unmarshal function, so the decoder's known-fields check
// applies inside the record too.
func (r *RemoteCluster) UnmarshalYAML(unmarshal func(any) error) error {
	w := r.wire()
	if err := unmarshal(&w); err != nil {
		return err
	}
	r.setWire(w)
	return nil
}
