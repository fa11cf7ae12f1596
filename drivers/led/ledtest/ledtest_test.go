package ledtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/internal/await"
	"github.com/hark-assistant/hark/drivers/led"
)

func TestCallsInOrder(t *testing.T) {
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(epoch)
	l := &Light{Clock: clock}
	l.Describe("listening", led.Solid(led.Blue))
	_ = l.Set(led.Blue)
	clock.Advance(time.Second)
	_ = l.Set(led.Black)

	want := []string{"listening: solid blue", "blue", "black"}
	ctx := await.Context(t)
	for i, w := range want {
		c, err := l.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.String() != w {
			t.Errorf("call %d: %q, want %q", i, c, w)
		}
	}
	calls := l.Calls()
	if len(calls) != 3 || !calls[0].IsDescribe() || calls[1].IsDescribe() {
		t.Fatalf("Calls() = %v", calls)
	}
	if !calls[1].At.Equal(epoch) || !calls[2].At.Equal(epoch.Add(time.Second)) {
		t.Errorf("calls at %s and %s, want the clock's time", calls[1].At, calls[2].At)
	}
}

func TestWaitSkipsAndReportsWhatCame(t *testing.T) {
	l := &Light{}
	l.Describe("idle", led.Off())
	_ = l.Set(led.Black)
	l.Describe("listening", led.Solid(led.Blue))
	_ = l.Set(led.Blue)

	c, err := l.Wait(await.Context(t), Look("listening"))
	if err != nil || c.Pattern != led.Solid(led.Blue) {
		t.Fatalf("Wait(listening) = %v, %v", c, err)
	}
	// The skipped calls are gone for Next and Wait, not for Calls.
	if c, err := l.Next(await.Context(t)); err != nil || c.Color != led.Blue {
		t.Fatalf("Next = %v, %v; want blue", c, err)
	}
	if n := len(l.Calls()); n != 4 {
		t.Errorf("%d calls, want 4", n)
	}

	// A wait that cannot succeed ends with the context and says what came.
	_ = l.Set(led.Red)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = l.Wait(ctx, Shows(led.Green))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "1 other calls came meanwhile: red") {
		t.Errorf("Wait for a colour never shown = %v", err)
	}
	if _, err := l.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with nothing left = %v, want context.Canceled", err)
	}
}

// TestWaitWakesForLaterCalls: Wait sees calls made after it started, from
// another goroutine, as a Driver makes them.
func TestWaitWakesForLaterCalls(t *testing.T) {
	l := &Light{}
	go func() {
		for _, c := range []led.Color{led.Red, led.Green, led.Blue} {
			_ = l.Set(c)
		}
	}()
	if _, err := l.Wait(await.Context(t), Shows(led.Blue)); err != nil {
		t.Fatal(err)
	}
}

func TestFailAndInner(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO25", Num: 25}
	inner := led.NewGPIO(pin, led.GPIOOptions{})
	l := &Light{Inner: inner}
	if err := l.Set(led.Blue); err != nil || pin.Read() != gpio.High {
		t.Fatalf("Set(blue) = %v, pin %s; want nil, High", err, pin.Read())
	}
	broken := errors.New("bus on fire")
	l.Fail(broken)
	if err := l.Set(led.Black); !errors.Is(err, broken) || pin.Read() != gpio.Low {
		t.Errorf("failing Set(black) = %v, pin %s; want the error, and Low still passed on", err, pin.Read())
	}
	l.Fail(nil)
	if err := l.Set(led.Blue); err != nil {
		t.Errorf("Set after Fail(nil) = %v", err)
	}
	if n := len(l.Calls()); n != 3 {
		t.Errorf("%d calls recorded, want 3, failed ones too", n)
	}
	if got, want := l.String(), "ledtest.Light over "+inner.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
