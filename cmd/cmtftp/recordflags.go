package main

import (
	"cmtftp/internal/domain"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// recordFlags binds one flag per field of a record type, named after the
// field's JSON name in kebab case (softkeyTemplate → --softkey-template),
// or after its flag tag: `flag:"enabled,negate"` on a bool field hidden
// from JSON makes --enabled (default true) set the field to its negation.
// Lists take repeatable flags: --line BUTTON=NUMBER, --rule
// "pattern=4...;timeout=2", --set "On Hook=Redial,NewCall".
type recordFlags struct {
	fs     *pflag.FlagSet
	fields []flagField
}

type flagField struct {
	flag   string
	path   []int // field index path in the record struct
	typ    reflect.Type
	value  any  // *string, *int, *bool, *[]string
	negate bool // a bool flag sets the field to its negation
}

// fieldName returns the name a field's flag is made from — its flag tag,
// else its JSON name — and whether the flag is the field negated.
func fieldName(f reflect.StructField) (name string, negate bool) {
	if tag, ok := f.Tag.Lookup("flag"); ok {
		name, opt, _ := strings.Cut(tag, ",")
		return name, opt == "negate"
	}
	name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
	return name, false
}

// newRecordFlags binds the flags of kind k: every field but the key (a
// positional argument) and the fields the store sets.
func newRecordFlags(fs *pflag.FlagSet, k domain.Kind) *recordFlags {
	rf := &recordFlags{fs: fs}
	ki, _ := domain.Describe(k)
	rf.walk(reflect.TypeOf(ki.New()).Elem(), nil, "", ki)
	return rf
}

func (rf *recordFlags) walk(t reflect.Type, path []int, prefix string, ki domain.KindInfo) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, negate := fieldName(f)
		if name == "" || name == "-" || ki.IsStored(name) || (prefix == "" && name == ki.KeyField) {
			continue
		}
		p := append(append([]int{}, path...), i)
		flag := kebab(name)
		if prefix != "" {
			flag = kebab(name) + "-" + prefix
		}
		ff := flagField{flag: flag, path: p, typ: f.Type, negate: negate}
		switch {
		case f.Type.Kind() == reflect.String:
			ff.value = rf.fs.String(flag, "", "")
		case f.Type.Kind() == reflect.Int:
			ff.value = rf.fs.Int(flag, 0, "")
		case f.Type.Kind() == reflect.Bool:
			ff.value = rf.fs.Bool(flag, negate, "")
		case f.Type == reflect.TypeOf(domain.URLs{}):
			rf.walk(f.Type, p, "url", ki)
			continue
		case f.Type == reflect.TypeOf([]string{}):
			ff.value = rf.fs.StringSlice(flag, nil, "comma-separated list, in order")
		case f.Type == reflect.TypeOf([]domain.Appearance{}):
			ff.flag = "line"
			ff.value = rf.fs.StringArray("line", nil, "BUTTON=NUMBER, repeatable (replaces the list)")
		case f.Type == reflect.TypeOf([]domain.DialRule{}):
			ff.flag = "rule"
			ff.value = rf.fs.StringArray("rule", nil, `"pattern=4...;timeout=0;user=phone;rewrite=…;tone=…", repeatable, in order (replaces the list)`)
		case f.Type == reflect.TypeOf([]domain.SoftkeySet{}):
			ff.flag = "set"
			ff.value = rf.fs.StringArray("set", nil, `"On Hook=Redial,NewCall", repeatable (replaces the list)`)
		case f.Type == reflect.TypeOf(map[string]string{}) && name == "vendorConfig":
			ff.flag = "vendor"
			ff.value = rf.fs.StringArray("vendor", nil, usageVendor)
		case f.Type == reflect.TypeOf([]domain.GatewayUnit{}):
			ff.flag = "unit"
			ff.value = rf.fs.StringArray("unit", nil, usageUnit)
			rf.fields = append(rf.fields, ff) // --unit first: --subunit fills the units it made
			ff = flagField{flag: "subunit", path: p, typ: f.Type, value: rf.fs.StringArray("subunit", nil, usageSubunit)}
		case f.Type == reflect.TypeOf([]domain.GatewayEndpoint{}):
			ff.flag = "endpoint"
			ff.value = rf.fs.StringArray("endpoint", nil, usageEndpoint)
		default:
			continue
		}
		if u := rf.fs.Lookup(ff.flag); u != nil && u.Usage == "" {
			u.Usage = "sets " + name
			if negate {
				u.Usage += "; --" + flag + "=false turns it off"
			}
		}
		rf.fields = append(rf.fields, ff)
	}
}

