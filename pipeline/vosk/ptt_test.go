package vosk

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// lateMic is a microphone that hands each 10 ms period out delay after it
// was captured (a deep device buffer, dsnoop, a slow USB microphone). It
// says pcm from the start of the test's bubble, then silence.
type lateMic struct {
	pcm   []byte
	start time.Time
	delay time.Duration
	pos   int
}

const period = 320 // bytes in 10 ms

func (m *lateMic) Read(ctx context.Context, p []byte) (int, error) {
	n := min(len(p), period) &^ 1
	due := m.start.Add(time.Duration(m.pos+n) * time.Second / 32000).Add(m.delay)
	select {
	case <-time.After(time.Until(due)):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	clear(p[:n])
	if m.pos < len(m.pcm) {
		copy(p[:n], m.pcm[m.pos:])
	}
	m.pos += n
	return n, nil
}

func (m *lateMic) Captured() time.Time {
	return m.start.Add(time.Duration(m.pos) * time.Second / 32000)
}

var _ audio.TimedSource = (*lateMic)(nil)

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
				mic := &lateMic{pcm: testmodel.Utterance("two", "two"), start: time.Now(), delay: 200 * time.Millisecond}
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
				release := mic.start.Add(1300 * time.Millisecond)
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
