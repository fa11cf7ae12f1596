package audio

// #include <stdlib.h>
// #include "capture.h"
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// ring is a bounded single-producer single-consumer byte queue between a
// capture device (producer) and the reader, in C memory so that a device's C
// callback writes it without calling into Go (capture.c has the code). write
// never blocks and never allocates: a chunk that does not fit is dropped
// whole and counted, so a slow reader can never stall capture. It also
// counts the periods written and stamps the newest.
type ring struct {
	c    *C.hark_ring
	size int
	// base is the time periods are stamped from: Go's clock for periods
	// written from Go, CLOCK_MONOTONIC read just after it for C's.
	base time.Time
	// ready holds a token when data may be available; a buffered channel
	// of one lets the producer signal without blocking or allocating.
	ready chan struct{}
}

// newRing returns a ring of size bytes.
func newRing(size int) *ring {
	size &^= 1
	r := &ring{
		c:     (*C.hark_ring)(C.malloc(C.sizeof_hark_ring + C.size_t(size))),
		size:  size,
		base:  time.Now(),
		ready: make(chan struct{}, 1),
	}
	// Read after base, so that a C stamp maps onto an earlier time if anything.
	C.hark_ring_init(r.c, C.uint64_t(size), C.hark_monotonic())
	// A device writing r from C holds r through its cgo.Handle until it is
	// closed (deviceCalls).
	runtime.AddCleanup(r, func(c *C.hark_ring) { C.free(unsafe.Pointer(c)) }, r.c)
	return r
}

// write counts a period, queues it whole or, when it does not fit, drops it
// and counts an overrun, and stamps it. It reports whether the reader should
// be woken: the bytes it waits for are queued (setWant).
func (r *ring) write(p []byte) bool {
	at := time.Since(r.base)
	return C.hark_ring_write(r.c, unsafe.Pointer(unsafe.SliceData(p)), C.uint64_t(len(p)), C.int64_t(at)) != 0
}

// setWant sets how many queued bytes the reader waits for: the producer
// wakes it only once that many are there, so a reader waiting for a large
// buffer is not woken for every period.
func (r *ring) setWant(n uint64) { C.hark_ring_want(r.c, C.uint64_t(n)) }

// signal leaves the reader a token, without blocking.
func (r *ring) signal() {
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// buffered is how many bytes are queued.
func (r *ring) buffered() uint64 { return uint64(C.hark_ring_buffered(r.c)) }

// readInto moves up to len(p) bytes (a whole number of samples) into p
// without blocking and returns how many it moved.
func (r *ring) readInto(p []byte) int {
	return int(C.hark_ring_read(r.c, unsafe.Pointer(unsafe.SliceData(p)), C.uint64_t(len(p))))
}

// overruns is how many chunks were dropped because the ring was full.
func (r *ring) overruns() uint64 { return uint64(C.hark_ring_overruns(r.c)) }

// frames is how many periods were written, dropped ones included.
func (r *ring) frames() uint64 { return uint64(C.hark_ring_frames(r.c)) }

// captured is when the last queued byte was captured: the newest period was
// by the time it was written, and what is queued before it. Loading the time
// before the count errs, when a period lands in between, towards an earlier
// time: push-to-talk then waits a period longer, never less.
func (r *ring) captured() time.Time {
	at := time.Duration(C.hark_ring_at(r.c))
	return r.base.Add(at - bytesDuration(int(r.buffered())))
}

// history keeps the most recent bytes written to it, overwriting the
// oldest: the pre-roll kept while nobody is talking. It is used by a single
// goroutine.
type history struct {
	buf  []byte
	next int  // where the next byte goes
	full bool // buf has wrapped at least once
}

func newHistory(size int) *history { return &history{buf: make([]byte, size&^1)} }

func (h *history) write(p []byte) {
	if len(h.buf) == 0 {
		return
	}
	if len(p) >= len(h.buf) {
		copy(h.buf, p[len(p)-len(h.buf):])
		h.next, h.full = 0, true
		return
	}
	n := copy(h.buf[h.next:], p)
	if n < len(p) {
		h.next = copy(h.buf, p[n:])
		h.full = true
		return
	}
	h.next += n
	if h.next == len(h.buf) {
		h.next, h.full = 0, true
	}
}

// contents returns the kept bytes, oldest first, as two slices that alias
// the history (valid until the next write or reset).
func (h *history) contents() (older, newer []byte) {
	if !h.full {
		return h.buf[:h.next], nil
	}
	return h.buf[h.next:], h.buf[:h.next]
}

func (h *history) reset() { h.next, h.full = 0, false }
