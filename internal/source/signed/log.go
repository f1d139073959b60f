package signed

import (
	"time"

	"cmtftp/internal/source"
)

// The causes of the failures logged: a log line per cause per logEvery at
// most, whatever the number of files or devices failing for it.
const (
	causeRead      = "read"        // reading a payload or a configuration
	causeSign      = "sign"        // signing a file (a key that cannot sign)
	causeStub      = "stub"        // making an encrypted device's stub
	causeEncrypt   = "encrypt"     // encrypting a configuration
	causeCert      = "certificate" // reading a device's certificate
	causeTrustList = "trust list"  // building a trust list
	// causeDevices limits the lines about single devices (refused in
	// clear, no certificate) over all devices, deviceLinesEvery apart.
	causeDevices      = "devices"
	causeDevicesClear = "devices in clear"
)

// deviceLinesEvery is the least time between two lines about devices.
const deviceLinesEvery = 100 * time.Millisecond

// busy logs a failure to make a file and returns source.ErrBusy: the
// device retries, and never gets the file unsigned or in clear. A storm of
// requests failing for one cause logs one line a minute, the next one
// counting the lines held back (suppressed).
func (s *Step) busy(cause, what string, err error) error {
	if s.Logger == nil {
		return source.ErrBusy
	}
	if ok, n := s.limit(cause).Allow(s.now()); ok {
		args := []any{"cause", cause, "err", err}
		if n > 0 {
			args = append(args, "suppressed", n)
		}
		s.Logger.Error("signed files: "+what, args...)
	}
	return source.ErrBusy
}

// limit is the log limit of cause.
func (s *Step) limit(cause string) *source.LogLimit {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.limits[cause]
	if !ok {
		if s.limits == nil {
			s.limits = map[string]*source.LogLimit{}
		}
		l = &source.LogLimit{Every: logEvery}
		if cause == causeDevices || cause == causeDevicesClear {
			l.Every = deviceLinesEvery
		}
		s.limits[cause] = l
	}
	return l
}

// now is the time of the log limits.
func (s *Step) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}
