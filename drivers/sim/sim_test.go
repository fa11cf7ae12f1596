package sim

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"

	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
)

func TestKeysDriveTheButton(t *testing.T) {
	r, w := io.Pipe()
	keys := NewKeys(r)
	// The real clock: the keyboard's edges come when the test writes, and
	// only Down and Up, which do not depend on timing, are checked.
	b, err := button.New(keys, button.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()

	// Enter presses, Enter releases; the end of input releases a held button.
	steps := []struct {
		input string
		close bool
		want  button.Kind
	}{
		{input: "\n", want: button.Down},
		{input: "\n", want: button.Up},
		{input: "anything typed counts\n", want: button.Down},
		{close: true, want: button.Up},
	}
	for i, s := range steps {
		if s.close {
			_ = w.Close()
		} else if _, err := io.WriteString(w, s.input); err != nil {
			t.Fatal(err)
		}
		e := await.Recv(t, b.Events(), "a button event")
		for e.Kind != button.Down && e.Kind != button.Up {
			e = await.Recv(t, b.Events(), "a button event") // after a gesture
		}
		if e.Kind != s.want {
			t.Fatalf("step %d: got %v, want %v", i, e, s.want)
		}
	}
	cancel()
	if err := await.Recv(t, done, "Run to return once cancelled"); err != nil {
		t.Fatal(err)
	}
}

func TestKeysLevels(t *testing.T) {
	keys := NewKeys(strings.NewReader("\n\n"))
	tests := []struct {
		pull          gpio.Pull
		idle, pressed gpio.Level
	}{
		{gpio.PullUp, gpio.High, gpio.Low},
		{gpio.PullDown, gpio.Low, gpio.High},
	}
	for _, tt := range tests {
		if err := keys.In(tt.pull, gpio.BothEdges); err != nil {
			t.Fatal(err)
		}
		if got := keys.Read(); got != tt.idle {
			t.Errorf("%s: idle level %s, want %s", tt.pull, got, tt.idle)
		}
		if !keys.WaitForEdge(await.Limit) {
			t.Fatalf("%s: no edge for a line within %s", tt.pull, await.Limit)
		}
		if got := keys.Read(); got != tt.pressed {
			t.Errorf("%s: pressed level %s, want %s", tt.pull, got, tt.pressed)
		}
		if !keys.WaitForEdge(await.Limit) || keys.Read() != tt.idle {
			t.Errorf("%s: second line did not release", tt.pull)
		}
		keys = NewKeys(strings.NewReader("\n\n"))
	}
	if err := keys.In(gpio.PullUp, gpio.RisingEdge); err == nil {
		t.Error("In with a single edge: got nil error")
	}
}

func TestKeysHaltAndEnd(t *testing.T) {
	keys := NewKeys(strings.NewReader(""))
	_ = keys.In(gpio.PullUp, gpio.BothEdges)
	// Input already ended with the button released: only Halt or the
	// timeout ends a wait, even one without a timeout.
	go func() { _ = keys.Halt() }()
	edge := make(chan bool, 1)
	go func() { edge <- keys.WaitForEdge(-1) }()
	if await.Recv(t, edge, "Halt to end WaitForEdge(-1)") {
		t.Error("WaitForEdge after the end of input reported an edge")
	}
	if keys.WaitForEdge(0) {
		t.Error("WaitForEdge(0) reported an edge")
	}
}

// lineWriter passes each write on as one string.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestLEDPlainPrintsOneLinePerState(t *testing.T) {
	out := make(lineWriter, 16)
	clock := clockwork.NewFakeClock()
	d := led.New(NewLED(out, false), led.Config{Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	steps := []struct {
		do   func()
		want string
	}{
		{func() {}, "LED: idle (off)\n"},
		{func() { d.Set(led.Listening) }, "LED: listening (solid blue)\n"},
		{func() { d.Set(led.Thinking) }, "LED: thinking (amber pulse, 1s)\n"},
		{func() { clock.Advance(5 * time.Second); d.SetBlocked(true) }, "LED: blocked (white blink, 200ms at 50%)\n"},
		{func() { clock.Advance(5 * time.Second); d.SetBlocked(false) }, "LED: thinking (amber pulse, 1s)\n"},
		{func() { d.Set(led.Error) }, "LED: error (3 red flashes of 150ms, then 1.15s dark)\n"},
		{func() { d.Set(led.Muted) }, "LED: muted (purple blink, 2s at 5%)\n"},
		{func() { d.Set(led.Speaking) }, "LED: speaking (green pulse, 2s)\n"},
		{func() { d.SetTimer(true); d.Set(led.Idle) }, "LED: timer (2 teal flashes of 100ms, then 2.7s dark)\n"},
		{func() { d.SetTimer(false) }, "LED: idle (off)\n"},
	}
	for i, s := range steps {
		s.do()
		if got := await.Recv(t, out, "a line for step "+strconv.Itoa(i)); got != s.want {
			t.Fatalf("step %d: got %q, want %q", i, got, s.want)
		}
	}
	cancel()
	await.Recv(t, done, "Run to return once cancelled")
	if len(out) != 0 {
		t.Errorf("unexpected output %q", <-out)
	}
}

func TestLEDANSIRedrawsTheLine(t *testing.T) {
	var b strings.Builder
	l := NewLED(&b, true)
	l.Describe("listening", led.Solid(led.Blue))
	_ = l.Set(led.Blue)
	_ = l.Set(led.Black)
	want := "\r\x1b[2KLED \x1b[38;2;0;0;255m●\x1b[0m listening (solid blue)" +
		"\r\x1b[2KLED \x1b[90m○\x1b[0m listening (solid blue)"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	if IsTerminal(&b) {
		t.Error("a strings.Builder is not a terminal")
	}
}

// With typing keys a line of words is typed text, handed over in order,
// and only empty lines toggle the button.
func TestTypingKeys(t *testing.T) {
	typed := make(chan string, 4)
	keys := NewTypingKeys(strings.NewReader("what time is it\n\n  and then?  \n\n"), func(s string) { typed <- s })
	if err := keys.In(gpio.PullUp, gpio.BothEdges); err != nil {
		t.Fatal(err)
	}
	for i, want := range []gpio.Level{gpio.Low, gpio.High} {
		if !keys.WaitForEdge(10 * time.Second) {
			t.Fatalf("edge %d: none", i)
		}
		if got := keys.Read(); got != want {
			t.Errorf("edge %d: level %v, want %v", i, got, want)
		}
	}
	for _, want := range []string{"what time is it", "and then?"} {
		if got := await.Recv(t, typed, "typed text"); got != want {
			t.Errorf("typed %q, want %q", got, want)
		}
	}
}
