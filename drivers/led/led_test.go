package led

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi/spitest"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// recorder is a Describer that reports every call, in order, with the fake
// time it happened at. It passes Set on to an inner light when there is one.
type recorder struct {
	clock *clockwork.FakeClock
	inner Light
	pin   *gpiotest.Pin // read after each Set when set
	calls chan string
}

func newRecorder(clock *clockwork.FakeClock) *recorder {
	return &recorder{clock: clock, calls: make(chan string, 64)}
}

func (r *recorder) Set(c Color) error {
	at := r.clock.Since(epoch)
	if r.inner == nil {
		r.calls <- fmt.Sprintf("+%s %s", at, c)
		return nil
	}
	err := r.inner.Set(c)
	r.calls <- fmt.Sprintf("+%s %s pin %s", at, c, r.pin.Read())
	return err
}

func (r *recorder) Describe(state string, p Pattern) {
	r.calls <- fmt.Sprintf("%s: %s", state, p)
}

func (r *recorder) next(t *testing.T) string {
	t.Helper()
	return <-r.calls
}

// start runs a Driver over r until the test ends, and checks that Run turns
// the light off and returns.
func start(t *testing.T, r *recorder, cfg Config) *Driver {
	t.Helper()
	cfg.Clock = r.clock
	d := New(r, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	for _, want := range []string{"idle: ", "+0s "} {
		if got := r.next(t); !strings.HasPrefix(got, want) {
			t.Fatalf("start: got %q, want %q…", got, want)
		}
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		var last string
		for len(r.calls) > 0 {
			last = <-r.calls
		}
		if !strings.Contains(last, " black") {
			t.Errorf("last call after Run returned: %q, want the light turned off", last)
		}
	})
	return d
}

func TestPatternTimelines(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		p        Pattern
		pinLight bool // drive a gpiotest pin through GPIO and check its level
		// want lists the light's changes; the clock advances from one to the next.
		want []string
	}{
		{"off", Off(), true, []string{"+0s black pin Low"}},
		{"solid", Solid(Blue), true, []string{"+0s blue pin High"}},
		{"blink", Blink(Red, time.Second, 0.25), true, []string{
			"+0s red pin High", "+250ms black pin Low",
			"+1s red pin High", "+1.25s black pin Low", "+2s red pin High",
		}},
		{"code", Code(Red, 2, 100*ms, 500*ms), true, []string{
			"+0s red pin High", "+100ms black pin Low", "+200ms red pin High", "+300ms black pin Low",
			"+900ms red pin High", "+1s black pin Low",
		}},
		{"pulse", Pulse(Green, 320*ms), false, []string{
			"+0s black", "+10ms #000200", "+20ms #000a00",
			"+30ms #001500", "+40ms #002500", "+50ms #003900", "+60ms #004f00", "+70ms #006700",
			"+80ms #007f00", "+90ms #009800", "+100ms #00b000", "+110ms #00c600", "+120ms #00da00",
			"+130ms #00ea00", "+140ms #00f500", "+150ms #00fd00", "+160ms green", "+170ms #00fd00",
		}},
		{"pulse on an LED without dimming", Pulse(Green, 320*ms), true, monoPulse()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(epoch)
			r := newRecorder(clock)
			if tt.pinLight {
				r.pin = &gpiotest.Pin{N: "GPIO25", Num: 25}
				r.inner = NewGPIO(r.pin, GPIOOptions{})
			}
			d := start(t, r, Config{Looks: map[State]Pattern{Listening: tt.p}})
			d.Set(Listening)
			if got, want := r.next(t), "listening: "+tt.p.String(); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
			var at time.Duration
			for i, want := range tt.want {
				if got := r.next(t); got != want {
					t.Fatalf("change %d: got %q, want %q", i, got, want)
				}
				if i+1 < len(tt.want) {
					next := parseAt(t, tt.want[i+1])
					clock.Advance(next - at)
					at = next
				}
			}
		})
	}
}

// monoPulse is one cycle and a bit of Pulse(Green, 320ms) on an LED that
// cannot dim: the pin is High while the green channel is at least 0x80.
func monoPulse() []string {
	rise := []uint8{0x00, 0x02, 0x0a, 0x15, 0x25, 0x39, 0x4f, 0x67, 0x7f, 0x98, 0xb0, 0xc6, 0xda, 0xea, 0xf5, 0xfd, 0xff}
	var out []string
	for i := range 34 {
		j := i % 32
		if j > 16 {
			j = 32 - j
		}
		c, level := Color{G: rise[j]}, gpio.Low
		if rise[j] >= 0x80 {
			level = gpio.High
		}
		out = append(out, fmt.Sprintf("+%s %s pin %s", time.Duration(i)*10*time.Millisecond, c, level))
	}
	return out
}

