package audio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestPCMSourceAsFastAsPossible(t *testing.T) {
	pcm := ramp(0, 1001) // odd sample count, 2002 bytes
	src := NewPCMSource(append(pcm, 0xff), nil)
	var got []byte
	buf := make([]byte, 777) // odd: reads must still be whole samples
	for {
		n, err := src.Read(context.Background(), buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n%2 != 0 {
			t.Fatalf("Read = %d bytes, not whole samples", n)
		}
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, pcm) {
		t.Errorf("read back %d bytes, want %d (the trailing half sample dropped)", len(got), len(pcm))
	}
}

func TestPCMSourcePacedByClock(t *testing.T) {
	clock := newFakeClock()
	pcm := ramp(0, 480) // 30 ms
	src := NewPCMSource(pcm, clock)
	type read struct {
		n   int
		err error
	}
	reads := make(chan read)
	next := func() {
		go func() {
			n, err := src.Read(context.Background(), make([]byte, 4096))
			reads <- read{n, err}
		}()
	}
	for i := range 3 {
		next()
		// The source waits for the chunk to have been spoken: 10 ms.
		if d := recv(t, clock.waits, "clock wait of the source"); d != 10*time.Millisecond {
			t.Fatalf("chunk %d: source waits %v, want 10ms", i, d)
		}
		select {
		case r := <-reads:
			t.Fatalf("chunk %d handed out (%d bytes, %v) before its time", i, r.n, r.err)
		default:
		}
		clock.Advance(10 * time.Millisecond)
		if r := recv(t, reads, "Read"); r.n != realtimeChunk || r.err != nil {
			t.Fatalf("chunk %d: Read = %d, %v; want %d bytes", i, r.n, r.err, realtimeChunk)
		}
	}
	next()
	if r := recv(t, reads, "Read at the end"); r.err != io.EOF {
		t.Errorf("Read at the end = %d, %v; want io.EOF", r.n, r.err)
	}
}

func TestPCMSourceCancelled(t *testing.T) {
	src := NewPCMSource(ramp(0, 480), newFakeClock())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.Read(ctx, make([]byte, 64)); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v, want context.Canceled", err)
	}
}
