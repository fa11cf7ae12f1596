package vosk

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/pipelinetest"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// The whole utterance reaches the real recognizer: the person says "two
// two" and lets go while still saying the second "two" (it ends at 1.8 s,
// the release is at 1.3 s), through a microphone that delivers its audio
// 200 ms late. Push-to-talk decodes the audio captured up to the release
// and the tail of the word; without them (the audio delivered by the
// release, as before) the last word was cut off.
func TestPushToTalkHearsTheLastWord(t *testing.T) {
	tests := []struct {
		name  string
		early time.Duration // the edge given, before the release
		tail  time.Duration
		want  string
	}{
		{"the whole utterance", 0, 0, "two two"},
		// As before: only what the microphone had delivered by the release.
		{"what was delivered by the release", 200 * time.Millisecond, -1, "two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecognizer(t, loadModel(t, false))
			synctest.Test(t, func(t *testing.T) {
				heard := make(chan audio.Event, 1)
				mic := &pipelinetest.LateMic{PCM: testmodel.Utterance("two", "two"), Start: time.Now(), Delay: 200 * time.Millisecond}
				p := audio.NewPTT(mic, r, audio.PTTConfig{PreRoll: 300 * time.Millisecond, Tail: tt.tail, OnEvent: func(e audio.Event) {
					if e.Kind == audio.Heard {
						heard <- e
					}
				}})
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error, 1)
				go func() { done <- p.Run(ctx) }()
				defer func() {
					cancel()
					<-done
				}()
				time.Sleep(100 * time.Millisecond)
				p.Listen(1)
				release := mic.Start.Add(1300 * time.Millisecond)
				time.Sleep(time.Until(release))
				p.Finish(1, release.Add(-tt.early))
				e := <-heard
				if e.Err != nil {
					t.Fatal(e.Err)
				}
				if e.Result.Text != tt.want {
					t.Errorf("heard %q, want %q", e.Result.Text, tt.want)
				}
			})
		})
	}
}