// parseAt reads the "+250ms" prefix of a wanted change.
func parseAt(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(strings.TrimPrefix(strings.Fields(s)[0], "+"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStateMachine(t *testing.T) {
	// Each op is applied, then the light must make exactly the listed calls
	// before the next op; nothing else happens because the clock stands still
	// except where an op advances it.
	type op struct {
		do   func(d *Driver, c *clockwork.FakeClock)
		want []string
	}
	set := func(s State) func(*Driver, *clockwork.FakeClock) {
		return func(d *Driver, _ *clockwork.FakeClock) { d.Set(s) }
	}
	blocked := func(on bool) func(*Driver, *clockwork.FakeClock) {
		return func(d *Driver, _ *clockwork.FakeClock) { d.SetBlocked(on) }
	}
	advance := func(dt time.Duration) func(*Driver, *clockwork.FakeClock) {
		return func(_ *Driver, c *clockwork.FakeClock) { c.Advance(dt) }
	}
	tests := []struct {
		name string
		ops  []op
	}{
		{"every state has its look", []op{
			{set(Listening), []string{"listening: solid blue", "+0s blue"}},
			{set(Thinking), []string{"thinking: amber pulse, 1s", "+0s black"}},
			{set(Speaking), []string{"speaking: green pulse, 2s", "+0s black"}},
			{set(Error), []string{"error: 3 red flashes of 150ms, then 1.15s dark", "+0s red"}},
			{set(Muted), []string{"muted: purple blink, 2s at 5%", "+0s purple"}},
			{set(Idle), []string{"idle: off", "+0s black"}},
		}},
		{"blocked overrides and restores the previous state", []op{
			{set(Listening), []string{"listening: solid blue", "+0s blue"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+0s white"}},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{advance(100 * time.Millisecond), []string{"+200ms white"}},
			{blocked(false), []string{"listening: solid blue", "+200ms blue"}},
		}},
		{"state changes while blocked show when the block ends", []op{
			{set(Speaking), []string{"speaking: green pulse, 2s", "+0s black"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+0s white"}},
			{set(Error), nil},
			{set(Muted), nil},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{blocked(false), []string{"muted: purple blink, 2s at 5%", "+100ms purple"}},
		}},
		{"repeated and unknown states change nothing", []op{
			{set(Error), []string{"error: 3 red flashes of 150ms, then 1.15s dark", "+0s red"}},
			{set(Error), nil},
			{set(State(42)), nil},
			{blocked(false), nil},
			{advance(150 * time.Millisecond), []string{"+150ms black"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(epoch)
			r := newRecorder(clock)
			d := start(t, r, Config{})
			for i, o := range tt.ops {
				o.do(d, clock)
				for _, want := range o.want {
					if got := r.next(t); got != want {
						t.Fatalf("op %d: got %q, want %q", i, got, want)
					}
				}
			}
			// A final marker proves no unexpected calls were made: it
			// must be the very next call.
			d.SetBlocked(true)
			if got := r.next(t); !strings.HasPrefix(got, "blocked:") {
				t.Fatalf("unexpected call %q", got)
			}
		})
	}
}

func TestConfigOverridesLooks(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	r := newRecorder(clock)
	d := start(t, r, Config{
		Looks:   map[State]Pattern{Idle: Solid(Color{1, 2, 3}), Listening: {}},
		Blocked: Solid(Red),
	})
	d.Set(Listening)
	d.SetBlocked(true)
	// Set and SetBlocked may merge into one wake-up; what matters is the
	// last look shown.
	var got []string
	for !slices.Contains(got, "+0s red") {
		got = append(got, r.next(t))
	}
	if !slices.Contains(got, "blocked: solid red") {
		t.Errorf("calls %q lack the configured blocked look", got)
	}
	if New(r, Config{Looks: map[State]Pattern{Idle: Solid(Color{1, 2, 3})}}).looks[Idle] != Solid(Color{1, 2, 3}) {
		t.Error("configured idle look not used")
	}
	if New(r, Config{Looks: map[State]Pattern{Listening: {}}}).looks[Listening] != Solid(Blue) {
		t.Error("zero Pattern in Looks did not fall back to the default")
	}
}

func TestRunTwice(t *testing.T) {
	clock := clockwork.NewFakeClockAt(epoch)
	d := start(t, newRecorder(clock), Config{})
	if err := d.Run(context.Background()); err == nil {
		t.Error("second Run: got nil error")
	}
}

// failingLight fails every Set.
type failingLight struct{ sets chan Color }

func (f failingLight) Set(c Color) error {
	f.sets <- c
	return errors.New("bus on fire")
}

func TestLightErrorsAreLoggedOnce(t *testing.T) {
	var log strings.Builder
	clock := clockwork.NewFakeClockAt(epoch)
	f := failingLight{make(chan Color, 8)}
	d := New(f, Config{Clock: clock, Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Looks: map[State]Pattern{Listening: Blink(Red, time.Second, 0.5)}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	<-f.sets
	d.Set(Listening)
	<-f.sets
	clock.Advance(500 * time.Millisecond)
	<-f.sets
	cancel()
	<-done
	if n := strings.Count(log.String(), "bus on fire"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, log.String())
	}
}

// pwmPin records PWM calls and can refuse them.
type pwmPin struct {
	*gpiotest.Pin
	refuse bool
	calls  int
}

func (p *pwmPin) PWM(d gpio.Duty, f physic.Frequency) error {
	p.calls++
	if p.refuse {
		return errors.New("no PWM here")
	}
	return p.Pin.PWM(d, f)
}

func TestGPIOLight(t *testing.T) {
	half := Green.scale(0.5) // brightness 128/255
	halfDuty := gpio.Duty(half.Brightness() * float64(gpio.DutyMax))
	tests := []struct {
		name      string
		opts      GPIOOptions
		refuse    bool
		c         Color
		level     gpio.Level
		duty      gpio.Duty
		pwmCalls  int
		viaPWMToo bool
	}{
		{"on", GPIOOptions{}, false, Blue, gpio.High, 0, 0, false},
		{"off", GPIOOptions{}, false, Black, gpio.Low, 0, 0, false},
		{"active-low on", GPIOOptions{ActiveLow: true}, false, Blue, gpio.Low, 0, 0, false},
		{"active-low off", GPIOOptions{ActiveLow: true}, false, Black, gpio.High, 0, 0, false},
		{"dim without PWM is on from half", GPIOOptions{}, false, half, gpio.High, 0, 0, false},
		{"dim with PWM", GPIOOptions{PWM: physic.KiloHertz}, false, half, gpio.Low, halfDuty, 1, true},
		{"dim with PWM, active-low", GPIOOptions{PWM: physic.KiloHertz, ActiveLow: true}, false, half, gpio.Low, gpio.DutyMax - halfDuty, 1, true},
		{"full brightness needs no PWM", GPIOOptions{PWM: physic.KiloHertz}, false, Blue, gpio.High, 0, 0, false},
		{"refused PWM falls back to on/off", GPIOOptions{PWM: physic.KiloHertz}, true, half, gpio.High, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &pwmPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, refuse: tt.refuse}
			l := NewGPIO(p, GPIOOptions{ActiveLow: tt.opts.ActiveLow, PWM: tt.opts.PWM})
			if err := l.Set(tt.c); err != nil {
				t.Fatal(err)
			}
			if tt.viaPWMToo {
				if p.D != tt.duty || p.F != tt.opts.PWM {
					t.Errorf("PWM %s at %s, want %s at %s", p.D, p.F, tt.duty, tt.opts.PWM)
				}
			} else if got := p.Read(); got != tt.level {
				t.Errorf("pin %s, want %s", got, tt.level)
			}
			if p.calls != tt.pwmCalls {
				t.Errorf("%d PWM calls, want %d", p.calls, tt.pwmCalls)
			}
			// A refused PWM is not tried again.
			_ = l.Set(tt.c)
			if tt.refuse && p.calls != 1 {
				t.Errorf("%d PWM calls after a refusal, want 1", p.calls)
			}
		})
	}
}

func TestStrip(t *testing.T) {
	rec := &spitest.Record{}
	s, err := NewStrip(rec, StripOptions{Pixels: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Color{Blue, Black, Red} {
		if err := s.Set(c); err != nil {
			t.Fatal(err)
		}
		w := rec.Ops[len(rec.Ops)-1].W
		// Start frame, then one 4-byte frame per LED: brightness, B, G, R.
		if !slices.Equal(w[:4], []byte{0, 0, 0, 0}) {
			t.Fatalf("start frame %x", w[:4])
		}
		for i := range 3 {
			f := w[4+4*i : 8+4*i]
			if f[0]&0xE0 != 0xE0 || (f[1] != 0) != (c.B != 0) || (f[2] != 0) != (c.G != 0) || (f[3] != 0) != (c.R != 0) {
				t.Errorf("%s: LED %d frame %x", c, i, f)
			}
		}
	}
	if _, err := NewStrip(&spitest.Record{Initialized: true}, StripOptions{}); err == nil || !strings.Contains(err.Error(), "record") {
		t.Errorf("NewStrip on a used port: %v, want error naming the port", err)
	}
}

func TestPatternConstructorsClamp(t *testing.T) {
	tests := []struct {
		got, want Pattern
	}{
		{Blink(Red, time.Second, 0), Off()},
		{Blink(Red, time.Second, 1), Solid(Red)},
		{Blink(Red, 0, 0.5), Off()},
		{Pulse(Red, 0), Solid(Red)},
		{Code(Red, 0, time.Second, 0), Off()},
		{Code(Red, 2, 0, 0), Off()},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %v, want %v", tt.got, tt.want)
		}
	}
	if (Pattern{}).String() != "unset" || !(Pattern{}).IsZero() || Off().IsZero() {
		t.Error("zero Pattern is not distinguishable from Off")
	}
}
