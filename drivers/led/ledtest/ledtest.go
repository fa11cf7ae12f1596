package ledtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/drivers/led"
)

// Call is one call made on a Light: a Set or a Describe.
type Call struct {
	// State is the look's name for a Describe ("listening", "blocked"); it
	// is empty for a Set.
	State string
	// Pattern is the look described; Describe only.
	Pattern led.Pattern
	// Color is the colour set; Set only.
	Color led.Color
	// At is when the call was made, by Light.Clock; zero without a Clock.
	At time.Time
}

// IsDescribe reports whether c is a Describe rather than a Set.
func (c Call) IsDescribe() bool { return c.State != "" }

// String is "listening: solid blue" for a Describe and the colour ("blue",
// "#000a00") for a Set.
func (c Call) String() string {
	if c.IsDescribe() {
		return c.State + ": " + c.Pattern.String()
	}
	return c.Color.String()
}

// Look matches the Describe of the look named state, for Wait.
func Look(state string) func(Call) bool {
	return func(c Call) bool { return c.IsDescribe() && c.State == state }
}

// Shows matches a Set of colour col, for Wait.
func Shows(col led.Color) func(Call) bool {
	return func(c Call) bool { return !c.IsDescribe() && c.Color == col }
}

// Light is a fake led.Light, and led.Describer, that records every call. The
// zero value is ready to use; set Inner and Clock before the first call.
// Its methods may be called from any goroutine.
type Light struct {
	// Inner, when set, receives every Set and (if it is a led.Describer)
	// every Describe before the call is recorded, so that whoever sees the
	// call can check Inner's effect, such as a gpiotest pin's level under a
	// led.GPIO.
	Inner led.Light
	// Clock stamps each Call's At. Default: none, At stays zero.
	Clock clockwork.Clock

	mu      sync.Mutex
	calls   []Call
	next    int           // the first call Next and Wait have not returned
	err     error         // see Fail
	changed chan struct{} // closed, and replaced, at every call
}

var (
	_ led.Light     = (*Light)(nil)
	_ led.Describer = (*Light)(nil)
)

// String implements fmt.Stringer; a led.Driver names the light so in logs.
func (l *Light) String() string {
	if l.Inner != nil {
		return fmt.Sprintf("ledtest.Light over %v", l.Inner)
	}
	return "ledtest.Light"
}

// Set implements led.Light. It returns the error given to Fail, if any,
// else Inner's.
func (l *Light) Set(c led.Color) error {
	var err error
	if l.Inner != nil {
		err = l.Inner.Set(c)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recordLocked(Call{Color: c})
	if l.err != nil {
		return l.err
	}
	return err
}

// Describe implements led.Describer.
func (l *Light) Describe(state string, p led.Pattern) {
	if d, ok := l.Inner.(led.Describer); ok {
		d.Describe(state, p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recordLocked(Call{State: state, Pattern: p})
}

// Fail makes every later Set return err, as a light whose bus broke would;
// the calls are still recorded and passed to Inner. Fail(nil) heals it.
func (l *Light) Fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
}

func (l *Light) recordLocked(c Call) {
	if l.Clock != nil {
		c.At = l.Clock.Now()
	}
	l.calls = append(l.calls, c)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

// Calls returns every call so far, oldest first, whether or not Next or
// Wait has returned it.
func (l *Light) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

// Next returns the oldest call that Next and Wait have not returned yet,
// waiting for one until ctx is done. Give ctx a deadline: a call that never
// comes should fail the test, not hang it.
func (l *Light) Next(ctx context.Context) (Call, error) {
	c, _, err := l.await(ctx, nil)
	if err != nil {
		calls := l.Calls()
		last := "none"
		if len(calls) > 0 {
			last = calls[len(calls)-1].String()
		}
		return Call{}, fmt.Errorf("ledtest: no new call on the light: %w; %d calls before, the last %s", err, len(calls), last)
	}
	return c, nil
}

// Wait returns the first call, from the oldest not yet returned, for which
// match is true, passing over the others for good. It waits for one until
// ctx is done; the error then lists the calls passed over.
func (l *Light) Wait(ctx context.Context, match func(Call) bool) (Call, error) {
	c, skipped, err := l.await(ctx, match)
	if err != nil {
		return Call{}, fmt.Errorf("ledtest: no matching call on the light: %w; %s", err, describe(skipped))
	}
	return c, nil
}

// await is Wait; a nil match takes any call.
func (l *Light) await(ctx context.Context, match func(Call) bool) (Call, []Call, error) {
	var skipped []Call
	for {
		l.mu.Lock()
		if l.next < len(l.calls) {
			c := l.calls[l.next]
			l.next++
			l.mu.Unlock()
			// match runs unlocked: it may call Calls.
			if match == nil || match(c) {
				return c, skipped, nil
			}
			skipped = append(skipped, c)
			continue
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return Call{}, skipped, ctx.Err()
		}
	}
}

// describe lists the last calls passed over, for an error.
func describe(skipped []Call) string {
	const show = 10
	if len(skipped) == 0 {
		return "no other call came meanwhile"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d other calls came meanwhile", len(skipped))
	if len(skipped) > show {
		fmt.Fprintf(&b, ", the last %d", show)
		skipped = skipped[len(skipped)-show:]
	}
	b.WriteString(": ")
	for i, c := range skipped {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}
