package render

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestPrefixHasherSums checks that prefixHasher gives sha256.Sum256's sum
// for sequences of files sharing leading runs of every awkward length:
// around the block size and minSharedPrefix, the whole file, a file shorter
// than the remembered run, one differing in the run's last byte, and
// alternating families of files.
func TestPrefixHasherSums(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := make([]byte, 9000)
	for i := range base {
		base[i] = byte('a' + r.IntN(26))
	}
	other := bytes.Clone(base)
	other[0] = '#' // a second family: nothing in common with base
	// variant returns base (or other) with byte k changed, and cut to n bytes.
	variant := func(src []byte, k, n int) []byte {
		b := bytes.Clone(src[:n])
		if k < n {
			b[k] ^= 0x20
		}
		return b
	}
	tests := []struct {
		name   string
		files  [][]byte
		prefix int // the run remembered at the end
	}{
		{"identical", [][]byte{base, base, base}, 8960},
		{"empty and short", [][]byte{{}, []byte("x"), {}, base[:10], base[:10]}, -1},
		{"shared run of 4000", [][]byte{variant(base, 4000, 9000), variant(base, 4000, 9000), variant(base, 4001, 9000), variant(base, 5000, 8000)}, 3968},
		{"runs around the block size", [][]byte{variant(base, 63, 9000), variant(base, 64, 9000), variant(base, 65, 9000), variant(base, 127, 9000), variant(base, 128, 9000)}, -1},
		{"runs around minSharedPrefix", [][]byte{variant(base, 511, 9000), variant(base, 512, 9000), variant(base, 513, 9000), variant(base, 575, 9000), variant(base, 576, 9000), variant(base, 577, 9000)}, -1},
		{"differs in the run's last byte", [][]byte{variant(base, 3000, 9000), variant(base, 3001, 9000), variant(base, 2943, 9000), variant(base, 2944, 9000), variant(base, 2945, 9000)}, -1},
		{"shorter than the run", [][]byte{variant(base, 8000, 9000), variant(base, 8001, 9000), base[:7000], base[:7040], base[:100], base}, -1},
		{"prefixes of each other", [][]byte{base[:4096], base[:8192], base[:4096], base[:4095], base[:4097], base[:8192]}, -1},
		{"alternating families", [][]byte{variant(base, 5000, 9000), variant(other, 5000, 9000), variant(base, 6000, 9000), variant(other, 6000, 9000), variant(base, 7000, 9000), variant(other, 7000, 9000)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p prefixHasher
			for i, f := range tt.files {
				if got, want := p.sum(f), sha256.Sum256(f); got != want {
					t.Fatalf("file %d (%d bytes): sum %x, want %x", i, len(f), got, want)
				}
			}
			if tt.prefix >= 0 && len(p.prefix) != tt.prefix {
				t.Errorf("remembered run %d bytes, want %d", len(p.prefix), tt.prefix)
			}
		})
	}
}

// TestCommonPrefix checks the length of the shared leading run.
func TestCommonPrefix(t *testing.T) {
	long := bytes.Repeat([]byte("abcdefgh"), 1000)
	tests := []struct {
		a, b []byte
		want int
	}{
		{nil, nil, 0},
		{nil, long, 0},
		{long, long, len(long)},
		{long[:5000], long, 5000},
		{long, append(bytes.Clone(long[:4321]), 'x'), 4321},
		{append(bytes.Clone(long[:1024]), 'x'), long, 1024},
		{[]byte("abc"), []byte("abd"), 2},
	}
	for _, tt := range tests {
		if got := commonPrefix(tt.a, tt.b); got != tt.want {
			t.Errorf("commonPrefix(%d bytes, %d bytes) = %d, want %d", len(tt.a), len(tt.b), got, tt.want)
		}
	}
}

// BenchmarkStampSum compares a device file's stamp hash with and without
// the remembered run: files of one site that differ after their first
// 4,500 bytes.
func BenchmarkStampSum(b *testing.B) {
	files := make([][]byte, 64)
	for i := range files {
		f := bytes.Repeat([]byte("<x>shared</x>\n"), 620)
		f[4500+i] = '#'
		files[i] = f
	}
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(files[0])))
		for i := 0; b.Loop(); i++ {
			sha256.Sum256(files[i%len(files)])
		}
	})
	b.Run("prefix", func(b *testing.B) {
		b.SetBytes(int64(len(files[0])))
		var p prefixHasher
		for i := 0; b.Loop(); i++ {
			p.sum(files[i%len(files)])
		}
	})
}
