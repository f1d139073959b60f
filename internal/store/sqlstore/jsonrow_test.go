package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeRow(t *testing.T) {
	for _, s := range []string{
		`[]`, ` [ ] `, `["a",1,null,true,false,-2.5e3]`, `["with \"escape\"", "tab\t", "Zoë"]`,
		`["[\"nested\",\"json\"]",{"x":1}]`, `[1,]`, `[`, `["a" "b"]`, `[nul]`, `["a"] x`, `[1e999]`, `["\u00e9"]`,
	} {
		want := []any(nil)
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := decodeRow(s)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("decodeRow(%q) error %v, json.Unmarshal %v", s, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("decodeRow(%q) = %#v, want %#v", s, got, want)
		}
	}
}

func FuzzDecodeRow(f *testing.F) {
	f.Add(`["a",1,null,true]`)
	f.Add(`["\"",2e5,false]`)
	f.Fuzz(func(t *testing.T, s string) {
		var want []any
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := decodeRow(s)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decodeRow(%q) error %v, json.Unmarshal %v", s, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("decodeRow(%q) = %#v, want %#v", s, got, want)
		}
	})
}
