package domain

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestFileYAML: a site document's custom file round-trips as text, as
// base64, or — a file too large to carry — by size and SHA-256; a record
// mixing the forms is refused.
func TestFileYAML(t *testing.T) {
	const sum = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	for _, tc := range []struct {
		name string
		in   CustomFile
		want string // in the YAML
	}{
		{"text", CustomFile{Name: "a.txt", Data: []byte("hello\n")}, "text: |"},
		{"binary", CustomFile{Name: "b.bin", Data: []byte{0, 1, 2}}, "base64: AAEC"},
		{"reference", CustomFile{Name: "big.loads", Size: 3, SHA256: sum}, "sha256: " + sum},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := yaml.Marshal(&tc.in)
			if err != nil || !strings.Contains(string(b), tc.want) {
				t.Fatalf("marshal: %s %v, want %q in it", b, err, tc.want)
			}
			var got CustomFile
			if err := yaml.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.in.Name || !bytes.Equal(got.Data, tc.in.Data) || got.IsReference() != tc.in.IsReference() ||
				got.IsReference() && (got.Size != tc.in.Size || got.SHA256 != tc.in.SHA256) {
				t.Errorf("round trip: %+v, want %+v", got, tc.in)
			}
		})
	}
	for _, bad := range []string{
		"name: x\ntext: hi\nsha256: " + sum + "\nsize: 2\n",
		"name: x\nsize: 3\n",
		"name: x\nsha256: " + sum + "\n",
	} {
		var f CustomFile
		if err := yaml.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("%q: accepted as %+v", bad, f)
		}
	}
}
