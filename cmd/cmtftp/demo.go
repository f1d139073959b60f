package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// demoLoad is the name of the demo's dummy firmware image.
const demoLoad = "SIP41.9-4-2SR3-1S.loads"

// demoFiles returns the sample TFTP root: a ring list with its ring, a
// network-locale tone file, a user-locale file and a 4 MiB dummy load.
func demoFiles() map[string][]byte {
	load := make([]byte, 4<<20)
	r := rand.New(rand.NewPCG(1, 2)) // fixed seed: the same bytes on every machine
	for i := 0; i+8 <= len(load); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			load[i+j] = byte(v >> (8 * j))
		}
	}
	ring := make([]byte, 8000) // one second of 8 kHz µ-law: a soft chirp
	for i := range ring {
		ring[i] = byte(0xff - (i/40%2)*0x20)
	}
	return map[string][]byte{
		"RingList.xml": []byte(`<CiscoIPPhoneRingList>
  <Ring>
    <DisplayName>Chirp 1</DisplayName>
    <FileName>Chirp1.raw</FileName>
  </Ring>
</CiscoIPPhoneRingList>
`),
		"Chirp1.raw": ring,
		"United_States/g3-tones.xml": []byte(`<tones>
  <dialTone>350,440</dialTone>
  <busyTone>480,620</busyTone>
</tones>
`),
		"English_United_States/English_United_States.xml": []byte(`<locale name="English_United_States" langCode="en_US" charset="utf-8"/>
`),
		demoLoad: load,
	}
}

// writeDemoRoot writes the demo files that are missing into dir; files an
// admin has changed are left alone.
func writeDemoRoot(dir string) error {
	for name, b := range demoFiles() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("demo root: %w", err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return fmt.Errorf("demo root: %w", err)
		}
	}
	return nil
}
