package button

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/internal/await"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// countingPin tells how many WaitForEdge calls are in progress, so a test can
// see that Run left no watcher behind.
type countingPin struct {
	*gpiotest.Pin
	waiting atomic.Int32
}

func (p *countingPin) WaitForEdge(timeout time.Duration) bool {
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	return p.Pin.WaitForEdge(timeout)
}

// rig runs a Button over a gpiotest pin with a fake clock.
type rig struct {
	t     *testing.T
	pin   *countingPin
	clock *clockwork.FakeClock
	b     *Button
	stop  context.CancelFunc
	done  chan error
	once  sync.Once
}

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	pin := &countingPin{Pin: &gpiotest.Pin{
		N:         "GPIO17",
		Num:       17,
		EdgesChan: make(chan gpio.Level),
		// The pin's own clock only bounds WaitForEdge; the button's
		// timing runs on the fake clock.
		Clock: clockwork.NewRealClock(),
	}}
	clock := clockwork.NewFakeClockAt(epoch)
	cfg.Clock = clock
	b, err := New(pin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &rig{t: t, pin: pin, clock: clock, b: b, stop: stop, done: make(chan error, 1)}
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(r.close)
	return r
}

// close stops Run and waits for it to return; later calls do nothing.
func (r *rig) close() {
	r.once.Do(func() {
		r.stop()
		if err := await.Recv(r.t, r.done, "Run to return once cancelled"); err != nil {
			r.t.Errorf("Run: %v", err)
		}
	})
}

// edges sends levels as edges; the line settles at the last one.
func (r *rig) edges(levels ...gpio.Level) {
	r.t.Helper()
	for _, l := range levels {
		await.Send(r.t, r.pin.EdgesChan, l, "the "+l.String()+" edge")
	}
	if len(levels) > 0 {
		// The watcher may still be applying the last edge; settle the
		// line now so that whichever read comes first sees it.
		_ = r.pin.Out(levels[len(levels)-1])
	}
}

// advance moves the fake clock once the button has armed its timer.
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	if err := r.clock.BlockUntilContext(await.Context(r.t), 1); err != nil {
		r.t.Fatalf("the button armed no timer: %v", err)
	}
	r.clock.Advance(d)
}

func (r *rig) next() Event {
	r.t.Helper()
	return await.Recv(r.t, r.b.Events(), "a button event")
}

// want is an expected event, with times relative to epoch.
type want struct {
	kind Kind
	at   time.Duration
	held time.Duration
}

func (w want) String() string {
	return Event{Kind: w.kind, At: epoch.Add(w.at), Held: w.held}.String() + " at +" + w.at.String()
}

type step struct {
	edges   []gpio.Level
	advance time.Duration // once the button's timer is armed
	idle    time.Duration // with no timer pending
	want    []want
}

const (
	press   = gpio.Low
	release = gpio.High
)

func TestGestures(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		cfg   Config
		steps []step
	}{
		{
			name: "bouncing press and release give one Down and one Up",
			steps: []step{
				{edges: []gpio.Level{press, release, press, release, press}, want: []want{{kind: Down}}},
				{advance: 20 * ms},
				{advance: 480 * ms},
				{edges: []gpio.Level{release, press, release, press, release}, want: []want{{kind: Up, at: 500 * ms, held: 500 * ms}}},
				{advance: 20 * ms},
				{idle: time.Second},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 1520 * ms}}},
			},
		},
		{
			name: "release during the debounce window is reported when it ends",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 10 * ms},
				{edges: []gpio.Level{release}},
				{advance: 10 * ms, want: []want{{kind: Up, at: 20 * ms, held: 20 * ms}}},
			},
		},
		{
			name: "tap is reported after the double-tap gap",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 100 * ms},
				{edges: []gpio.Level{release}, want: []want{{kind: Up, at: 100 * ms, held: 100 * ms}}},
				{advance: 300 * ms, want: []want{{kind: Tap, at: 400 * ms}}},
			},
		},
		{
			name: "double tap replaces two taps",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 100 * ms},
				{edges: []gpio.Level{release}, want: []want{{kind: Up, at: 100 * ms, held: 100 * ms}}},
				{advance: 200 * ms},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 300 * ms}}},
				{advance: 100 * ms},
				{edges: []gpio.Level{release}, want: []want{
					{kind: Up, at: 400 * ms, held: 100 * ms},
					{kind: DoubleTap, at: 400 * ms},
				}},
				// No Tap follows: the next event is the next press.
				{advance: time.Second},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 1400 * ms}}},
			},
		},
		{
			name: "long press fires while held, and no tap on release",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 1500 * ms, want: []want{{kind: LongPress, at: 1500 * ms, held: 1500 * ms}}},
				{idle: 500 * ms},
				{edges: []gpio.Level{release}, want: []want{{kind: Up, at: 2000 * ms, held: 2000 * ms}}},
				{advance: time.Second},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 3000 * ms}}},
			},
		},
		{
			name: "medium press is neither tap nor long press",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 800 * ms},
				{edges: []gpio.Level{release}, want: []want{{kind: Up, at: 800 * ms, held: 800 * ms}}},
				{advance: time.Second},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 1800 * ms}}},
			},
		},
		{
			name: "tap then long press reports the tap when the hold becomes long",
			steps: []step{
				{edges: []gpio.Level{press}, want: []want{{kind: Down}}},
				{advance: 100 * ms},
				{edges: []gpio.Level{release}, want: []want{{kind: Up, at: 100 * ms, held: 100 * ms}}},
				{advance: 100 * ms},
				{edges: []gpio.Level{press}, want: []want{{kind: Down, at: 200 * ms}}},
				{advance: 1500 * ms, want: []want{
					{kind: Tap, at: 1700 * ms},
					{kind: LongPress, at: 1700 * ms, held: 1500 * ms},
				}},
			},
		},
		{
			name: "custom timings and active-high wiring",
			cfg:  Config{ActiveHigh: true, Debounce: 5 * ms, TapMax: 50 * ms, DoubleTapGap: 100 * ms, LongPress: 200 * ms},
			steps: []step{
				{edges: []gpio.Level{gpio.High}, want: []want{{kind: Down}}},
				{advance: 50 * ms},
				{edges: []gpio.Level{gpio.Low}, want: []want{{kind: Up, at: 50 * ms, held: 50 * ms}}},
				{advance: 100 * ms, want: []want{{kind: Tap, at: 150 * ms}}},
				{edges: []gpio.Level{gpio.High}, want: []want{{kind: Down, at: 150 * ms}}},
				{advance: 200 * ms, want: []want{{kind: LongPress, at: 350 * ms, held: 200 * ms}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.cfg)
			for i, s := range tt.steps {
				r.edges(s.edges...)
				if s.advance > 0 {
					r.advance(s.advance)
				}
				r.clock.Advance(s.idle)
				for _, w := range s.want {
					got := r.next()
					if got.Kind != w.kind || !got.At.Equal(epoch.Add(w.at)) || got.Held != w.held {
						t.Fatalf("step %d: got %v at +%s, want %v", i, got, got.At.Sub(epoch), w)
					}
				}
			}
		})
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	r := newRig(t, Config{})
	r.edges(press)
	if e := r.next(); e.Kind != Down {
		t.Fatalf("got %v, want Down", e)
	}
	r.close()
	if n := r.pin.waiting.Load(); n != 0 {
		t.Errorf("%d WaitForEdge calls still running after Run returned", n)
	}
	select {
	case e, ok := <-r.b.Events():
		if ok {
			t.Errorf("Events not closed after Run returned: got %v", e)
		}
	default:
		t.Error("Events not closed after Run returned")
	}
	if err := r.b.Run(await.Context(t)); err == nil {
		t.Error("second Run: got nil error")
	}
}

