package render

import (
	"cmtftp/internal/domain"
	"encoding/xml"
	"strings"
	"testing"
)

// TestEscaping: a display name with XML's special characters, quotes and
// non-ASCII text survives, and a text file gets no broken lines.
func TestEscaping(t *testing.T) {
	x := demo(t)
	c, _ := x.DeviceConfig("SEP0000DE000002")
	nasty := `Ada & <Bob> "O'Neil" Zoë 日本`
	c.Lines[0].Line.DisplayName = nasty
	c.Lines[0].Line.Label = "tab\there\x01"
	b := DeviceXML(c)
	var doc struct {
		Lines []struct {
			DisplayName string `xml:"displayName"`
			Label       string `xml:"featureLabel"`
		} `xml:"sipProfile>sipLines>line"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Lines[0].DisplayName != nasty || doc.Lines[0].Label != "tab\there\uFFFD" {
		t.Errorf("round trip: %q / %q", doc.Lines[0].DisplayName, doc.Lines[0].Label)
	}
	c3, _ := x.DeviceConfig("SEP0000DE000003")
	c3.Lines[0].Line.DisplayName = "two\nlines \"quoted\""
	for _, l := range strings.Split(string(SIPCnf(c3)), "\n") {
		if strings.HasPrefix(l, "line1_displayname") && l != `line1_displayname: "two lines 'quoted'"` {
			t.Errorf("text value: %q", l)
		}
	}
}

// TestExtensionMobility: a login puts the profile's lines and dial plan in
// the device's file; logout restores the device's own.
func TestExtensionMobility(t *testing.T) {
	s := domain.DemoSite()
	s.Logins = append(s.Logins, &domain.Login{Device: "SEP0000DE000006", Profile: "grace-em"})
	for _, e := range s.Entities() {
		domain.Normalize(e)
	}
	s.Profiles[1].DialPlan = "demo-79x1"
	in := domain.NewIndex(s)
	c, err := in.DeviceConfig("SEP0000DE000006")
	if err != nil {
		t.Fatal(err)
	}
	loggedIn := string(DeviceXML(c))
	own, _ := demo(t).DeviceConfig("SEP0000DE000006")
	loggedOut := string(DeviceXML(own))
	for _, want := range []string{"<name>4007</name>", "<name>4100</name>", `<line button="2" lineIndex="2">`} {
		if !strings.Contains(loggedIn, want) {
			t.Errorf("logged-in file lacks %s", want)
		}
	}
	if strings.Contains(loggedIn, "<name>4006</name>") || !strings.Contains(loggedOut, "<name>4006</name>") || strings.Contains(loggedOut, "<name>4007</name>") {
		t.Errorf("lines did not follow the login")
	}
}

func BenchmarkDeviceXML(b *testing.B) {
	c, err := demo(b).DeviceConfig("SEP0000DE000002")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		DeviceXML(c)
	}
}
