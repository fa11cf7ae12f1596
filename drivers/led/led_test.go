package led_test

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

	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/led/ledtest"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// rig runs a Driver over a recording light with a fake clock.
type rig struct {
	t     *testing.T
	clock *clockwork.FakeClock
	light *ledtest.Light
	pin   *gpiotest.Pin // under the light, read after each Set, when set
	d     *led.Driver
}

// start runs a Driver over a recording light until the test ends, passing
// Set on to a GPIO LED on pin if pin is not nil, and checks that Run turns
// the light off and returns.
func start(t *testing.T, pin *gpiotest.Pin, cfg led.Config) *rig {
	t.Helper()
	clock := clockwork.NewFakeClockAt(epoch)
	r := &rig{t: t, clock: clock, light: &ledtest.Light{Clock: clock}, pin: pin}
	if pin != nil {
		r.light.Inner = led.NewGPIO(pin, led.GPIOOptions{})
	}
	cfg.Clock = clock
	r.d = led.New(r.light, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.d.Run(ctx) }()
	for _, want := range []string{"idle: ", "+0s "} {
		if got := r.next(); !strings.HasPrefix(got, want) {
			t.Fatalf("start: got %q, want %q…", got, want)
		}
	}
	t.Cleanup(func() {
		cancel()
		if err := await.Recv(t, done, "Run to return once cancelled"); err != nil {
			t.Errorf("Run: %v", err)
		}
		calls := r.light.Calls()
		if last := calls[len(calls)-1]; last.IsDescribe() || last.Color != led.Black {
			t.Errorf("last call after Run returned: %q, want the light turned off", last)
		}
	})
	return r
}

// next returns the light's next call: "listening: solid blue" for a look,
// "+250ms red" for a colour shown 250 ms after the start, with " pin High"
// when a pin is under the light.
func (r *rig) next() string {
	r.t.Helper()
	c, err := r.light.Next(await.Context(r.t))
	if err != nil {
		r.t.Fatal(err)
	}
	if c.IsDescribe() {
		return c.String()
	}
	s := fmt.Sprintf("+%s %s", c.At.Sub(epoch), c)
	if r.pin != nil {
		// The driver changes the light again only when the test moves
		// the clock, so the pin still shows this call's level.
		s += " pin " + r.pin.Read().String()
	}
	return s
}

// look waits for the driver to describe the look named state.
func (r *rig) look(state string) led.Pattern {
	r.t.Helper()
	c, err := r.light.Wait(await.Context(r.t), ledtest.Look(state))
	if err != nil {
		r.t.Fatal(err)
	}
	return c.Pattern
}

