package tftpd

import "time"

// drainPasses bounds a drain: each pass reads at most one packet per
// transfer, and a transfer's last ACK is nearly always the only packet
// waiting for it.
const drainPasses = 4

// catchUp has the loop read what its transfers' sockets hold and waits
// until it has; Serve's read loop calls it when no serving slot is free
// (admission.go). It returns at once when no transfer is on the loop, or
// once the loop has stopped. It must not be called on the loop itself,
// which calls drain instead.
func (l *eventLoop) catchUp() {
	if l.active.Load() == 0 {
		return
	}
	l.mu.Lock()
	l.drainWant++
	want := l.drainWant
	l.mu.Unlock()
	l.signal()
	l.mu.Lock()
	for l.drainDone < want && !l.stopped {
		l.caughtUp.Wait()
	}
	l.mu.Unlock()
}

// drained answers the catchUp calls up to drain number want.
func (l *eventLoop) drained(want uint64) {
	l.mu.Lock()
	l.drainDone = want
	l.mu.Unlock()
	l.caughtUp.Broadcast()
}

// drain reads, on the loop, what the transfers' sockets hold, a packet per
// transfer a pass, until none holds anything (or drainPasses): the
// transfers whose last ACK has come end and give back their slots.
func (l *eventLoop) drain(now time.Time) {
	for range drainPasses {
		if len(l.xfers) == 0 || l.wait(0) == 0 || !l.receiveAll(now) {
			return
		}
	}
}
