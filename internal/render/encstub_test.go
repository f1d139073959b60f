package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// stubBack is what a phone reads from a stub.
type stubBack struct {
	XMLName       xml.Name `xml:"device"`
	FullConfig    string   `xml:"fullConfig"`
	IPAddressMode string   `xml:"ipAddressMode"`
	Load          string   `xml:"loadInformation"`
	CapfAuthMode  string   `xml:"capfAuthMode"`
	PhonePort     string   `xml:"capfList>capf>phonePort"`
	CertHash      string   `xml:"certHash"`
	EncrConfig    string   `xml:"encrConfig"`
	SecurityMode  *string  `xml:"deviceSecurityMode"`
	DevicePool    *string  `xml:"devicePool"`
}

// TestEncryptedStubGolden: the stub of a rendered device configuration is
// the golden file, parses back with the chosen elements of the full file,
// and carries nothing else of it.
func TestEncryptedStubGolden(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("testdata", "golden", "SEP0000DE000001.cnf.xml"))
	if err != nil {
		t.Fatal(err)
	}
	stub, err := EncryptedStub(full, "0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "encstub", "SEP0000DE000001.cnf.xml")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, stub, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stub, want) {
		t.Errorf("stub differs from %s (run with -update):\n%s", golden, stub)
	}
	var got stubBack
	if err := xml.Unmarshal(stub, &got); err != nil {
		t.Fatal(err)
	}
	exp := stubBack{XMLName: xml.Name{Local: "device"}, FullConfig: "false", IPAddressMode: "2", Load: "SCCP41.9-4-2SR3-1S",
		CapfAuthMode: "0", PhonePort: "3804", CertHash: "0123456789abcdef0123456789abcdef", EncrConfig: "true"}
	if got != exp {
		t.Errorf("stub reads\n%+v\nwant\n%+v", got, exp)
	}
}

// TestEncryptedStubInputs: elements missing from the full file are left
// out, text is escaped, and what is not a device configuration fails.
func TestEncryptedStubInputs(t *testing.T) {
	cases := []struct {
		name, full, want string
		err              error
	}{
		{"minimal", `<device><x/></device>`, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n  <fullConfig>false</fullConfig>\n  <certHash>h</certHash>\n  <encrConfig>true</encrConfig>\n</device>\n", nil},
		{"escaped", `<device><loadInformation>a&amp;b&lt;</loadInformation></device>`, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n  <fullConfig>false</fullConfig>\n  <loadInformation>a&amp;b&lt;</loadInformation>\n  <certHash>h</certHash>\n  <encrConfig>true</encrConfig>\n</device>\n", nil},
		{"other root", `<CiscoIPPhoneRingList/>`, "", ErrNotDevice},
		{"not XML", `SEP…`, "", ErrNotDevice},
		{"empty", ``, "", ErrNotDevice},
		{"unclosed", `<device><capfList><capf>`, "", ErrNotDevice},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := EncryptedStub([]byte(c.full), "h")
			if !errors.Is(err, c.err) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// FuzzEncryptedStub: whatever EncryptedStub accepts gives a well-formed
// stub that says encrConfig true and carries the certificate hash.
func FuzzEncryptedStub(f *testing.F) {
	if full, err := os.ReadFile(filepath.Join("testdata", "golden", "SEP0000DE000001.cnf.xml")); err == nil {
		f.Add(full, "abc")
	}
	f.Add([]byte(`<device><capfList><![CDATA[x]]></capfList></device>`), "<&>")
	f.Add([]byte(`<device><capfList><a xmlns="u"><b/></a></capfList><ipAddressMode>1</ipAddressMode></device>`), "\xff")
	f.Fuzz(func(t *testing.T, full []byte, hash string) {
		stub, err := EncryptedStub(full, hash)
		if err != nil {
			if !errors.Is(err, ErrNotDevice) {
				t.Fatalf("error %v does not wrap ErrNotDevice", err)
			}
			return
		}
		if err := wellFormed(stub); err != nil {
			t.Fatalf("stub not well-formed: %v\n%s", err, stub)
		}
		var got stubBack
		if err := xml.Unmarshal(stub, &got); err != nil {
			t.Fatalf("stub does not parse: %v\n%s", err, stub)
		}
		if got.EncrConfig != "true" || got.FullConfig != "false" {
			t.Fatalf("stub says encrConfig %q fullConfig %q", got.EncrConfig, got.FullConfig)
		}
	})
}
