package tftpd

// onLinux is 1 on Linux, 0 elsewhere: how many transfers TestDriverChoice's
// lockstep request puts on the event loop.
const onLinux = 1

// onLoop is how many transfers s's event loop is driving. Call it once a
// transfer has started: it stops any later loop from being created.
func onLoop(s *Server) int {
	s.loopOnce.Do(func() {}) // to read s.loop after the Do that set it
	if s.loop == nil {
		return 0
	}
	return int(s.loop.active.Load())
}
