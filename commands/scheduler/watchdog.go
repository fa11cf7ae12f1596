package scheduler

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Alerter is told when the main loop blocks and when it recovers. The
// firmware adapts it to the LED's blockage blink. Calls come from the
// watchdog goroutine, never from the loop, one at a time, each Blocked
// followed by exactly one Recovered. They should return promptly: while one
// runs, the watchdog notices nothing else.
type Alerter interface {
	// Blocked is called once when a holder keeps the loop past the threshold.
	Blocked(BlockInfo)
	// Recovered is called when that holder gives the loop back; total is
	// how long it held the loop.
	Recovered(total time.Duration)
}

// BlockInfo names who blocks the main loop.
type BlockInfo struct {
	Name      string        // command or posted function holding the loop
	Pattern   string        // its command pattern, if any
	Held      time.Duration // how long it had held the loop when reported
	Goroutine uint64        // id of the goroutine holding the loop
	Stack     string        // that goroutine's stack trace
}

// holder records who holds the loop, for the watchdog.
type holder struct {
	mu      sync.Mutex
	active  bool
	blocked bool // reported by the watchdog, recovery not yet sent
	name    string
	pattern string
	goid    uint64
	since   time.Time
}

// acquire records a new holder and arms the watchdog's timer. Called by the
// dispatcher only.
func (h *holder) acquire(s *Scheduler, name, pattern string, goid uint64) {
	h.mu.Lock()
	h.active, h.name, h.pattern, h.goid, h.since = true, name, pattern, goid, time.Now()
	h.mu.Unlock()
	s.watch.Reset(s.threshold)
}

// release marks the loop free and, if the watchdog reported this holder,
// hands it the total blocked time. The send never blocks: only a holder the
// watchdog marked blocked sends, and the watchdog takes any pending
// recovery under the same lock with which it marks the next one.
func (h *holder) release(s *Scheduler) {
	s.watch.Stop()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.active = false
	if h.blocked {
		h.blocked = false
		s.recovered <- time.Since(h.since)
	}
}

func (h *holder) overdue(threshold time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.active && time.Since(h.since) >= threshold
}

// watchdog sleeps until the timer armed at acquire time fires or a blocked
// holder recovers, and reports both.
func (s *Scheduler) watchdog() {
	defer close(s.watched)
	defer s.watch.Stop()
	for {
		select {
		case <-s.stopped:
			s.reportRecovered()
			return
		case total := <-s.recovered:
			s.recoveredAfter(total)
		case <-s.watch.C:
			h := &s.hold
			h.mu.Lock()
			// Take a previous holder's recovery under the lock, so that it
			// is reported before this holder's blockage.
			var prev time.Duration
			prevPending := false
			select {
			case prev = <-s.recovered:
				prevPending = true
			default:
			}
			held := time.Since(h.since)
			// A fire meant for an earlier holder finds the current one
			// early; its own timer is armed and will fire.
			overdue := h.active && !h.blocked && held >= s.threshold
			info := BlockInfo{Name: h.name, Pattern: h.pattern, Held: held, Goroutine: h.goid}
			h.blocked = h.blocked || overdue
			h.mu.Unlock()
			if prevPending {
				s.recoveredAfter(prev)
			}
			if !overdue {
				continue
			}
			info.Stack = goroutineStack(info.Goroutine)
			s.log.Warn("scheduler: main loop blocked",
				"name", info.Name, "pattern", info.Pattern, "held", info.Held,
				"goroutine", info.Goroutine, "stack", info.Stack)
			if s.alerter != nil {
				s.alerter.Blocked(info)
			}
		}
	}
}

func (s *Scheduler) reportRecovered() {
	select {
	case total := <-s.recovered:
		s.recoveredAfter(total)
	default:
	}
}

func (s *Scheduler) recoveredAfter(total time.Duration) {
	s.log.Info("scheduler: main loop recovered", "blocked", total)
	if s.alerter != nil {
		s.alerter.Recovered(total)
	}
}

// goroutineID returns the calling goroutine's id, read from the header of
// its own traceback ("goroutine 18 [running]:"), the same id a full dump
// shows, so the watchdog can find the holder's stack there.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	b, _, _ = bytes.Cut(b, []byte(" "))
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic("scheduler: cannot parse goroutine id from traceback: " + err.Error())
	}
	return id
}

// goroutineStack returns the traceback of goroutine id from a dump of all
// goroutines, or a note saying it is gone.
func goroutineStack(id uint64) string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	header := []byte("goroutine " + strconv.FormatUint(id, 10) + " [")
	for rec := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.HasPrefix(rec, header) {
			return string(rec)
		}
	}
	return "goroutine " + strconv.FormatUint(id, 10) + " not found in dump"
}
