package audio

import "sync/atomic"

// ring is a bounded single-producer single-consumer byte queue between the
// audio callback (producer) and the reader. write never blocks and never
// allocates: a chunk that does not fit is dropped whole and counted, so a
// slow reader can never stall capture.
type ring struct {
	buf      []byte
	written  atomic.Uint64 // total bytes ever written; only the producer stores
	read     atomic.Uint64 // total bytes ever read; only the consumer stores
	overruns atomic.Uint64 // chunks dropped because the ring was full
	// want is how many queued bytes the reader waits for: the producer
	// signals only once that many are there, so a reader waiting for a
	// large buffer is not woken for every period. Only the consumer stores.
	want atomic.Uint64
	// ready holds a token when data may be available; a buffered channel
	// of one lets the producer signal without blocking or allocating.
	ready chan struct{}
}

func newRing(size int) *ring {
	return &ring{buf: make([]byte, size&^1), ready: make(chan struct{}, 1)}
}

// write queues p whole or, when it does not fit, drops it and counts an
// overrun. It reports whether p was queued.
func (r *ring) write(p []byte) bool {
	w, rd := r.written.Load(), r.read.Load()
	size := uint64(len(r.buf))
	if uint64(len(p)) > size-(w-rd) {
		r.overruns.Add(1)
		return false
	}
	off := int(w % size)
	n := copy(r.buf[off:], p)
	copy(r.buf, p[n:])
	w += uint64(len(p))
	r.written.Store(w)
	// Stored written, then loaded want: the reader stores want, then loads
	// written (buffered), so one of the two sees the other's store. (rd may
	// be stale; that only makes for a needless token.)
	if w-rd >= r.want.Load() {
		r.signal()
	}
	return true
}

// signal leaves the reader a token, without blocking.
func (r *ring) signal() {
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// buffered is how many bytes are queued.
func (r *ring) buffered() uint64 { return r.written.Load() - r.read.Load() }

// readInto moves up to len(p) bytes (a whole number of samples) into p
// without blocking and returns how many it moved.
func (r *ring) readInto(p []byte) int {
	rd, w := r.read.Load(), r.written.Load()
	n := min(uint64(len(p)), w-rd) &^ 1
	if n == 0 {
		return 0
	}
	size := uint64(len(r.buf))
	off := int(rd % size)
	m := copy(p[:n], r.buf[off:])
	copy(p[m:n], r.buf)
	r.read.Store(rd + n)
	return int(n)
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
