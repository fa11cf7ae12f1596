package firmware

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Hark reports its state to systemd over sd_notify. Outside systemd (no
// NOTIFY_SOCKET) every call is a no-op.

// notifyReady tells systemd start-up is complete (Type=notify).
func notifyReady() error {
	_, err := daemon.SdNotify(false, daemon.SdNotifyReady)
	return err
}

// notifyStopping tells systemd Hark is shutting down on purpose.
func notifyStopping() error {
	_, err := daemon.SdNotify(false, daemon.SdNotifyStopping)
	return err
}

// watchdogInterval is how often systemd wants a keep-alive: half its
// WatchdogSec, or 0 when no watchdog is configured for this process.
func watchdogInterval() (time.Duration, error) {
	d, err := daemon.SdWatchdogEnabled(false)
	return d / 2, err
}

// keepAlive sends WATCHDOG=1 at the interval systemd asks for while
// healthy, until ctx is done; without a systemd watchdog it returns at
// once.
func keepAlive(ctx context.Context, healthy func() bool, log *slog.Logger) error {
	interval, err := watchdogInterval()
	if err != nil {
		log.Warn("systemd watchdog", "err", err)
	}
	if interval <= 0 {
		return nil
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	return sendKeepAlives(ctx, ticker.C, func() error {
		if !healthy() {
			return errors.New("main loop blocked")
		}
		return nil
	}, log)
}

// sendKeepAlives sends WATCHDOG=1 on each tick while healthy reports nil,
// and withholds it otherwise, so that systemd restarts a Hark whose main
// loop is stuck. Status lines tell `systemctl status` why, once per change.
// A failed notify is logged and retried at the next tick: one lost datagram
// must not get a healthy Hark killed. It returns when ctx is done.
func sendKeepAlives(ctx context.Context, ticks <-chan time.Time, healthy func() error, log *slog.Logger) error {
	wasHealthy := true
	var failing bool // the last notify failed: log only the first of a run
	notify := func(state string) bool {
		_, err := daemon.SdNotify(false, state)
		if err != nil && !failing {
			log.Warn("systemd notify failed; retrying at the next keep-alive", "err", err)
		} else if err == nil && failing {
			log.Info("systemd notify works again")
		}
		failing = err != nil
		return err == nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
		}
		err := healthy()
		switch {
		case err != nil && wasHealthy:
			if !notify("STATUS=unhealthy: " + err.Error()) {
				continue // wasHealthy stays: say it again next time
			}
		case err == nil && !wasHealthy:
			if !notify("STATUS=running") {
				continue
			}
		}
		wasHealthy = err == nil
		if err == nil {
			notify(daemon.SdNotifyWatchdog)
		}
	}
}
