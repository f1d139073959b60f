package built

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"cmtftp/internal/source"
)

// Compact storage. The files of one site share most of their bytes, so
// once trainSamples files are kept a zstd dictionary is trained on them
// (on one goroutine); every file kept after that is kept compressed with
// it when that is smaller, and a request decompresses it into a pooled
// buffer that its Close gives back. When the site changes so much that
// newly kept files compress markedly worse than right after the training
// (retrain.go), a new dictionary is trained on them; files kept with an
// older one refer to it, and it is freed with the last of them.

// trainSamples is how many kept files the dictionary is trained on.
const trainSamples = 256

// dictHistory bounds the raw content the dictionary starts from.
const dictHistory = 64 << 10

// codec compresses and decompresses kept files with one dictionary.
type codec struct {
	enc  *zstd.Encoder
	dec  *zstd.Decoder
	dict int // the dictionary's size

	// Under the Source's mu:
	refs    int       // kept files compressed with it
	trained time.Time // when it was trained (or last failed to be replaced)
	base    float64   // compressed over raw bytes of the first window of files after training
	winRaw  int64     // the current window's raw bytes,
	winZ    int64     // compressed bytes,
	winN    int       // and files
}

// train builds a codec from samples of the site's files; id names its
// dictionary.
func train(samples [][]byte, id uint32) (*codec, error) {
	var hist []byte
	for _, b := range samples {
		if len(hist) >= dictHistory {
			break
		}
		hist = append(hist, b[:min(len(b), dictHistory-len(hist))]...) // a first file past the limit gives its start
	}
	dict, err := zstd.BuildDict(zstd.BuildDictOptions{ID: id, Contents: samples, History: hist,
		Offsets: [3]int{1, 4, 8}, Level: zstd.SpeedFastest})
	if err != nil {
		return nil, fmt.Errorf("built: train a dictionary: %w", err)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDict(dict), zstd.WithEncoderCRC(false), zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		return nil, fmt.Errorf("built: zstd encoder: %w", err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDicts(dict), zstd.WithDecoderConcurrency(0)) // DecodeAll on every processor at once
	if err != nil {
		return nil, fmt.Errorf("built: zstd decoder: %w", err)
	}
	return &codec{enc: enc, dec: dec, dict: len(dict)}, nil
}

// pack is b compressed with the current dictionary and that dictionary;
// z is nil when that is not smaller, c nil when there is no dictionary.
// The bytes are a scratch buffer, copied into the entry.
func (s *Source) pack(b []byte) (z []byte, c *codec) {
	c = s.codec.Load()
	if c == nil || s.Uncompressed {
		return nil, nil
	}
	z = c.enc.EncodeAll(b, make([]byte, 0, len(b)/8))
	if len(z) >= len(b) {
		return nil, c
	}
	return z, c
}

// packed is a kept file decompressed for one request, in a pooled
// buffer: Close gives the buffer back, so it must be read before, and
// closed once.
type packed struct {
	b    []byte
	mod  time.Time
	sum  [sha256.Size]byte
	pool *sync.Pool
}

var _ source.File = (*packed)(nil)

// compressedBytes is a kept file's compressed bytes as the decoder takes
// them; it only reads them.
func compressedBytes(k *kept) []byte {
	z := k.z()
	return unsafe.Slice(unsafe.StringData(z), len(z))
}

// unpack decompresses the compressed kept file k into a source.Memory.
func (s *Source) unpack(k *kept) (*source.Memory, error) {
	b, err := k.c.dec.DecodeAll(compressedBytes(k), make([]byte, 0, k.size()))
	if err != nil {
		return nil, fmt.Errorf("%w: decompress: %w", source.ErrBusy, err)
	}
	return source.NewMemory(b, k.mod()), nil
}

// open decompresses the compressed kept file k for one request into a
// pooled buffer (tftpd and httpd close a file when they are done, and
// take its Bytes without a copy; httpd takes its SHA256 for the ETag).
func (s *Source) open(k *kept) (source.File, error) {
	p, _ := s.files.Get().(*packed)
	if p == nil {
		p = &packed{pool: &s.files}
	}
	b, err := k.c.dec.DecodeAll(compressedBytes(k), p.b[:0])
	if err != nil {
		s.files.Put(p)
		return nil, fmt.Errorf("%w: decompress: %w", source.ErrBusy, err)
	}
	p.b, p.mod, p.sum = b, k.mod(), k.sum()
	return p, nil
}

// SHA256 returns the hex SHA-256 of the bytes, kept with the file: a
// compressed kept file is hashed once, when it is kept.
func (p *packed) SHA256() string { return hex.EncodeToString(p.sum[:]) }

// ReadAt reads from the bytes at off, as io.ReaderAt says.
func (p *packed) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("built: negative offset")
	}
	if off >= int64(len(p.b)) {
		return 0, io.EOF
	}
	n := copy(b, p.b[off:])
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

// Size is the number of bytes.
func (p *packed) Size() int64 { return int64(len(p.b)) }

// ModTime is when the file was built.
func (p *packed) ModTime() time.Time { return p.mod }

// Bytes returns the bytes themselves, valid until Close.
func (p *packed) Bytes() []byte { return p.b }

// Close gives the buffer back to the pool.
func (p *packed) Close() error {
	p.pool.Put(p)
	return nil
}
