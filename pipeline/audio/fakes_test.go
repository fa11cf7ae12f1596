package audio

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// The shared fake source stands in for a microphone in these tests.
var _ Source = (*pipelinetest.Source)(nil)

// patience bounds every wait of a test on the code under test: ample on a
// slow machine (qemu), yet a regression fails in seconds instead of at the
// 10-minute test timeout. It is a safety net, never a timing assertion.
// Tests on real devices need it: a synctest bubble cannot wait for
// miniaudio's threads (cgo). In the bubbles of Capture's tests on fake
// devices it runs on the bubble's clock: the watcher's ticks keep that
// moving, so a wait for what never comes does not deadlock there, and
// patience ends it. Push-to-talk's tests need none: a wait nothing can end
// deadlocks their bubble.
const patience = 10 * time.Second

// testContext is done after patience (or when the test ends).
func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	t.Cleanup(cancel)
	return ctx
}

// recv receives from ch, failing the test if nothing comes within
// patience; what names the awaited thing in that failure.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, patience)
		var zero T
		return zero
	}
}

// ramp is n samples counting up from first: every stretch of it is
// recognisable.
func ramp(first, n int) []byte {
	b := make([]byte, 2*n)
	for i := range n {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(first+i))
	}
	return b
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
