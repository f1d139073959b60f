package source

import (
	"context"
	"os"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterSlotMetrics registers the Maximum Serving Count and the slots in
// use of s in reg, read when scraped.
func RegisterSlotMetrics(reg prometheus.Registerer, s *Slots) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "max_serving_transfers",
			Help: "Transfers allowed at once, TFTP and HTTP together (MaxServingCount)."},
			func() float64 { return float64(s.Max()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "serving_slots_in_use",
			Help: "Serving slots held now by TFTP and HTTP transfers."},
			func() float64 { return float64(s.InUse()) }))
}

// DiskReads counts what the disk steps of the chain read from files, in
// 512-byte segments (SegmentsFromDisk).
type DiskReads struct {
	segments prometheus.Counter
}

// NewDiskReads registers the counter in reg.
func NewDiskReads(reg prometheus.Registerer) *DiskReads {
	d := &DiskReads{segments: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "tftp_segments_from_disk_total",
		Help: "512-byte segments read from files on disk rather than a memory cache (SegmentsFromDisk)."})}
	reg.MustRegister(d.segments)
	return d
}

// Wrap returns s with the bytes read from its files counted.
func (d *DiskReads) Wrap(s Source) Source {
	return Func(func(ctx context.Context, req *Request) (File, error) {
		f, err := s.Open(ctx, req)
		if err != nil {
			return nil, err
		}
		return &countedFile{File: f, segments: d.segments}, nil
	})
}

type countedFile struct {
	File
	segments prometheus.Counter
}

// OSFile implements Sendable: the inner file's, if it has one.
func (f *countedFile) OSFile() *os.File {
	if s, ok := f.File.(Sendable); ok {
		return s.OSFile()
	}
	return nil
}

// Sent implements Sendable, counting what was sent.
func (f *countedFile) Sent(n int64) {
	f.segments.Add(float64((n + 511) / 512))
	if s, ok := f.File.(Sendable); ok {
		s.Sent(n)
	}
}

// ReadAt implements File, counting what it read.
func (f *countedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	f.segments.Add(float64((n + 511) / 512))
	return n, err
}
