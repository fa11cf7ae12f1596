package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

var _ TimedSource = (*pipelinetest.LateMic)(nil)

// noise is d of random samples up to amp: speech when loud, a quiet room
// when not. Random, so that any stretch of it is found at one place only.
func noise(rng *rand.Rand, d time.Duration, amp int) []byte {
	b := make([]byte, durationBytes(d))
	for i := 0; i < len(b); i += 2 {
		binary.LittleEndian.PutUint16(b[i:], uint16(int16(rng.IntN(2*amp+1)-amp)))
	}
	return b
}

// TestUpTakesTheWholeUtterance releases the button at various points of a
// spoken utterance, from a microphone that is prompt and one that delivers
// its audio 200 ms late, and checks where the audio decoded ends: at the
// release edge when it falls in silence, at the end of the word when the
// person let go while saying it (the tail), at most Tail past the edge
// when speech goes on. Before Up waited for the audio up to the edge, the
// late microphone's utterance ended 200 ms before it, in the last word.
func TestUpTakesTheWholeUtterance(t *testing.T) {
	const (
		wordEnd = 1500 * time.Millisecond // the last word, from 1000 ms
		longEnd = 4000 * time.Millisecond // speech going on, from 3000 ms
	)
	rng := rand.New(rand.NewPCG(1, 2))
	var pcm []byte
	pcm = append(pcm, noise(rng, 500*time.Millisecond, 20)...)
	pcm = append(pcm, noise(rng, 300*time.Millisecond, 8000)...) // a word
	pcm = append(pcm, noise(rng, 200*time.Millisecond, 20)...)
	pcm = append(pcm, noise(rng, wordEnd-1000*time.Millisecond, 8000)...) // the last word
	pcm = append(pcm, noise(rng, 3000*time.Millisecond-wordEnd, 20)...)
	pcm = append(pcm, noise(rng, longEnd-3000*time.Millisecond, 8000)...)
	pcm = append(pcm, noise(rng, 2*time.Second, 20)...)

	tests := []struct {
		name     string
		press    time.Duration // from the start of pcm
		release  time.Duration
		tail     time.Duration
		from, to time.Duration // where the decoded audio must end
	}{
		{"release in silence", 400 * time.Millisecond, 1700 * time.Millisecond, 0, 1700 * time.Millisecond, 1710 * time.Millisecond},
		{"release in the last word", 400 * time.Millisecond, 1350 * time.Millisecond, 0, wordEnd, wordEnd + pause + 20*time.Millisecond},
		{"release at the end of the word", 400 * time.Millisecond, wordEnd, 0, wordEnd, wordEnd + pause + 20*time.Millisecond},
		{"speech goes on past the tail", 2500 * time.Millisecond, 3200 * time.Millisecond, 0, 3500 * time.Millisecond, 3510 * time.Millisecond},
		{"no tail", 400 * time.Millisecond, 1350 * time.Millisecond, -1, 1350 * time.Millisecond, 1360 * time.Millisecond},
	}
	for _, delay := range []time.Duration{0, 200 * time.Millisecond} {
		for _, tc := range tests {
			t.Run(tc.name+"/late "+delay.String(), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					start := time.Now()
					rec := &pipelinetest.Recognizer{}
					heard := make(chan Event, 1)
					p := NewPTT(&pipelinetest.LateMic{PCM: pcm, Start: start, Delay: delay}, rec, PTTConfig{PreRoll: 300 * time.Millisecond, Tail: tc.tail, Logger: testLogger(t), OnEvent: func(e Event) {
						if e.Kind == Heard {
							heard <- e
						}
					}})
					ctx, cancel := context.WithCancel(t.Context())
					done := make(chan error, 1)
					go func() { done <- p.Run(ctx) }()
					defer func() {
						cancel()
						if err := <-done; err != nil {
							t.Errorf("Run: %v", err)
						}
					}()

					time.Sleep(tc.press)
					p.Listen(1)
					time.Sleep(time.Until(start.Add(tc.release)))
					p.Finish(1, start.Add(tc.release))
					if e := <-heard; e.Err != nil {
						t.Fatal(e.Err)
					}
					utts := rec.Utterances()
					if len(utts) != 1 || len(utts[0]) < 64 {
						t.Fatalf("recognizer was fed %d utterances", len(utts))
					}
					fed := utts[0]
					at := bytes.Index(pcm, fed[len(fed)-64:])
					if at < 0 || !bytes.HasSuffix(pcm[:at+64], fed) {
						t.Fatal("the audio fed is not a stretch of what was said")
					}
					end := bytesDuration(at + 64)
					if end < tc.from || end > tc.to {
						t.Errorf("the audio decoded ends at %v, want %v to %v", end, tc.from, tc.to)
					}
				})
			})
		}
	}
}

// Requests are carried out in the order they were made, and those made
// while a Finish waits for its audio wait with it: a press right after a
// release does not cut the released utterance short. (Before, the
// assistant serialised its calls on a goroutine of its own and push-to-talk
// on another.)
func TestRequestsWaitForAFinish(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pcm := concat(noise(rng, 500*time.Millisecond, 20), noise(rng, 500*time.Millisecond, 8000), noise(rng, 3*time.Second, 20))
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rec := &pipelinetest.Recognizer{}
		events := make(chan Event, 16)
		p := NewPTT(&pipelinetest.LateMic{PCM: pcm, Start: start, Delay: 200 * time.Millisecond}, rec, PTTConfig{PreRoll: -1, Logger: testLogger(t), OnEvent: func(e Event) { events <- e }})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		defer func() {
			cancel()
			<-done
		}()
		time.Sleep(400 * time.Millisecond)
		p.Listen(1)
		time.Sleep(700 * time.Millisecond) // the word ends at 1 s
		release := start.Add(1100 * time.Millisecond)
		p.Finish(1, release)
		p.Listen(2) // pressed again at once
		p.Finish(2, time.Time{})
		var got []string
		for len(got) < 4 {
			e := <-events
			got = append(got, fmt.Sprint(e.Kind, " ", e.Utterance))
		}
		want := []string{"listening 1", "heard 1", "listening 2", "heard 2"}
		if !slices.Equal(got, want) {
			t.Errorf("reports %q, want %q", got, want)
		}
		utts := rec.Utterances()
		if len(utts) < 1 {
			t.Fatal("nothing fed")
		}
		first := utts[0]
		end := bytes.Index(pcm, first[len(first)-64:]) + 64
		if bytesDuration(end) < 1100*time.Millisecond {
			t.Errorf("the first utterance ends at %v, before its release at 1.1 s", bytesDuration(end))
		}
	})
}
