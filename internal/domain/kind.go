package domain

import (
	"fmt"
	"slices"
)

// Kind names one kind of record. It is also the kind of a change event, the
// path segment of the admin API (/api/v1/<kind>s) and the key in a site file.
type Kind string

// The kinds of records, in dependency order: a record refers only to kinds
// listed before it. Each is described once, in kindTable.
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
	KindGateway    Kind = "gateway"
	KindProfile    Kind = "profile"
	KindLogin      Kind = "login"
	KindEnterprise Kind = "enterprise"
	KindService    Kind = "service"
	KindFile       Kind = "file"
	KindRemote     Kind = "remote"
)

// Entity is one record of the configuration database.
type Entity interface {
	// Kind returns the record's kind.
	Kind() Kind
	// Key returns the record's unique name within its kind.
	Key() string
}

// Ref is a reference from a field of a record to another record.
type Ref struct {
	Field string // JSON name of the referring field
	Kind  Kind
	Key   string
}

// KindInfo describes one record kind: what the store, the admin API, the
// CLI and site documents need to know about it. Get one with Describe.
type KindInfo struct {
	Kind Kind
	// KeyField is the JSON name of the key field (a positional argument on
	// the CLI).
	KeyField string
	// Stored lists the JSON fields the store sets; they are never flags or
	// input.
	Stored []string
	// CLI describes the record commands (cmtftp KIND add|list|show|set|rm);
	// nil for kinds with commands of their own (em, param, file).
	CLI *KindCLI

	new       func() Entity
	setKey    func(Entity, string)
	normalize func(Entity) error
	refs      func(Entity) []Ref
	list      func(*Site) []Entity
	add       func(*Site, Entity)
}

// KindCLI is the command-line face of a kind.
type KindCLI struct {
	Short   string
	Aliases []string
	Columns []string // JSON field names shown by list
	Example string
}

// New returns a zero record of the kind, for decoding into.
func (k KindInfo) New() Entity { return k.new() }

// Refs returns the references of e (of this kind) to other records.
func (k KindInfo) Refs(e Entity) []Ref {
	if k.refs == nil {
		return nil
	}
	return k.refs(e)
}

// Kinds lists every record kind in dependency order (apply creates in this
// order and deletes in the reverse).
func Kinds() []Kind {
	out := make([]Kind, len(kindTable))
	for i, k := range kindTable {
		out[i] = k.Kind
	}
	return out
}

// Describe returns the description of kind k.
func Describe(k Kind) (KindInfo, bool) {
	for _, ki := range kindTable {
		if ki.Kind == k {
			return ki, true
		}
	}
	return KindInfo{}, false
}

// ParseKind returns the Kind named s, accepting the plural form too.
func ParseKind(s string) (Kind, error) {
	for _, k := range kindTable {
		if string(k.Kind) == s || string(k.Kind)+"s" == s {
			return k.Kind, nil
		}
	}
	return "", fmt.Errorf("store: unknown kind %q", s)
}

// New returns a zero record of kind k, for decoding into.
func New(k Kind) (Entity, error) {
	ki, ok := Describe(k)
	if !ok {
		return nil, fmt.Errorf("store: unknown kind %q", k)
	}
	return ki.new(), nil
}

// SetKey sets the field that is e's key (name, number, device …).
func SetKey(e Entity, key string) {
	if ki, ok := Describe(e.Kind()); ok {
		ki.setKey(e, key)
	}
}

// Refs returns the references of e to other records, in field order.
func Refs(e Entity) []Ref {
	ki, _ := Describe(e.Kind())
	return ki.Refs(e)
}

// describe builds the KindInfo of a record type P (a pointer to a struct):
// key points at its key field, site at its list in a site document.
func describe[T any, P interface {
	*T
	Entity
}](k Kind, keyField string, key func(P) *string, site func(*Site) *[]P, norm func(P) error, refs func(P) []Ref) KindInfo {
	ki := KindInfo{
		Kind:      k,
		KeyField:  keyField,
		new:       func() Entity { return P(new(T)) },
		setKey:    func(e Entity, s string) { *key(e.(P)) = s },
		normalize: func(e Entity) error { return norm(e.(P)) },
		list: func(s *Site) []Entity {
			l := *site(s)
			out := make([]Entity, len(l))
			for i, e := range l {
				out[i] = e
			}
			return out
		},
		add: func(s *Site, e Entity) { l := site(s); *l = append(*l, e.(P)) },
	}
	if refs != nil {
		ki.refs = func(e Entity) []Ref { return refs(e.(P)) }
	}
	return ki
}

// withCLI returns ki with its command-line face.
func (k KindInfo) withCLI(c KindCLI) KindInfo { k.CLI = &c; return k }

// withStored returns ki with the fields the store sets.
func (k KindInfo) withStored(fields ...string) KindInfo { k.Stored = fields; return k }

// IsStored reports whether the JSON field name is one the store sets.
func (k KindInfo) IsStored(field string) bool { return slices.Contains(k.Stored, field) }
