package trust

import "testing"

// TestFingerprint: the FIPS 180 test vectors, formatted as phones show
// fingerprints.
func TestFingerprint(t *testing.T) {
	cases := []struct {
		in, sha1, sha256 string
	}{
		{"abc", "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D",
			"BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"},
		{"", "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09",
			"E3:B0:C4:42:98:FC:1C:14:9A:FB:F4:C8:99:6F:B9:24:27:AE:41:E4:64:9B:93:4C:A4:95:99:1B:78:52:B8:55"},
	}
	for _, c := range cases {
		s1, s256 := Fingerprint([]byte(c.in))
		if s1 != c.sha1 || s256 != c.sha256 {
			t.Errorf("Fingerprint(%q) = %s, %s\nwant %s, %s", c.in, s1, s256, c.sha1, c.sha256)
		}
	}
}
