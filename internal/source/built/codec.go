package built

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"cmtftp/internal/source"
)

// Compact storage. The files of one site share most of their bytes, so
// once trainSamples files are kept a zstd dictionary is trained on them
// (once, on one goroutine); every file kept after that is kept
// compressed with it when that is smaller, and a request decompresses it
// into a pooled buffer that its Close gives back. The dictionary is kept
// for the life of the Source: a site that changes much compresses less
// well, never wrongly.

// trainSamples is how many kept files the dictionary is trained on.
const trainSamples = 256

// dictHistory bounds the raw content the dictionary starts from.
const dictHistory = 64 << 10

// codec compresses and decompresses kept files with one dictionary.
type codec struct {
	enc  *zstd.Encoder
	dec  *zstd.Decoder
	dict int // the dictionary's size
}

// train builds a codec from samples of the site's files.
func train(samples [][]byte) (*codec, error) {
	var hist []byte
	for _, b := range samples {
		if len(hist) >= dictHistory {
			break
		}
		hist = append(hist, b[:min(len(b), dictHistory-len(hist))]...) // a first file past the limit gives its start
	}
	dict, err := zstd.BuildDict(zstd.BuildDictOptions{ID: 1, Contents: samples, History: hist,
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

// sample offers the bytes of a newly kept file to the training; the
// trainSamples-th starts it, and a training that fails starts again on
// four times as many. Called holding mu.
func (s *Source) sample(b []byte) {
	if s.Uncompressed || s.training || len(b) == 0 {
		return
	}
	s.samples = append(s.samples, b)
	if len(s.samples) < trainSamples<<(2*s.trainTries) { // 256, then 1,024, then 4,096 files
		return
	}
	s.training = true
	samples := s.samples
	s.samples = nil
	go func() {
		c, err := train(samples)
		if err == nil {
			s.codec.Store(c)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.trainTries++; s.trainTries < maxTrainTries {
			s.training = false // try again on more files
			return
		}
		if s.Logger != nil {
			s.Logger.Warn("built files kept uncompressed", "err", err)
		}
	}()
}

// maxTrainTries bounds the dictionaries tried (samples of too alike files
// give none).
const maxTrainTries = 3

// pack is b compressed, or nil when that is not smaller (or there is no
// dictionary yet).
func (s *Source) pack(b []byte) []byte {
	c := s.codec.Load()
	if c == nil || s.Uncompressed {
		return nil
	}
	z := c.enc.EncodeAll(b, make([]byte, 0, len(b)/8))
	if len(z) >= len(b) {
		return nil
	}
	if cap(z)-len(z) > 64 {
		z = append([]byte(nil), z...) // keep exactly the bytes
	}
	return z
}

// packed is a kept file decompressed for one request, in a pooled
// buffer: Close gives the buffer back, so it must be read before, and
// closed once.
type packed struct {
	b    []byte
	mod  time.Time
	pool *sync.Pool
}

var _ source.File = (*packed)(nil)

// unpack decompresses z (n bytes decompressed) into a source.Memory.
func (s *Source) unpack(z []byte, n int64, mod int64) (*source.Memory, error) {
	b, err := s.codec.Load().dec.DecodeAll(z, make([]byte, 0, n))
	if err != nil {
		return nil, fmt.Errorf("%w: decompress: %w", source.ErrBusy, err)
	}
	return source.NewMemory(b, time.Unix(0, mod)), nil
}

// open decompresses a compressed kept file (z, n bytes decompressed, built
// at mod) for one request: into a pooled buffer over TFTP (tftpd closes a
// file when its transfer ends, and sends from its Bytes without a copy),
// into a source.Memory otherwise (the HTTP handler hashes a Memory for
// its ETag and counts it as not read from disk).
func (s *Source) open(z []byte, n int64, mod int64, proto source.Protocol) (source.File, error) {
	if proto != source.TFTP {
		return s.unpack(z, n, mod)
	}
	p, _ := s.files.Get().(*packed)
	if p == nil {
		p = &packed{pool: &s.files}
	}
	b, err := s.codec.Load().dec.DecodeAll(z, p.b[:0])
	if err != nil {
		s.files.Put(p)
		return nil, fmt.Errorf("%w: decompress: %w", source.ErrBusy, err)
	}
	p.b, p.mod = b, time.Unix(0, mod)
	return p, nil
}

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
