package domain

import "math/rand/v2"

// DemoLargeArchive is the one large file of the demo TFTP root: a 4 MiB
// firmware archive named by SIP41.9-4-2SR3-1S.loads, for trying large
// transfers (blksize, windowsize).
const DemoLargeArchive = "jar41sip.9-4-2SR3-1S.sbn"

// demoLoads are the load IDs the demo devices' configurations name (and
// the 7961's SIP load), with the text body of each one's .loads file. The
// 7905/7912 loads are single .sbin images with no .loads (spec §10.1).
var demoLoads = []struct{ id, body string }{
	{"SCCP41.9-4-2SR3-1S", "# RELEASE load version 9-4-2SR3-1S\r\njar41sccp.9-4-2SR3-1S.sbn\r\ncnu41.9-4-2SR3-1S.sbn\r\n"},
	{"SIP41.9-4-2SR3-1S", "# RELEASE load version 9-4-2SR3-1S\r\n" + DemoLargeArchive + "\r\ncnu41.9-4-2SR3-1S.sbn\r\n"},
	{"SIP70.9-4-2SR3-1S", "# RELEASE load version 9-4-2SR3-1S\r\njar70sip.9-4-2SR3-1S.sbn\r\ncnu70.9-4-2SR3-1S.sbn\r\n"},
	{"sip88xx.14-2-1-0001-50", "# sip88xx.14-2-1-0001-50\r\nkern88xx.14-2-1-0001-50.sbn\r\nrootfs88xx.14-2-1-0001-50.sbn\r\n"},
	{"P0S3-08-12-00", "P0S3-08-12-00.sb2\n"},
}

// demoArchives are the small firmware archives the demo's .loads files
// name, and the 7905/7912 images.
var demoArchives = []string{
	"jar41sccp.9-4-2SR3-1S.sbn", "cnu41.9-4-2SR3-1S.sbn", "jar70sip.9-4-2SR3-1S.sbn", "cnu70.9-4-2SR3-1S.sbn",
	"kern88xx.14-2-1-0001-50.sbn", "rootfs88xx.14-2-1-0001-50.sbn", "P0S3-08-12-00.sb2",
	"CP7905080003SIP070409A.sbin", "CP7912080003SIP070409A.sbin",
}

// DemoRoot returns the sample TFTP root serve --demo writes: a ring list
// (RingList.xml, and RINGLIST.DAT for the 7940/7960 SIP load) with its
// ring, the network-locale tones and the user-locale archives of the demo
// models (spec §9.4), and the firmware the demo devices' configurations
// name: for each load ID a .loads file (a plain text body, spec §10.2,
// without the signed header: cmtftp cannot sign Cisco's way) naming one or
// two archives of a few KiB of fixed-seed bytes, except the 4 MiB
// DemoLargeArchive. The bytes are the same on every machine.
func DemoRoot() map[string][]byte {
	ring := make([]byte, 8000) // one second of 8 kHz µ-law: a soft chirp
	for i := range ring {
		ring[i] = byte(0xff - (i/40%2)*0x20)
	}
	files := map[string][]byte{
		"RingList.xml": []byte(`<CiscoIPPhoneRingList>
  <Ring>
    <DisplayName>Chirp 1</DisplayName>
    <FileName>Chirp1.raw</FileName>
  </Ring>
</CiscoIPPhoneRingList>
`),
		"RINGLIST.DAT": []byte("Chirp 1\t\tChirp1.raw\n"),
		"Chirp1.raw":   ring,
		"United_States/g3-tones.xml": []byte(`<tones>
  <dialTone>350,440</dialTone>
  <busyTone>480,620</busyTone>
</tones>
`),
		"English_United_States/English_United_States.xml": []byte(`<locale name="English_United_States" langCode="en_US" charset="utf-8"/>
`),
		DemoLargeArchive: demoBytes(1, 4<<20),
	}
	for i, jar := range []string{"mk-sccp.jar", "td-sip.jar", "sl-be-sip.jar"} {
		files["English_United_States/"+jar] = demoBytes(uint64(100+i), 4<<10)
	}
	for _, l := range demoLoads {
		files[l.id+".loads"] = []byte(l.body)
	}
	for i, a := range demoArchives {
		files[a] = demoBytes(uint64(10+i), 4<<10)
	}
	return files
}

// demoBytes returns n bytes from a generator seeded with seed.
func demoBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 2))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}
