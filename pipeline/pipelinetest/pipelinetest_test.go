package pipelinetest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// The fakes stand in for these interfaces; pipelinetest cannot import
// audio itself (audio's tests import pipelinetest).
var (
	_ audio.TimedSource   = (*pipelinetest.LateMic)(nil)
	_ pipeline.Recognizer = (*pipelinetest.Recognizer)(nil)
	_ audio.Source        = (*pipelinetest.Source)(nil)
)

// testContext fails a test in seconds where it would otherwise hang.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRecognizerScriptAndRecord(t *testing.T) {
	r := &pipelinetest.Recognizer{}
	boom := errors.New("decoder exploded")
	r.Script("one", "two")
	r.ScriptResult(pipeline.Result{Text: "three"}, boom)
	tests := []struct {
		fed     []byte
		want    string
		wantErr error
	}{
		{[]byte{1, 2}, "one", nil},
		{[]byte{3, 4, 5, 6}, "two", nil},
		{nil, "three", boom},
		{[]byte{7, 8}, "", nil}, // the script has run out
	}
	for i, tt := range tests {
		if _, err := r.Accept(tt.fed); err != nil {
			t.Fatal(err)
		}
		if got := r.Current(); !bytes.Equal(got, tt.fed) {
			t.Errorf("utterance %d: Current() = %v, want %v", i, got, tt.fed)
		}
		res, err := r.Final()
		if res.Text != tt.want || !errors.Is(err, tt.wantErr) {
			t.Errorf("utterance %d: Final() = %q, %v; want %q, %v", i, res.Text, err, tt.want, tt.wantErr)
		}
	}
	want := [][]byte{{1, 2}, {3, 4, 5, 6}, nil, {7, 8}}
	if got := r.Utterances(); len(got) != len(want) {
		t.Fatalf("Utterances() = %v, want %v", got, want)
	} else {
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("utterance %d recorded as %v, want %v", i, got[i], want[i])
			}
		}
	}
	if r.Accepted() != 8 {
		t.Errorf("Accepted() = %d, want 8", r.Accepted())
	}
}

func TestRecognizerGrammarResetCloseFailures(t *testing.T) {
	r := &pipelinetest.Recognizer{}
	g := grammar.Phrases("lights on", "lights off")
	r.SetGrammar(g)
	r.SetGrammar(nil)
	if got, want := r.Grammars(), []*grammar.Grammar{grammar.Phrases("lights on", "lights off"), nil}; !reflect.DeepEqual(got, want) {
		t.Errorf("Grammars() = %+v, want %+v", got, want)
	}

	boom := errors.New("no")
	r.FailAccept(boom)
	if _, err := r.Accept([]byte{1, 2}); !errors.Is(err, boom) {
		t.Errorf("Accept after FailAccept = %v, want %v", err, boom)
	}
	r.FailAccept(nil)
	r.Accept([]byte{3, 4})
	r.Reset()
	if r.Resets() != 1 || len(r.Current()) != 0 || r.Accepted() != 2 {
		t.Errorf("after Reset: %d resets, current %v, accepted %d; want 1, none, 2", r.Resets(), r.Current(), r.Accepted())
	}
	if r.Closed() {
		t.Error("Closed before Close")
	}
	r.Close()
	if !r.Closed() {
		t.Error("not Closed after Close")
	}
}

func TestRecognizerWaitAccepted(t *testing.T) {
	r := &pipelinetest.Recognizer{}
	done := make(chan error, 1)
	go func() { done <- r.WaitAccepted(testContext(t), 4) }()
	r.Accept([]byte{1, 2})
	r.Accept([]byte{3, 4})
	if err := <-done; err != nil { // bounded by testContext
		t.Fatalf("WaitAccepted = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.WaitAccepted(ctx, 5); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitAccepted beyond what was fed = %v, want context.Canceled", err)
	}
}

func TestSource(t *testing.T) {
	ctx := testContext(t)
	s := pipelinetest.NewSource()
	pcm := make([]byte, pipelinetest.Period+101) // a period, then 50 samples and a half
	for i := range pcm {
		pcm[i] = byte(i)
	}
	type read struct {
		b   []byte
		err error
	}
	reads := make(chan read)
	go func() {
		buf := make([]byte, 101) // odd and short: whole samples, the rest kept
		for {
			n, err := s.Read(ctx, buf)
			reads <- read{bytes.Clone(buf[:n]), err}
			if err != nil {
				return
			}
		}
	}()
	sent := make(chan error, 1)
	go func() {
		err := s.Send(ctx, pcm)
		if err == nil {
			err = s.Sync(ctx)
		}
		sent <- err
		s.End(nil)
	}()
	var got []byte
	empty := 0
	for {
		var r read
		select {
		case r = <-reads:
		case <-ctx.Done():
			t.Fatal("reader stuck")
		}
		if r.err != nil {
			if r.err != io.EOF {
				t.Fatalf("Read = %v, want io.EOF at the end", r.err)
			}
			break
		}
		if len(r.b)%2 != 0 || len(r.b) > 100 {
			t.Fatalf("Read = %d bytes, want whole samples fitting the buffer", len(r.b))
		}
		if len(r.b) == 0 {
			empty++
		}
		got = append(got, r.b...)
	}
	if err := <-sent; err != nil { // sent before the source ended
		t.Fatal(err)
	}
	if !bytes.Equal(got, pcm[:len(pcm)-1]) || empty != 2 {
		t.Errorf("read %d bytes and %d empty reads, want %d (the odd byte dropped) and Sync's 2", len(got), empty, len(pcm)-1)
	}
	if err := s.Send(ctx, []byte{1, 2}); !errors.Is(err, pipelinetest.ErrEnded) {
		t.Errorf("Send after End = %v, want ErrEnded", err)
	}
}

func TestSourceReadRespectsContext(t *testing.T) {
	s := pipelinetest.NewSource()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Read(ctx, make([]byte, 4)); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v", err)
	}
	if err := s.Send(ctx, []byte{1, 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with no reader and a cancelled context = %v", err)
	}
	s.End(errors.New("usb gone"))
	if _, err := s.Read(context.Background(), make([]byte, 4)); err == nil || err.Error() != "usb gone" {
		t.Errorf("Read after End(usb gone) = %v", err)
	}
}

// LateMic hands each period out Delay after its capture, says PCM and then
// silence, and knows when what it handed out was captured.
func TestLateMic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		pcm := make([]byte, 2*pipelinetest.Period)
		for i := range pcm {
			pcm[i] = 1
		}
		m := &pipelinetest.LateMic{PCM: pcm, Start: start, Delay: 200 * time.Millisecond}
		buf := make([]byte, 4*pipelinetest.Period)
		for i, wantByte := range []byte{1, 1, 0} {
			n, err := m.Read(t.Context(), buf)
			if err != nil || n != pipelinetest.Period {
				t.Fatalf("read %d: %d bytes, %v; want a period", i, n, err)
			}
			captured := start.Add(time.Duration(i+1) * 10 * time.Millisecond)
			if got := time.Since(start); got != 10*time.Millisecond*time.Duration(i+1)+200*time.Millisecond {
				t.Errorf("read %d handed out %v after the start, want 200 ms after its capture", i, got)
			}
			if !m.Captured().Equal(captured) {
				t.Errorf("read %d: captured %v after the start, want %v", i, m.Captured().Sub(start), captured.Sub(start))
			}
			if buf[0] != wantByte || buf[n-1] != wantByte {
				t.Errorf("read %d: audio %d…%d, want %d", i, buf[0], buf[n-1], wantByte)
			}
		}
	})
}
