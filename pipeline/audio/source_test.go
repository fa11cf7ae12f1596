package audio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"
)

func TestPCMSourceAsFastAsPossible(t *testing.T) {
	pcm := ramp(0, 1001) // odd sample count, 2002 bytes
	src := NewPCMSource(append(pcm, 0xff), false)
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

// A paced source hands out 10 ms at a time, each chunk once it would have
// been spoken: on the bubble's clock, exactly 10 ms after the one before.
func TestPCMSourcePacedByClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := NewPCMSource(ramp(0, 480), true) // 30 ms
		start := time.Now()
		buf := make([]byte, 4096)
		for i := range 3 {
			n, err := src.Read(context.Background(), buf)
			if n != realtimeChunk || err != nil {
				t.Fatalf("chunk %d: Read = %d, %v; want %d bytes", i, n, err, realtimeChunk)
			}
			if got, want := time.Since(start), time.Duration(i+1)*10*time.Millisecond; got != want {
				t.Errorf("chunk %d handed out at %v, want %v", i, got, want)
			}
		}
		if n, err := src.Read(context.Background(), buf); err != io.EOF {
			t.Errorf("Read at the end = %d, %v; want io.EOF", n, err)
		}
	})
}

func TestPCMSourceCancelled(t *testing.T) {
	src := NewPCMSource(ramp(0, 480), true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.Read(ctx, make([]byte, 64)); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v, want context.Canceled", err)
	}
}
