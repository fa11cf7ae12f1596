package button

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
)

// Kind says what happened to the button.
type Kind uint8

// Event kinds.
const (
	// Down: the button was pressed.
	Down Kind = iota + 1
	// Up: the button was released; Event.Held says for how long.
	Up
	// Tap: a short press with no second press within Config.DoubleTapGap.
	Tap
	// DoubleTap: two short presses, the second starting within
	// Config.DoubleTapGap of the first's release. Reported on the second
	// release, instead of two Taps.
	DoubleTap
	// LongPress: the button has been held for Config.LongPress. Reported
	// while it is still down; Up follows on release.
	LongPress
)

func (k Kind) String() string {
	switch k {
	case Down:
		return "Down"
	case Up:
		return "Up"
	case Tap:
		return "Tap"
	case DoubleTap:
		return "DoubleTap"
	case LongPress:
		return "LongPress"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Event is one thing the button did.
type Event struct {
	Kind Kind
	// At is when the edge was seen or the gesture recognised, by Config.Clock.
	At time.Time
	// Held is how long the button had been down, for Up and LongPress.
	Held time.Duration
}

func (e Event) String() string {
	if e.Kind == Up || e.Kind == LongPress {
		return fmt.Sprintf("%s after %s", e.Kind, e.Held)
	}
	return e.Kind.String()
}

// Defaults used for zero fields of Config.
const (
	DefaultDebounce     = 20 * time.Millisecond
	DefaultTapMax       = 400 * time.Millisecond
	DefaultDoubleTapGap = 300 * time.Millisecond
	DefaultLongPress    = 1500 * time.Millisecond
)

// Config describes the wiring and the gesture timings. The zero value suits a
// button that connects the pin to ground, such as the ReSpeaker 2-Mic HAT's
// button on GPIO17.
type Config struct {
	// ActiveHigh: the pin reads High while pressed. By default a press pulls
	// the pin Low (active-low).
	ActiveHigh bool
	// Pull is the pin's pull resistor. The zero value (gpio.PullNoChange)
	// means the pull that keeps a released button idle: gpio.PullUp when
	// active-low, gpio.PullDown when active-high. Use gpio.Float for none.
	Pull gpio.Pull
	// Debounce is how long edges are ignored after a press or release is
	// reported. Default DefaultDebounce.
	Debounce time.Duration
	// TapMax is the longest press that counts as a tap. Default DefaultTapMax.
	TapMax time.Duration
	// DoubleTapGap is the longest release between the two presses of a
	// double tap. Default DefaultDoubleTapGap.
	DoubleTapGap time.Duration
	// LongPress is how long the button must be held for a LongPress event;
	// it must be longer than TapMax. Default DefaultLongPress.
	LongPress time.Duration
	// Clock times debounce and gestures. Default: the real clock.
	Clock clockwork.Clock
	// OnEvent, if set, is called with each event on Run's goroutine, in
	// order, instead of sending it on Events (which then stays empty until
	// it is closed). It must not block: hand the event on. It saves the
	// goroutine that would read Events for one that only passes them on.
	OnEvent func(Event)
}

// withDefaults fills zero fields and checks the result.
func (c Config) withDefaults() (Config, error) {
	durations := []struct {
		name string
		d    *time.Duration
		def  time.Duration
	}{
		{"Debounce", &c.Debounce, DefaultDebounce},
		{"TapMax", &c.TapMax, DefaultTapMax},
		{"DoubleTapGap", &c.DoubleTapGap, DefaultDoubleTapGap},
		{"LongPress", &c.LongPress, DefaultLongPress},
	}
	for _, f := range durations {
		if *f.d < 0 {
			return c, fmt.Errorf("button: Config.%s is negative (%s)", f.name, *f.d)
		}
		if *f.d == 0 {
			*f.d = f.def
		}
	}
	if c.LongPress <= c.TapMax {
		return c, fmt.Errorf("button: Config.LongPress (%s) must be longer than Config.TapMax (%s)", c.LongPress, c.TapMax)
	}
	if c.Pull == gpio.PullNoChange {
		c.Pull = gpio.PullUp
		if c.ActiveHigh {
			c.Pull = gpio.PullDown
		}
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	return c, nil
}

// edgeWait bounds each WaitForEdge call so that the edge watcher notices a
// cancelled context even on pins whose Halt does not interrupt a wait.
const edgeWait = 100 * time.Millisecond

// Button reports presses, releases and gestures of a push button on a GPIO pin.
type Button struct {
	pin     gpio.PinIn
	cfg     Config
	events  chan Event
	started atomic.Bool
}

// New configures pin as an input with edge detection on both edges and
// returns a Button reading it. Call Run to start it.
func New(pin gpio.PinIn, cfg Config) (*Button, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := pin.In(cfg.Pull, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("button: setting %s as input with %s: %w", pin, cfg.Pull, err)
	}
	return &Button{pin: pin, cfg: cfg, events: make(chan Event, 16)}, nil
}

// Events returns the channel of button events. It is closed when Run returns.
// Run blocks while the channel is full, so read it promptly.
func (b *Button) Events() <-chan Event {
	return b.events
}

// Run watches the pin until ctx is cancelled, then halts the pin and returns
// nil once its goroutines have stopped. Run may be called only once.
func (b *Button) Run(ctx context.Context) error {
	if !b.started.CompareAndSwap(false, true) {
		return errors.New("button: Run called twice")
	}
	defer close(b.events)

	ctx, cancel := context.WithCancel(ctx)
	edges := make(chan struct{}, 1)
	watcherDone := make(chan struct{})
	go func() {
		defer close(watcherDone)
		b.watch(ctx, edges)
	}()
	defer func() {
		cancel()
		_ = b.pin.Halt() // interrupts a pending WaitForEdge on real pins
		<-watcherDone
	}()

	clock := b.cfg.Clock
	g := gestures{cfg: b.cfg}
	var (
		timer    clockwork.Timer
		timerC   <-chan time.Time
		armedFor time.Time
	)
	// arm points the single timer at the next deadline. It leaves an
	// unchanged deadline alone, so a fake clock sees exactly one waiter
	// whenever the button has something to wait for.
	arm := func(next time.Time) {
		if next.Equal(armedFor) {
			return
		}
		if timer != nil {
			timer.Stop()
		}
		timer, timerC, armedFor = nil, nil, next
		if !next.IsZero() {
			timer = clock.NewTimer(clock.Until(next))
			timerC = timer.Chan()
		}
	}
	defer arm(time.Time{})

	// A press held when Run starts is reported like any other.
	g.level(clock.Now(), b.pressed())
	for {
		// The timer is armed before the events go out, so whoever reads
		// an event can rely on the next deadline being set.
		arm(g.next())
		for _, e := range g.take() {
			if b.cfg.OnEvent != nil {
				b.cfg.OnEvent(e)
				continue
			}
			select {
			case b.events <- e:
			case <-ctx.Done():
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-timerC:
			armedFor = time.Time{}
			g.due(clock.Now(), b.pressed)
		case <-edges:
			now := clock.Now()
			g.due(now, b.pressed)
			if !g.locked() {
				g.level(now, b.pressed())
			}
		}
	}
}

// watch forwards edges of the pin to edges until ctx is cancelled. Edges that
// arrive while one is still pending merge into it: Run reads the level anyway.
func (b *Button) watch(ctx context.Context, edges chan<- struct{}) {
	for ctx.Err() == nil {
		if b.pin.WaitForEdge(edgeWait) {
			select {
			case edges <- struct{}{}:
			default:
			}
		}
	}
}

func (b *Button) pressed() bool {
	return b.pin.Read() == gpio.Level(b.cfg.ActiveHigh)
}

// gestures is the button's state machine. It knows nothing of pins or
// goroutines: it is told the level and the time, and queues events.
type gestures struct {
	cfg     Config
	pressed bool
	downAt  time.Time

	lockUntil time.Time // end of the debounce window; zero when none
	longAt    time.Time // when the current press becomes a LongPress; zero when none
	tapAt     time.Time // when a pending tap is reported as Tap; zero when none
	secondTap bool      // the current press started while a tap was pending

	out []Event
}

func (g *gestures) locked() bool { return !g.lockUntil.IsZero() }

// level reports the debounced level seen at now.
func (g *gestures) level(now time.Time, pressed bool) {
	if pressed == g.pressed {
		return
	}
	g.pressed = pressed
	g.lockUntil = now.Add(g.cfg.Debounce)
	if pressed {
		g.downAt = now
		g.longAt = now.Add(g.cfg.LongPress)
		if !g.tapAt.IsZero() {
			g.secondTap, g.tapAt = true, time.Time{}
		}
		g.emit(Event{Kind: Down, At: now})
		return
	}
	held := now.Sub(g.downAt)
	wasLong := g.longAt.IsZero()
	g.longAt = time.Time{}
	g.emit(Event{Kind: Up, At: now, Held: held})
	switch {
	case wasLong:
	case held <= g.cfg.TapMax && g.secondTap:
		g.emit(Event{Kind: DoubleTap, At: now})
	case held <= g.cfg.TapMax:
		g.tapAt = now.Add(g.cfg.DoubleTapGap)
	case g.secondTap:
		// The first press was a tap; this one was too long to pair with it.
		g.emit(Event{Kind: Tap, At: now})
	}
	g.secondTap = false
}

// due handles every deadline up to now, earliest first. read gives the
// current level for the end of a debounce window.
func (g *gestures) due(now time.Time, read func() bool) {
	for {
		at := g.next()
		if at.IsZero() || at.After(now) {
			return
		}
		switch {
		case at.Equal(g.lockUntil):
			// The level is read now, so a change is dated now.
			g.lockUntil = time.Time{}
			g.level(now, read())
		case at.Equal(g.longAt):
			g.longAt = time.Time{}
			if g.secondTap {
				g.secondTap = false
				g.emit(Event{Kind: Tap, At: at})
			}
			g.emit(Event{Kind: LongPress, At: at, Held: at.Sub(g.downAt)})
		case at.Equal(g.tapAt):
			g.tapAt = time.Time{}
			g.emit(Event{Kind: Tap, At: at})
		}
	}
}

// next is the earliest pending deadline, or zero.
func (g *gestures) next() time.Time {
	var first time.Time
	for _, t := range []time.Time{g.lockUntil, g.longAt, g.tapAt} {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

func (g *gestures) emit(e Event) { g.out = append(g.out, e) }

// take returns the queued events and clears the queue.
func (g *gestures) take() []Event {
	out := g.out
	g.out = nil
	return out
}
