package built

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"weak"

	"cmtftp/internal/source"
)

// siteText is the text every file of one generated site shares: words of
// letters drawn from seed, so two sites share nothing.
func siteText(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		if b[i] = byte('a' + r.IntN(26)); r.IntN(6) == 0 {
			b[i] = ' '
		}
	}
	return string(b)
}

// feed keeps the files first..first+n-1 of the site of text in s, and
// returns their names and bytes.
func feed(s *Source, text string, first, n int, files map[string][]byte) {
	for i := first; i < first+n; i++ {
		name := fmt.Sprintf("SEP%012X.cnf.xml", i)
		b := []byte(fmt.Sprintf("<device><mac>%012X</mac>%s<line>%d</line></device>", i, text, 4000+i))
		files[name] = b
		s.mu.Lock()
		gen := s.gen
		s.mu.Unlock()
		s.store(name, source.NewMemory(b, time.Now()), gen, nil)
	}
}

// TestRetrain: a cache trained on one site's files, then fed files of a
// very different site, trains a new dictionary, with which the new
// site's files come out small again; the first site's files, kept with
// the old dictionary, still serve their bytes, and the old dictionary
// is freed with the last of them. With the default gap (a minute) it
// does not retrain so soon.
func TestRetrain(t *testing.T) {
	for _, tc := range []struct {
		gap     time.Duration
		retrain bool
	}{{time.Nanosecond, true}, {0, false}} {
		t.Run(fmt.Sprint(tc.gap), func(t *testing.T) {
			s := &Source{MaxBytes: -1, retrainGap: tc.gap}
			a, b := siteText(1, 6000), siteText(2, 6000)
			files := map[string][]byte{}
			feed(s, a, 0, trainSamples, files)
			waitTrained(t, s)
			old := s.codec.Load()
			feed(s, a, trainSamples, retrainWindow, files) // the baseline
			feed(s, b, 1<<20, retrainWindow+trainSamples, files)
			if !tc.retrain {
				if s.codec.Load() != old || s.retrain || s.training {
					t.Fatal("retrained within the gap")
				}
				return
			}
			for deadline := time.Now().Add(10 * time.Second); s.codec.Load() == old; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no new dictionary")
				}
			}
			feed(s, b, 2<<20, 10, files)
			checkRetrained(t, s, old, files)
		})
	}
}

// checkRetrained checks that the files of the second site kept after the
// new dictionary are small, that every file serves its bytes, and that
// the old dictionary goes with its last file.
func checkRetrained(t *testing.T, s *Source, old *codec, files map[string][]byte) {
	t.Helper()
	s.mu.Lock()
	for i := 2 << 20; i < 2<<20+10; i++ {
		k := s.cache[fmt.Sprintf("SEP%012X.cnf.xml", i)]
		if k == nil || k.c == old || k.c == nil || int64(len(k.z()))*20 > k.size() {
			t.Errorf("a file of the new site kept with %v, %d of %d bytes", k != nil && k.c == old, len(k.z()), k.size())
		}
	}
	s.mu.Unlock()
	if d := s.Stats().Dictionaries; d != 2 {
		t.Errorf("%d dictionaries in use, want the old and the new", d)
	}
	for name, want := range files {
		got, err := source.ReadFile(context.Background(), s, name, source.TFTP)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %v, other bytes %v", name, err, !bytes.Equal(got, want))
		}
	}
	gone := weak.Make(old)
	old = nil
	s.Invalidate()
	runtime.GC()
	runtime.GC()
	if d := s.Stats().Dictionaries; d != 1 || gone.Value() != nil {
		t.Errorf("%d dictionaries in use after the old files went; old one freed: %v", d, gone.Value() == nil)
	}
}
