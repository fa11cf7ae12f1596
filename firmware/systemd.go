package firmware

import (
	"context"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// systemd reports Hark's state to the service manager over sd_notify.
// Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
type systemd struct{}

// ready tells systemd start-up is complete (Type=notify).
func (systemd) ready() error {
	_, err := daemon.SdNotify(false, daemon.SdNotifyReady)
	return err
}

// stopping tells systemd Hark is shutting down on purpose.
func (systemd) stopping() error {
	_, err := daemon.SdNotify(false, daemon.SdNotifyStopping)
	return err
}

// watchdogInterval is how often systemd wants a keep-alive: half its
// WatchdogSec, or 0 when no watchdog is configured for this process.
func (systemd) watchdogInterval() (time.Duration, error) {
	d, err := daemon.SdWatchdogEnabled(false)
	return d / 2, err
}

// keepAlive sends WATCHDOG=1 on each tick while healthy reports nil, and
// withholds it otherwise, so that systemd restarts a Hark whose main loop
// is stuck. Status lines tell `systemctl status` why, once per change.
// It returns when ctx is done.
func (s systemd) keepAlive(ctx context.Context, ticks <-chan time.Time, healthy func() error) error {
	wasHealthy := true
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
		}
		err := healthy()
		switch {
		case err != nil && wasHealthy:
			if _, serr := daemon.SdNotify(false, "STATUS=unhealthy: "+err.Error()); serr != nil {
				return serr
			}
		case err == nil && !wasHealthy:
			if _, serr := daemon.SdNotify(false, "STATUS=running"); serr != nil {
				return serr
			}
		}
		wasHealthy = err == nil
		if err == nil {
			if _, serr := daemon.SdNotify(false, daemon.SdNotifyWatchdog); serr != nil {
				return serr
			}
		}
	}
}
