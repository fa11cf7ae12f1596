package assistant

import (
	"runtime"
	"testing"
	"time"
)

// TestSoak runs 10 000 push-to-talk turns through the state machine, the
// dispatcher, the scheduler and fake audio, speech and LED, and checks
// that neither goroutines nor the heap grow with the number of turns.
func TestSoak(t *testing.T) {
	const turns, warmup = 10_000, 2_000
	h := newQuietHarness(t)
	var baseGoroutines int
	var baseHeap uint64
	for i := range turns {
		if i == warmup {
			baseGoroutines, baseHeap = settledGoroutines(baseGoroutines), liveHeap()
		}
		h.utter("what time is it")
		h.untilRest()
		if got := h.said(); len(got) != 1 {
			t.Fatalf("turn %d: said %q", i, got)
		}
	}
	goroutines, heap := settledGoroutines(baseGoroutines), liveHeap()
	t.Logf("after %d turns: goroutines %d → %d, live heap %d → %d KiB", turns-warmup, baseGoroutines, goroutines, baseHeap>>10, heap>>10)
	if goroutines > baseGoroutines {
		t.Errorf("goroutines grew from %d to %d", baseGoroutines, goroutines)
	}
	// Leaking 64 bytes a turn would add 512 KiB over the measured turns;
	// below that is the runtime's own noise, which does not grow with the
	// number of turns.
	if heap > baseHeap+512<<10 {
		t.Errorf("live heap grew from %d to %d bytes", baseHeap, heap)
	}
}

// settledGoroutines counts goroutines once those finishing a turn (a job's
// waiter, a speech that just reported) have exited: it waits until the
// count is at most want, giving up after a while (want 0: the first count).
func settledGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; want > 0 && n > want && i < 1000; i++ {
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkTurn is one push-to-talk turn through the dispatcher, the
// scheduler and fakes: press, transcript, match, a built-in command on the
// main loop, its answer spoken, back to idle.
func BenchmarkTurn(b *testing.B) {
	h := newQuietHarness(b)
	for b.Loop() {
		h.utter("what time is it")
		h.untilRest()
		h.said()
	}
}
