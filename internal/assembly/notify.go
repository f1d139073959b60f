package assembly

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// Loader resolves the reloadable settings again (a configuration file
// read anew) for Supervise's reloads.
type Loader func() (Update, error)

// Supervise runs the server as a service: Run, with SIGHUPs (hup) turned
// into a Reload of what load returns, and, when Config.Notify is set, the
// service manager told through sd_notify: READY=1 once every listener is
// up (they are bound by New), RELOADING=1 and READY=1 around a reload,
// WATCHDOG=1 at half the watchdog interval systemd asks for, and
// STOPPING=1 when ctx ends. It returns what Run returns.
func (s *Server) Supervise(ctx context.Context, hup <-chan os.Signal, load Loader) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	s.notify(daemon.SdNotifyReady)
	var pet <-chan time.Time
	if d, _ := daemon.SdWatchdogEnabled(false); d > 0 && s.cfg.Notify {
		t := time.NewTicker(d / 2)
		defer t.Stop()
		pet = t.C
	}
	done := ctx.Done()
	for {
		select {
		case err := <-errc:
			if done != nil { // a listener failed: Run stopped on its own
				s.notify(daemon.SdNotifyStopping)
			}
			return err
		case <-done:
			s.notify(daemon.SdNotifyStopping)
			done = nil // the watchdog is still fed while Run shuts down
		case <-hup:
			s.reloadFrom(load)
		case <-pet:
			s.notify(daemon.SdNotifyWatchdog)
		}
	}
}

// reloadFrom is one reload: the settings resolved again, then Reload;
// settings that cannot be resolved (a broken file) change nothing.
func (s *Server) reloadFrom(load Loader) {
	s.notify(fmt.Sprintf("%s\nMONOTONIC_USEC=%d", daemon.SdNotifyReloading, monotonicUsec()))
	defer s.notify(daemon.SdNotifyReady)
	if load == nil {
		s.Reload(Update{})
		return
	}
	u, err := load()
	if err != nil {
		s.log.Error("reload failed; the running settings are kept", "err", err)
		return
	}
	s.Reload(u)
}

// notify sends state to the service manager when Config.Notify is set and
// NOTIFY_SOCKET names one.
func (s *Server) notify(state string) {
	if !s.cfg.Notify {
		return
	}
	if _, err := daemon.SdNotify(false, state); err != nil {
		s.log.Warn("sd_notify failed", "state", state, "err", err)
	}
}

// monotonicUsec is CLOCK_MONOTONIC in µs, which systemd wants with
// RELOADING=1.
func monotonicUsec() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano() / 1000
}