func TestPatternTimelines(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		p        led.Pattern
		pinLight bool // drive a gpiotest pin through GPIO and check its level
		// want lists the light's changes; the clock advances from one to the next.
		want []string
	}{
		{"off", led.Off(), true, []string{"+0s black pin Low"}},
		{"solid", led.Solid(led.Blue), true, []string{"+0s blue pin High"}},
		{"blink", led.Blink(led.Red, time.Second, 0.25), true, []string{
			"+0s red pin High", "+250ms black pin Low",
			"+1s red pin High", "+1.25s black pin Low", "+2s red pin High",
		}},
		{"code", led.Code(led.Red, 2, 100*ms, 500*ms), true, []string{
			"+0s red pin High", "+100ms black pin Low", "+200ms red pin High", "+300ms black pin Low",
			"+900ms red pin High", "+1s black pin Low",
		}},
		{"pulse", led.Pulse(led.Green, 320*ms), false, []string{
			"+0s black", "+10ms #000200", "+20ms #000a00",
			"+30ms #001500", "+40ms #002500", "+50ms #003900", "+60ms #004f00", "+70ms #006700",
			"+80ms #007f00", "+90ms #009800", "+100ms #00b000", "+110ms #00c600", "+120ms #00da00",
			"+130ms #00ea00", "+140ms #00f500", "+150ms #00fd00", "+160ms green", "+170ms #00fd00",
		}},
		{"pulse on an LED without dimming", led.Pulse(led.Green, 320*ms), true, monoPulse()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pin *gpiotest.Pin
			if tt.pinLight {
				pin = &gpiotest.Pin{N: "GPIO25", Num: 25}
			}
			r := start(t, pin, led.Config{Looks: map[led.State]led.Pattern{led.Listening: tt.p}})
			r.d.Set(led.Listening)
			if got, want := r.next(), "listening: "+tt.p.String(); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
			var at time.Duration
			for i, want := range tt.want {
				if got := r.next(); got != want {
					t.Fatalf("change %d: got %q, want %q", i, got, want)
				}
				if i+1 < len(tt.want) {
					next := parseAt(t, tt.want[i+1])
					r.clock.Advance(next - at)
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
		c, level := led.Color{G: rise[j]}, gpio.Low
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
		do   func(r *rig)
		want []string
	}
	set := func(s led.State) func(*rig) { return func(r *rig) { r.d.Set(s) } }
	blocked := func(on bool) func(*rig) { return func(r *rig) { r.d.SetBlocked(on) } }
	timer := func(on bool) func(*rig) { return func(r *rig) { r.d.SetTimer(on) } }
	const timerLook = "timer: 2 teal flashes of 100ms, then 2.7s dark"
	advance := func(dt time.Duration) func(*rig) { return func(r *rig) { r.clock.Advance(dt) } }
	tests := []struct {
		name string
		ops  []op
	}{
		{"every state has its look", []op{
			{set(led.Listening), []string{"listening: solid blue", "+0s blue"}},
			{set(led.Thinking), []string{"thinking: amber pulse, 1s", "+0s black"}},
			{set(led.Speaking), []string{"speaking: green pulse, 2s", "+0s black"}},
			{set(led.Error), []string{"error: 3 red flashes of 150ms, then 1.15s dark", "+0s red"}},
			{set(led.Muted), []string{"muted: purple blink, 2s at 5%", "+0s purple"}},
			{set(led.Idle), []string{"idle: off", "+0s black"}},
		}},
		{"blocked overrides and restores the previous state", []op{
			{set(led.Listening), []string{"listening: solid blue", "+0s blue"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+0s white"}},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{advance(100 * time.Millisecond), []string{"+200ms white"}},
			{blocked(false), []string{"listening: solid blue", "+200ms blue"}},
		}},
		{"state changes while blocked show when the block ends", []op{
			{set(led.Speaking), []string{"speaking: green pulse, 2s", "+0s black"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+0s white"}},
			{set(led.Error), nil},
			{set(led.Muted), nil},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{blocked(false), []string{"muted: purple blink, 2s at 5%", "+100ms purple"}},
		}},
		{"a running timer changes the idle look only", []op{
			{timer(true), []string{timerLook, "+0s teal"}},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{advance(100 * time.Millisecond), []string{"+200ms teal"}},
			{advance(100 * time.Millisecond), []string{"+300ms black"}},
			{advance(2700 * time.Millisecond), []string{"+3s teal"}},
			{set(led.Listening), []string{"listening: solid blue", "+3s blue"}},
			{set(led.Thinking), []string{"thinking: amber pulse, 1s", "+3s black"}},
			{set(led.Speaking), []string{"speaking: green pulse, 2s", "+3s black"}},
			{set(led.Error), []string{"error: 3 red flashes of 150ms, then 1.15s dark", "+3s red"}},
			{set(led.Muted), []string{"muted: purple blink, 2s at 5%", "+3s purple"}},
			{set(led.Idle), []string{timerLook, "+3s teal"}},
			{timer(false), []string{"idle: off", "+3s black"}},
		}},
		{"a timer that ends while not idle leaves no trace", []op{
			{set(led.Speaking), []string{"speaking: green pulse, 2s", "+0s black"}},
			{timer(true), nil},
			{timer(false), nil},
			{set(led.Idle), []string{"idle: off", "+0s black"}},
		}},
		{"blocked wins over the timer look", []op{
			{timer(true), []string{timerLook, "+0s teal"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+0s white"}},
			{timer(false), nil},
			{timer(true), nil},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
			{blocked(false), []string{timerLook, "+100ms teal"}},
			{blocked(true), []string{"blocked: white blink, 200ms at 50%", "+100ms white"}},
			{timer(false), nil},
			{blocked(false), []string{"idle: off", "+100ms black"}},
		}},
		{"repeated timer changes and the Timer state change nothing", []op{
			{timer(false), nil},
			{set(led.Timer), nil},
			{timer(true), []string{timerLook, "+0s teal"}},
			{timer(true), nil},
			{set(led.Timer), nil},
			{set(led.Idle), nil},
			{advance(100 * time.Millisecond), []string{"+100ms black"}},
		}},
		{"repeated and unknown states change nothing", []op{
			{set(led.Error), []string{"error: 3 red flashes of 150ms, then 1.15s dark", "+0s red"}},
			{set(led.Error), nil},
			{set(led.State(42)), nil},
			{blocked(false), nil},
			{advance(150 * time.Millisecond), []string{"+150ms black"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := start(t, nil, led.Config{})
			for i, o := range tt.ops {
				o.do(r)
				for _, want := range o.want {
					if got := r.next(); got != want {
						t.Fatalf("op %d: got %q, want %q", i, got, want)
					}
				}
			}
			// A final marker proves no unexpected calls were made: it
			// must be the very next call.
			r.d.SetBlocked(true)
			if got := r.next(); !strings.HasPrefix(got, "blocked:") {
				t.Fatalf("unexpected call %q", got)
			}
		})
	}
}

func TestConfigOverridesLooks(t *testing.T) {
	r := start(t, nil, led.Config{
		Looks:   map[led.State]led.Pattern{led.Idle: led.Solid(led.Color{R: 1, G: 2, B: 3}), led.Listening: {}},
		Blocked: led.Solid(led.Red),
	})
	if got := r.light.Calls()[0].String(); got != "idle: solid #010203" {
		t.Errorf("first look %q, want the configured idle look", got)
	}
	r.d.Set(led.Listening)
	if got := r.look("listening"); got != led.Solid(led.Blue) {
		t.Errorf("listening look %s; a zero Pattern in Looks should fall back to the default", got)
	}
	r.d.SetBlocked(true)
	if got := r.look("blocked"); got != led.Solid(led.Red) {
		t.Errorf("blocked look %s, want the configured solid red", got)
	}

	green := led.Blink(led.Green, time.Second, 0.1)
	r = start(t, nil, led.Config{Looks: map[led.State]led.Pattern{led.Timer: green}})
	r.d.SetTimer(true)
	if got := r.look("timer"); got != green {
		t.Errorf("timer look %s, want the configured %s", got, green)
	}
}

// TestTimerLookOnAPlainLED: the timer look's dim colour still lights a
// GPIO LED that cannot dim: a double blip every 3 s.
func TestTimerLookOnAPlainLED(t *testing.T) {
	r := start(t, &gpiotest.Pin{N: "GPIO25", Num: 25}, led.Config{})
	r.d.SetTimer(true)
	if got := r.next(); !strings.HasPrefix(got, "timer: ") {
		t.Fatalf("got %q, want the timer look", got)
	}
	want := []string{
		"+0s teal pin High", "+100ms black pin Low", "+200ms teal pin High", "+300ms black pin Low",
		"+3s teal pin High", "+3.1s black pin Low",
	}
	var at time.Duration
	for i, w := range want {
		if got := r.next(); got != w {
			t.Fatalf("change %d: got %q, want %q", i, got, w)
		}
		if i+1 < len(want) {
			next := parseAt(t, want[i+1])
			r.clock.Advance(next - at)
			at = next
		}
	}
}

func TestRunTwice(t *testing.T) {
	r := start(t, nil, led.Config{})
	if err := r.d.Run(await.Context(t)); err == nil {
		t.Error("second Run: got nil error")
	}
}

func TestLightErrorsAreLoggedOncePerRun(t *testing.T) {
	var log strings.Builder
	clock := clockwork.NewFakeClockAt(epoch)
	light := &ledtest.Light{Clock: clock}
	light.Fail(errors.New("bus on fire"))
	d := led.New(light, led.Config{Clock: clock, Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Looks: map[led.State]led.Pattern{led.Listening: led.Blink(led.Red, time.Second, 0.5)}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	shown := func(c led.Color) {
		t.Helper()
		if _, err := light.Wait(await.Context(t), ledtest.Shows(c)); err != nil {
			t.Fatal(err)
		}
	}
	shown(led.Black) // idle: failed, logged
	d.Set(led.Listening)
	shown(led.Red) // failed again, not logged
	clock.Advance(500 * time.Millisecond)
	shown(led.Black) // and again
	light.Fail(nil)
	clock.Advance(500 * time.Millisecond)
	shown(led.Red) // healed
	light.Fail(errors.New("bus on fire"))
	clock.Advance(500 * time.Millisecond)
	shown(led.Black) // a new run of failures: logged
	cancel()
	await.Recv(t, done, "Run to return once cancelled")
	if n := strings.Count(log.String(), "bus on fire"); n != 2 {
		t.Errorf("logged %d times, want twice, once per run of failures:\n%s", n, log.String())
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
	half := led.Color{G: 128}
	halfDuty := gpio.Duty(half.Brightness() * float64(gpio.DutyMax))
	const (
		onOff   = "GPIO25, on/off (no PWM configured)"
		dimmed  = "GPIO25, dimmed by PWM at 1kHz"
		refused = "GPIO25, on/off (pin refused PWM: no PWM here)"
	)
	tests := []struct {
		name      string
		opts      led.GPIOOptions
		refuse    bool
		c         led.Color
		level     gpio.Level
		duty      gpio.Duty
		pwmCalls  int
		viaPWMToo bool
		str       string // String after the Set
		warned    bool   // a warning about PWM was logged
	}{
		{"on", led.GPIOOptions{}, false, led.Blue, gpio.High, 0, 0, false, onOff, false},
		{"off", led.GPIOOptions{}, false, led.Black, gpio.Low, 0, 0, false, onOff, false},
		{"active-low on", led.GPIOOptions{ActiveLow: true}, false, led.Blue, gpio.Low, 0, 0, false, onOff, false},
		{"active-low off", led.GPIOOptions{ActiveLow: true}, false, led.Black, gpio.High, 0, 0, false, onOff, false},
		{"dim without PWM is on from half", led.GPIOOptions{}, false, half, gpio.High, 0, 0, false, onOff, false},
		{"dim with PWM", led.GPIOOptions{PWM: led.DefaultPWM}, false, half, gpio.Low, halfDuty, 1, true, dimmed, false},
		{"dim with PWM, active-low", led.GPIOOptions{PWM: led.DefaultPWM, ActiveLow: true}, false, half, gpio.Low, gpio.DutyMax - halfDuty, 1, true, dimmed, false},
		{"full brightness needs no PWM", led.GPIOOptions{PWM: led.DefaultPWM}, false, led.Blue, gpio.High, 0, 0, false, dimmed, false},
		{"a pin that would refuse is not asked at full brightness", led.GPIOOptions{PWM: led.DefaultPWM}, true, led.Blue, gpio.High, 0, 0, false, dimmed, false},
		{"refused PWM falls back to on/off", led.GPIOOptions{PWM: led.DefaultPWM}, true, half, gpio.High, 0, 1, false, refused, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			p := &pwmPin{Pin: &gpiotest.Pin{N: "GPIO25", Num: 25}, refuse: tt.refuse}
			opts := tt.opts
			opts.Logger = slog.New(slog.NewTextHandler(&log, nil))
			l := led.NewGPIO(p, opts)
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
			if got := l.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			// A refused PWM is neither tried again nor warned about again.
			_ = l.Set(tt.c)
			if tt.refuse && p.calls != tt.pwmCalls {
				t.Errorf("%d PWM calls after a refusal, want %d", p.calls, tt.pwmCalls)
			}
			warnings := strings.Count(log.String(), "level=WARN")
			if want := map[bool]int{false: 0, true: 1}[tt.warned]; warnings != want {
				t.Errorf("%d warnings, want %d:\n%s", warnings, want, log.String())
			}
			if tt.warned {
				for _, want := range []string{"refused PWM", "pin=GPIO25", "pwm=1kHz", `err="no PWM here"`} {
					if !strings.Contains(log.String(), want) {
						t.Errorf("warning lacks %s:\n%s", want, log.String())
					}
				}
			}
		})
	}
}

func TestStrip(t *testing.T) {
	rec := &spitest.Record{}
	s, err := led.NewStrip(rec, led.StripOptions{Pixels: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []led.Color{led.Blue, led.Black, led.Red} {
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
	if _, err := led.NewStrip(&spitest.Record{Initialized: true}, led.StripOptions{}); err == nil || !strings.Contains(err.Error(), "record") {
		t.Errorf("NewStrip on a used port: %v, want error naming the port", err)
	}
}

func TestPatternConstructorsClamp(t *testing.T) {
	tests := []struct {
		got, want led.Pattern
	}{
		{led.Blink(led.Red, time.Second, 0), led.Off()},
		{led.Blink(led.Red, time.Second, 1), led.Solid(led.Red)},
		{led.Blink(led.Red, 0, 0.5), led.Off()},
		{led.Pulse(led.Red, 0), led.Solid(led.Red)},
		{led.Code(led.Red, 0, time.Second, 0), led.Off()},
		{led.Code(led.Red, 2, 0, 0), led.Off()},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %v, want %v", tt.got, tt.want)
		}
	}
	if (led.Pattern{}).String() != "unset" || !(led.Pattern{}).IsZero() || led.Off().IsZero() {
		t.Error("zero Pattern is not distinguishable from Off")
	}
}
