package built

import (
	"slices"
	"time"
)

// Training and retraining the dictionary. The first dictionary is
// trained on the first trainSamples kept files. After that each window of
// retrainWindow files compressed with the current dictionary gives a
// ratio of compressed to raw bytes: the first window after a training is
// its baseline; a later window worse than retrainFactor times it (the
// site changed) has the next trainSamples kept files sampled for a new
// dictionary — at most once per retrainGap, and never before a window and
// a sampling have passed, so at most once per many stores.

// retrainWindow is how many stores one ratio is taken over.
const retrainWindow = 256

// retrainFactor is how much worse than its baseline a window must
// compress for a new dictionary.
const retrainFactor = 2

// retrainGap is the least time between two trainings.
const retrainGap = time.Minute

// maxTrainTries bounds the dictionaries tried in a row (samples of too
// alike files give none).
const maxTrainTries = 3

// sample offers the bytes of a newly kept file to the training, when one
// is wanted (no dictionary yet, or the site changed); the trainSamples-th
// starts it, and a training that fails starts again on four times as
// many. Called holding mu.
func (s *Source) sample(b []byte) {
	if s.Uncompressed || s.training || s.trainOff || len(b) == 0 {
		return
	}
	if s.codec.Load() != nil && !s.retrain {
		return
	}
	s.samples = append(s.samples, b)
	if len(s.samples) < trainSamples<<(2*s.trainTries) { // 256, then 1,024, then 4,096 files
		return
	}
	s.training = true
	samples := s.samples
	s.samples = nil
	s.trainings++
	go s.trainOn(samples, uint32(s.trainings))
}

// trainOn trains a dictionary on samples and puts it in use.
func (s *Source) trainOn(samples [][]byte, id uint32) {
	c, err := train(samples, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.training = false
	if err == nil {
		c.trained = time.Now()
		s.install(c)
		return
	}
	if s.trainTries++; s.trainTries < maxTrainTries {
		return // try again on more files
	}
	s.trainTries = 0
	if old := s.codec.Load(); old != nil {
		s.retrain = false
		old.trained = time.Now() // keep it, and look again after the gap
		return
	}
	s.trainOff = true
	if s.Logger != nil {
		s.Logger.Warn("built files kept uncompressed", "err", err)
	}
}

// install makes c the dictionary newly kept files are compressed with.
// Called holding mu.
func (s *Source) install(c *codec) {
	old := s.codec.Load()
	s.codec.Store(c)
	s.retrain, s.trainTries = false, 0
	s.codecs = append(s.codecs, c)
	if old != nil && old.refs == 0 {
		s.codecs = slices.DeleteFunc(s.codecs, func(x *codec) bool { return x == old })
	}
}

// release notes that the kept file k is gone: a dictionary that is not
// the current one is freed with the last file compressed with it. Called
// holding mu.
func (s *Source) release(k *kept) {
	if k.c == nil {
		return
	}
	if k.c.refs--; k.c.refs == 0 && k.c != s.codec.Load() {
		s.codecs = slices.DeleteFunc(s.codecs, func(x *codec) bool { return x == k.c })
	}
}

// observe counts a file of raw bytes kept as z bytes (raw when not
// smaller) with c. Called holding mu.
func (s *Source) observe(c *codec, raw, z int64) {
	if c != s.codec.Load() {
		return
	}
	c.winRaw += raw
	c.winZ += z
	if c.winN++; c.winN < retrainWindow {
		return
	}
	ratio := float64(c.winZ) / float64(max(c.winRaw, 1))
	c.winRaw, c.winZ, c.winN = 0, 0, 0
	gap := retrainGap
	if s.retrainGap != 0 {
		gap = s.retrainGap
	}
	switch {
	case c.base == 0:
		c.base = ratio
	case ratio > retrainFactor*c.base && !s.training && !s.retrain && time.Since(c.trained) >= gap:
		s.retrain = true
	}
}
