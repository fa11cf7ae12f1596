package led

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
)

// Light is something that can show a colour: a GPIO LED, an LED strip, a
// terminal line. The Driver calls Set from its own goroutine only.
type Light interface {
	// Set shows c; Black turns the light off.
	Set(c Color) error
}

// Describer is a Light that also names what it shows, such as a terminal
// status line. The Driver calls Describe before the first Set of each new
// look, with the state's name ("listening", "blocked") and its pattern.
type Describer interface {
	Light
	Describe(state string, p Pattern)
}

// State is what the assistant is doing, as shown on the light.
type State uint8

// Assistant states.
const (
	Idle State = iota
	Listening
	Thinking
	Speaking
	Error
	Muted
	// Timer is not a state of the assistant but a variant of Idle: the
	// look of Idle while SetTimer is on. It is a key of Config.Looks and
	// an argument of DefaultLook; Set ignores it.
	Timer
	numStates
)

func (s State) String() string {
	switch s {
	case Idle:
		return "idle"
	case Listening:
		return "listening"
	case Thinking:
		return "thinking"
	case Speaking:
		return "speaking"
	case Error:
		return "error"
	case Muted:
		return "muted"
	case Timer:
		return "timer"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// blockedName is how the blocked look is named to a Describer.
const blockedName = "blocked"

// DefaultLook is the pattern of each state unless Config.Looks says
// otherwise. See the package documentation for a table.
func DefaultLook(s State) Pattern {
	switch s {
	case Listening:
		return Solid(Blue)
	case Thinking:
		return Pulse(Amber, time.Second)
	case Speaking:
		return Pulse(Green, 2*time.Second)
	case Error:
		return Code(Red, 3, 150*time.Millisecond, time.Second)
	case Muted:
		return Blink(Purple, 2*time.Second, 0.05)
	case Timer:
		return Code(Teal, 2, 100*time.Millisecond, 2600*time.Millisecond)
	}
	return Off()
}

// DefaultBlocked is the watchdog's alert: a fast white blink at 5 Hz that no
// state uses.
func DefaultBlocked() Pattern { return Blink(White, 200*time.Millisecond, 0.5) }

// Config sets the looks and the clock of a Driver. The zero value uses the
// defaults.
type Config struct {
	// Looks overrides the pattern of some states, and of Timer (idle while
	// a timer runs); the others use DefaultLook.
	Looks map[State]Pattern
	// Blocked overrides DefaultBlocked.
	Blocked Pattern
	// Clock times the patterns. Default: the real clock.
	Clock clockwork.Clock
	// Logger receives errors from the light. Default: none, nothing is
	// logged: a library writes only where its caller says.
	Logger *slog.Logger
}

// Driver shows the assistant's state on a Light. Set, SetBlocked and
// SetTimer may be called from any goroutine and return at once; Run plays
// the patterns on its own goroutine, so a stuck caller cannot freeze the
// light.
type Driver struct {
	light   Light
	looks   [numStates]Pattern
	blocked Pattern
	clock   clockwork.Clock
	log     *slog.Logger

	mu        sync.Mutex
	state     State
	isBlocked bool
	timerOn   bool

	wake    chan struct{}
	started atomic.Bool
}

// New returns a Driver for light, in state Idle. Call Run to start it.
func New(light Light, cfg Config) *Driver {
	d := &Driver{
		light:   light,
		blocked: cfg.Blocked,
		clock:   cfg.Clock,
		log:     cfg.Logger,
		wake:    make(chan struct{}, 1),
	}
	for s := range numStates {
		d.looks[s] = DefaultLook(s)
		if p, ok := cfg.Looks[s]; ok && !p.IsZero() {
			d.looks[s] = p
		}
	}
	if d.blocked.IsZero() {
		d.blocked = DefaultBlocked()
	}
	if d.clock == nil {
		d.clock = clockwork.NewRealClock()
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d
}

// Set changes the assistant state. While blocked, the new state is remembered
// and shown when the block ends. States outside Idle…Muted, Timer among
// them, are ignored.
func (d *Driver) Set(s State) {
	if s > Muted {
		return
	}
	d.mu.Lock()
	d.state = s
	d.mu.Unlock()
	d.poke()
}

// SetBlocked turns the watchdog alert on or off. While on, the light shows
// the blocked look whatever the state; when off again it returns to the
// current state.
func (d *Driver) SetBlocked(on bool) {
	d.mu.Lock()
	d.isBlocked = on
	d.mu.Unlock()
	d.poke()
}

// SetTimer says whether a timer is running (a Home Assistant timer for this
// device). While on, Idle shows the Timer look instead of its own; every
// other state, and the blocked alert, shows as before, and the timer look
// returns when the assistant is idle again.
func (d *Driver) SetTimer(on bool) {
	d.mu.Lock()
	d.timerOn = on
	d.mu.Unlock()
	d.poke()
}

func (d *Driver) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// look is what should be on the light now.
func (d *Driver) look() (string, Pattern) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.isBlocked {
		return blockedName, d.blocked
	}
	if d.state == Idle && d.timerOn {
		return Timer.String(), d.looks[Timer]
	}
	return d.state.String(), d.looks[d.state]
}

// Run plays the current look until ctx is cancelled, then turns the light off
// and returns nil. Run may be called only once.
func (d *Driver) Run(ctx context.Context) error {
	if !d.started.CompareAndSwap(false, true) {
		return errors.New("led: Run called twice")
	}
	var (
		name   string
		steps  []step
		i      int
		timer  clockwork.Timer
		timerC <-chan time.Time
		failed bool // the last Set failed; log only the first of a run of failures
	)
	show := func(c Color) {
		err := d.light.Set(c)
		if err != nil && !failed {
			d.log.Error("led: cannot set light", "light", fmt.Sprint(d.light), "err", err)
		}
		failed = err != nil
	}
	// play starts step i. The timer is armed before the light changes, so
	// whoever sees the change can rely on the next step being scheduled.
	play := func(p Pattern) {
		if timer != nil {
			timer.Stop()
		}
		timer, timerC = nil, nil
		s := steps[i]
		if s.d > 0 {
			timer = d.clock.NewTimer(s.d)
			timerC = timer.Chan()
		}
		show(p.color.scale(s.level))
	}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
		show(Black)
	}()

	var cur Pattern
	for {
		if n, p := d.look(); n != name || p != cur {
			name, cur, steps, i = n, p, p.steps(), 0
			if desc, ok := d.light.(Describer); ok {
				desc.Describe(name, cur)
			}
			play(cur)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-timerC:
			i = (i + 1) % len(steps)
			play(cur)
		}
	}
}