// apply copies the flags the user gave into e; other fields keep their values.
func (rf *recordFlags) apply(e domain.Entity) error {
	v := reflect.ValueOf(e).Elem()
	for _, ff := range rf.fields {
		if !rf.fs.Changed(ff.flag) {
			continue
		}
		dst := v.FieldByIndex(ff.path)
		switch x := ff.value.(type) {
		case *string:
			dst.SetString(*x)
		case *int:
			dst.SetInt(int64(*x))
		case *bool:
			dst.SetBool(*x != ff.negate)
		case *[]string:
			if err := setList(ff, dst, *x); err != nil {
				return err
			}
		}
	}
	return nil
}

// setList sets the list field dst from the values of its repeatable flag.
func setList(ff flagField, dst reflect.Value, x []string) error {
	var v any
	var err error
	switch {
	case ff.typ == reflect.TypeOf([]string{}):
		v = append([]string{}, x...)
	case ff.typ == reflect.TypeOf([]domain.Appearance{}):
		v, err = parseAppearances(x)
	case ff.typ == reflect.TypeOf([]domain.DialRule{}):
		v, err = parseRules(x)
	case ff.typ == reflect.TypeOf([]domain.SoftkeySet{}):
		v, err = parseSets(x)
	case ff.flag == "vendor":
		v, err = applyVendor(dst.Interface().(map[string]string), x)
	case ff.flag == "unit":
		v, err = parseUnits(x)
	case ff.flag == "subunit":
		v, err = applySubunits(dst.Interface().([]domain.GatewayUnit), x)
	case ff.flag == "endpoint":
		v, err = parseEndpoints(x)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	dst.Set(reflect.ValueOf(v))
	return nil
}

func parseAppearances(in []string) ([]domain.Appearance, error) {
	out := []domain.Appearance{}
	for i, s := range in {
		b, n, ok := strings.Cut(s, "=")
		button, err := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err != nil {
			// A bare number goes on the next button.
			if strings.TrimSpace(s) != "" && !strings.Contains(s, "=") {
				out = append(out, domain.Appearance{Button: i + 1, Line: strings.TrimSpace(s)})
				continue
			}
			return nil, fmt.Errorf("--line %q: want BUTTON=NUMBER, e.g. 1=4001", s)
		}
		out = append(out, domain.Appearance{Button: button, Line: strings.TrimSpace(n)})
	}
	return out, nil
}

func parseRules(in []string) ([]domain.DialRule, error) {
	out := []domain.DialRule{}
	for _, s := range in {
		var r domain.DialRule
		for _, kv := range strings.Split(s, ";") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				if r.Pattern == "" && kv != "" { // a bare first item is the pattern
					r.Pattern = kv
					continue
				}
				return nil, fmt.Errorf("--rule %q: want key=value pairs separated by ;", s)
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "pattern", "match":
				r.Pattern = v
			case "timeout":
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("--rule %q: timeout %q is not a number", s, v)
				}
				r.Timeout = n
			case "user":
				r.User = v
			case "rewrite":
				r.Rewrite = v
			case "tone":
				r.Tone = v
			case "route":
				r.Route = v
			case "line":
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("--rule %q: line %q is not a number", s, v)
				}
				r.Line = n
			default:
				return nil, fmt.Errorf("--rule %q: unknown key %q (pattern, timeout, user, rewrite, tone, route, line)", s, k)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func parseSets(in []string) ([]domain.SoftkeySet, error) {
	out := []domain.SoftkeySet{}
	for _, s := range in {
		state, keys, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want \"STATE=Key,Key\", e.g. \"On Hook=Redial,NewCall\"", s)
		}
		set := domain.SoftkeySet{State: strings.TrimSpace(state), Keys: []string{}}
		for _, k := range strings.Split(keys, ",") {
			if k = strings.TrimSpace(k); k != "" {
				set.Keys = append(set.Keys, k)
			}
		}
		out = append(out, set)
	}
	return out, nil
}
