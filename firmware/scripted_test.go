package firmware

import (
	"bytes"
	"context"
	"testing"
)

func TestScriptedMic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mic := newScriptedMic()
	pcm := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} // the odd byte is dropped
	playing := make(chan (<-chan struct{}))
	go func() {
		played, err := mic.play(ctx, pcm)
		if err != nil {
			t.Error(err)
		}
		playing <- played
	}()
	var all []byte
	buf := make([]byte, 3) // odd: only whole samples may be handed out
	for len(all) < 10 {
		n, err := mic.Read(ctx, buf)
		if err != nil || n != 2 {
			t.Fatalf("Read = %d, %v; want 2 bytes", n, err)
		}
		all = append(all, buf[:n]...)
	}
	if !bytes.Equal(all, pcm[:10]) {
		t.Errorf("read %v", all)
	}
	played := <-playing
	select {
	case <-played:
		t.Fatal("played before the reader came back for more")
	default:
	}
	readErr := make(chan error)
	go func() {
		_, err := mic.Read(ctx, buf) // comes back, finds nothing queued, waits
		readErr <- err
	}()
	<-played
	cancel()
	if err := <-readErr; err != context.Canceled {
		t.Errorf("waiting Read ended with %v, want context.Canceled", err)
	}
}

func TestScriptedMicCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newScriptedMic().Read(ctx, make([]byte, 4)); err != context.Canceled {
		t.Errorf("err = %v", err)
	}
	if _, err := newScriptedMic().play(ctx, nil); err != context.Canceled {
		t.Errorf("play err = %v", err)
	}
}
