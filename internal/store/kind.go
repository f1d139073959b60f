// Package store owns cmtftp's configuration database: the domain records the
// builders need, the Store interface both backends implement, and the change
// feed that tells the serving chain what to rebuild.
package store

import "fmt"

// Kind names one kind of record. It is also the kind of a change event, the
// path segment of the admin API (/api/v1/<kind>s) and the key in a site file.
type Kind string

// The kinds of records, in dependency order: a record refers only to kinds
// listed before it.
const (
	KindServer     Kind = "server"
	KindGroup      Kind = "group"
	KindPool       Kind = "pool"
	KindModel      Kind = "model"
	KindLine       Kind = "line"
	KindSIPProfile Kind = "sipprofile"
	KindDialPlan   Kind = "dialplan"
	KindSoftkey    Kind = "softkey"
	KindDevice     Kind = "device"
	KindProfile    Kind = "profile"
	KindLogin      Kind = "login"
	KindEnterprise Kind = "enterprise"
	KindService    Kind = "service"
	KindFile       Kind = "file"
)

// KindResync is a change event that says "events were lost (the change log
// was pruned past the reader): treat everything as changed".
const KindResync Kind = "resync"

// Kinds lists every record kind in dependency order (apply creates in this
// order and deletes in the reverse).
var Kinds = []Kind{KindServer, KindGroup, KindPool, KindModel, KindLine, KindSIPProfile,
	KindDialPlan, KindSoftkey, KindDevice, KindProfile, KindLogin, KindEnterprise, KindService, KindFile}

// ParseKind returns the Kind named s, accepting the plural form too.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s || string(k)+"s" == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("store: unknown kind %q", s)
}

// Entity is one record of the configuration database.
type Entity interface {
	// Kind returns the record's kind.
	Kind() Kind
	// Key returns the record's unique name within its kind.
	Key() string
}

// New returns a zero record of kind k, for decoding into.
func New(k Kind) (Entity, error) {
	switch k {
	case KindServer:
		return &Server{}, nil
	case KindGroup:
		return &Group{}, nil
	case KindPool:
		return &Pool{}, nil
	case KindModel:
		return &Model{}, nil
	case KindLine:
		return &Line{}, nil
	case KindSIPProfile:
		return &SIPProfile{}, nil
	case KindDialPlan:
		return &DialPlan{}, nil
	case KindSoftkey:
		return &SoftkeyTemplate{}, nil
	case KindDevice:
		return &Device{}, nil
	case KindProfile:
		return &DeviceProfile{}, nil
	case KindLogin:
		return &Login{}, nil
	case KindEnterprise:
		return &Param{Scope: KindEnterprise}, nil
	case KindService:
		return &Param{Scope: KindService}, nil
	case KindFile:
		return &CustomFile{}, nil
	}
	return nil, fmt.Errorf("store: unknown kind %q", k)
}

// SetKey sets the field that is e's key (name, number, device …).
func SetKey(e Entity, key string) {
	switch v := e.(type) {
	case *Server:
		v.Name = key
	case *Group:
		v.Name = key
	case *Pool:
		v.Name = key
	case *Model:
		v.Name = key
	case *Line:
		v.Number = key
	case *SIPProfile:
		v.Name = key
	case *DialPlan:
		v.Name = key
	case *SoftkeyTemplate:
		v.Name = key
	case *Device:
		v.Name = key
	case *DeviceProfile:
		v.Name = key
	case *Login:
		v.Device = key
	case *Param:
		v.Name = key
	case *CustomFile:
		v.Name = key
	}
}