func TestPressHeldAtStartIsReported(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO17", EdgesChan: make(chan gpio.Level), Clock: clockwork.NewRealClock()}
	clock := clockwork.NewFakeClockAt(epoch)
	b, err := New(pin, Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	_ = pin.Out(press)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.Run(ctx) }()
	if e := await.Recv(t, b.Events(), "the Down event of the held press"); e.Kind != Down || !e.At.Equal(epoch) {
		t.Errorf("got %v at %s, want Down at start", e, e.At)
	}
	cancel()
	if err := await.Recv(t, done, "Run to return once cancelled"); err != nil {
		t.Error(err)
	}
}

func TestNewConfiguresPin(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		pull gpio.Pull
		idle gpio.Level
	}{
		{"active-low pulls up", Config{}, gpio.PullUp, gpio.High},
		{"active-high pulls down", Config{ActiveHigh: true}, gpio.PullDown, gpio.Low},
		{"explicit float", Config{Pull: gpio.Float}, gpio.Float, gpio.Low},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin := &gpiotest.Pin{N: "GPIO17", EdgesChan: make(chan gpio.Level)}
			if _, err := New(pin, tt.cfg); err != nil {
				t.Fatal(err)
			}
			if pin.Pull() != tt.pull || pin.Read() != tt.idle {
				t.Errorf("pull %s level %s, want %s %s", pin.Pull(), pin.Read(), tt.pull, tt.idle)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Debounce: -time.Millisecond}, "Config.Debounce is negative"},
		{Config{TapMax: 2 * time.Second}, "Config.LongPress (1.5s) must be longer than Config.TapMax (2s)"},
	}
	for _, tt := range tests {
		pin := &gpiotest.Pin{N: "GPIO17", EdgesChan: make(chan gpio.Level)}
		_, err := New(pin, tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want error containing %q", tt.cfg, err, tt.want)
		}
	}
	// gpiotest refuses edge detection without an edge channel.
	if _, err := New(&gpiotest.Pin{N: "GPIO17"}, Config{}); err == nil || !strings.Contains(err.Error(), "GPIO17") {
		t.Errorf("New on a pin without edges = %v, want error naming the pin", err)
	}
}

// With Config.OnEvent the events go to it, on Run's goroutine, in order,
// and nothing is sent on Events, which is still closed when Run returns.
func TestOnEventInsteadOfEvents(t *testing.T) {
	got := make(chan Event, 8)
	r := newRig(t, Config{OnEvent: func(e Event) { got <- e }})
	r.edges(press)
	if e := await.Recv(t, got, "the Down event"); e.Kind != Down {
		t.Fatalf("got %v, want Down", e)
	}
	r.advance(DefaultDebounce)
	r.edges(release)
	if e := await.Recv(t, got, "the Up event"); e.Kind != Up {
		t.Fatalf("got %v, want Up", e)
	}
	r.close()
	if e, ok := <-r.b.Events(); ok {
		t.Errorf("Events carried %v with OnEvent set", e)
	}
}
