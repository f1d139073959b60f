package domain

import (
	"encoding/base64"
	"fmt"
	"unicode/utf8"
)

// fileYAML is how a custom file looks in a site document: text files as
// text, others as base64, and a file too large to carry by its size and
// SHA-256 (CustomFile.IsReference).
type fileYAML struct {
	Name   string  `yaml:"name"`
	Text   *string `yaml:"text,omitempty"`
	Base64 string  `yaml:"base64,omitempty"`
	Size   int64   `yaml:"size,omitempty"`
	SHA256 string  `yaml:"sha256,omitempty"`
}

// MarshalYAML writes the file's bytes as text when they are printable
// UTF-8, as base64 otherwise; a reference as its size and SHA-256.
func (f *CustomFile) MarshalYAML() (any, error) {
	y := fileYAML{Name: f.Name}
	if f.IsReference() {
		y.Size, y.SHA256 = f.Size, f.SHA256
		return y, nil
	}
	if utf8.Valid(f.Data) && printable(f.Data) {
		s := string(f.Data)
		y.Text = &s
	} else {
		y.Base64 = base64.StdEncoding.EncodeToString(f.Data)
	}
	return y, nil
}

// UnmarshalYAML reads the form MarshalYAML writes.
func (f *CustomFile) UnmarshalYAML(unmarshal func(any) error) error {
	var y fileYAML
	if err := unmarshal(&y); err != nil {
		return err
	}
	f.Name = y.Name
	switch {
	case y.Text != nil && y.Base64 != "":
		return fmt.Errorf("file %q: give text or base64, not both", y.Name)
	case y.Size != 0 || y.SHA256 != "":
		if y.Text != nil || y.Base64 != "" || y.Size <= 0 || y.SHA256 == "" {
			return fmt.Errorf("file %q: give its bytes (text or base64), or its size and sha256 (a file stored already), not both", y.Name)
		}
		f.Size, f.SHA256 = y.Size, y.SHA256
	case y.Text != nil:
		f.Data = []byte(*y.Text)
	default:
		b, err := base64.StdEncoding.DecodeString(y.Base64)
		if err != nil {
			return fmt.Errorf("file %q: base64: %w", y.Name, err)
		}
		f.Data = b
	}
	return nil
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
