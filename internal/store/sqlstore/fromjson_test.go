package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestFromJSONEmpty: fromJSON's short cut for empty objects and arrays
// leaves every destination as json.Unmarshal would (nil or not before,
// map or slice, or a type the short cut does not take).
func TestFromJSONEmpty(t *testing.T) {
	type urls map[string]string
	cases := []struct {
		name string
		json string
		dest func() any // a fresh destination
	}{
		{"nil map", "{}", func() any { return new(map[string]string) }},
		{"named map", "{}", func() any { return new(urls) }},
		{"full map", "{}", func() any { m := map[string]string{"a": "b"}; return &m }},
		{"nil slice", "[]", func() any { return new([]string) }},
		{"full slice", "[]", func() any { s := []int{1, 2}; return &s }},
		{"struct slice", "[]", func() any { return new([]struct{ A int }) }},
		{"object into struct", "{}", func() any { return new(struct{ A int }) }},
		{"array into array", "[]", func() any { return new([2]int) }},
		{"array into map", "[]", func() any { return new(map[string]int) }},
		{"not empty", `{"a":"b"}`, func() any { return new(map[string]string) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, want := c.dest(), c.dest()
			gerr := fromJSON(c.json, got)
			werr := json.Unmarshal([]byte(c.json), want)
			if (gerr == nil) != (werr == nil) {
				t.Fatalf("error %v, json.Unmarshal's %v", gerr, werr)
			}
			g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
			if !reflect.DeepEqual(got, want) || nilness(g) != nilness(w) {
				t.Errorf("%s: %#v (nil %v), json.Unmarshal gives %#v (nil %v)", c.json, g, nilness(g), w, nilness(w))
			}
		})
	}
}

// nilness reports whether v is a nil map or slice.
func nilness(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}
