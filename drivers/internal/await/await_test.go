package await

import (
	"fmt"
	"testing"
)

// fatalTB records a Fatalf's message and stops the calling function, as
// testing.T's does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

// failure runs f with a TB that records a Fatalf, and returns its message.
func failure(t *testing.T, f func(testing.TB)) (msg string) {
	tb := &fatalTB{TB: t}
	defer func() {
		if r := recover(); r != nil && r != any(tb) {
			panic(r)
		}
		msg = tb.msg
	}()
	f(tb)
	return ""
}

// The timeouts themselves are not exercised: that would take Limit per case.
func TestRecvAndSend(t *testing.T) {
	ch := make(chan int, 1)
	Send(t, ch, 7, "seven")
	if got := Recv(t, ch, "seven"); got != 7 {
		t.Fatalf("Recv = %d, want 7", got)
	}
	close(ch)
	if msg := failure(t, func(tb testing.TB) { Recv(tb, ch, "the eight") }); msg != "waiting for the eight: channel closed" {
		t.Errorf("Recv on a closed channel failed with %q", msg)
	}
	if err := Context(t).Err(); err != nil {
		t.Errorf("a new Context is already done: %v", err)
	}
	Guard("TestRecvAndSend")()
}

// TestWatchdogStops: a watchdog that is told of progress, or whose test
// ends, does not panic. Its panic itself is not exercised: that takes Limit.
func TestWatchdogStops(t *testing.T) {
	w := Watch(t, "TestWatchdogStops")
	for range 3 {
		w.Progress()
	}
}
