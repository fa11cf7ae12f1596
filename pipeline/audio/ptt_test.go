package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// The tests of push-to-talk run in a synctest bubble, so a wait that
// nothing can end fails at once as a deadlock.

// pttHarness runs a PTT over the shared fake source and recognizer.
type pttHarness struct {
	t   *testing.T
	p   *PTT
	src *pipelinetest.Source
	rec *pipelinetest.Recognizer

	errc    chan error
	cancel  context.CancelFunc
	stopped bool
	runErr  error
	events  chan Event // what push-to-talk reported
	utt     int        // the latest utterance listened to
}

// startPTT starts Run; the test's cleanup stops it. Call it inside the
// test's bubble.
func startPTT(t *testing.T, cfg PTTConfig) *pttHarness {
	t.Helper()
	return startPTTOver(t, cfg, func(s *pipelinetest.Source) Source { return s })
}

// startPTTOver starts Run on the source wrap makes of the fake one.
func startPTTOver(t *testing.T, cfg PTTConfig, wrap func(*pipelinetest.Source) Source) *pttHarness {
	t.Helper()
	h := &pttHarness{t: t, src: pipelinetest.NewSource(), rec: &pipelinetest.Recognizer{}, errc: make(chan error, 1), events: make(chan Event, 64)}
	cfg.Logger = testLogger(t)
	user := cfg.OnEvent
	cfg.OnEvent = func(e Event) {
		if user != nil {
			user(e)
		}
		h.events <- e
	}
	h.p = NewPTT(wrap(h.src), h.rec, cfg)
	var ctx context.Context
	ctx, h.cancel = context.WithCancel(context.Background())
	go func() { h.errc <- h.p.Run(ctx) }()
	t.Cleanup(func() { h.stop() })
	return h
}

// stop ends Run and returns its error.
func (h *pttHarness) stop() error {
	h.t.Helper()
	if !h.stopped {
		h.cancel()
		h.runErr, h.stopped = <-h.errc, true
	}
	return h.runErr
}

// do makes request r and returns once Run has carried it out.
func (h *pttHarness) do(r request) {
	h.t.Helper()
	r.done = make(chan struct{})
	h.p.request(r)
	<-r.done
}

// down listens to a new utterance and returns once it has begun.
func (h *pttHarness) down() {
	h.t.Helper()
	h.utt++
	h.do(request{kind: reqListen, utt: h.utt})
}

// up finishes the utterance, released now, and returns what was heard.
func (h *pttHarness) up() (pipeline.Result, error) {
	h.t.Helper()
	h.p.Finish(h.utt, time.Time{})
	e := h.next(Heard)
	if e.Utterance != h.utt {
		h.t.Fatalf("heard utterance %d, want %d", e.Utterance, h.utt)
	}
	return e.Result, e.Err
}

// mute mutes or unmutes, returning once Run has.
func (h *pttHarness) mute(muted bool) {
	h.t.Helper()
	kind := reqUnmute
	if muted {
		kind = reqMute
	}
	h.do(request{kind: kind})
}

// next returns the next event of kind, skipping the others.
func (h *pttHarness) next(kind EventKind) Event {
	h.t.Helper()
	for {
		if e := <-h.events; e.Kind == kind {
			return e
		}
	}
}

// send hands pcm to the microphone in 10 ms periods.
func (h *pttHarness) send(pcm []byte) {
	h.t.Helper()
	if err := h.src.Send(h.t.Context(), pcm); err != nil {
		h.t.Fatalf("sending audio: %v", err)
	}
}

// sync returns once Run has finished with everything sent before.
func (h *pttHarness) sync() {
	h.t.Helper()
	if err := h.src.Sync(h.t.Context()); err != nil {
		h.t.Fatalf("waiting for Run to take the audio: %v", err)
	}
}

func ms(d int) int { return d * 16 } // samples in d milliseconds

func TestPTTPreRollReachesRecognizerFirst(t *testing.T) {
	tests := []struct {
		name    string
		preRoll time.Duration
		idle    int // ms of audio before Down
		keep    int // ms of it expected in the pre-roll
	}{
		{"default keeps the last 500 ms", 0, 1000, 500},
		{"short idle keeps all", 0, 200, 200},
		{"configured 250 ms", 250 * time.Millisecond, 1000, 250},
		{"negative disables", -1, 1000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := startPTT(t, PTTConfig{PreRoll: tt.preRoll})
				h.rec.Script("heard")
				idle := ramp(0, ms(tt.idle))
				live := ramp(ms(tt.idle), ms(300))
				h.send(idle)
				h.sync()
				h.down()
				h.send(live)
				h.sync()
				// Decoding overlaps speech: the recognizer has it all before Up.
				want := concat(idle[len(idle)-2*ms(tt.keep):], live)
				if got := h.rec.Current(); !bytes.Equal(got, want) {
					t.Fatalf("before Up the recognizer has %d bytes, want %d: pre-roll then live", len(got), len(want))
				}
				res, err := h.up()
				if err != nil {
					t.Fatal(err)
				}
				if got := h.rec.Utterances(); len(got) != 1 || !bytes.Equal(got[0], want) {
					t.Fatalf("got %d utterances, want 1 of pre-roll then live audio", len(got))
				}
				if res.Text != "heard" {
					t.Errorf("Up() = %q, want the recognizer's final result %q", res.Text, "heard")
				}
			})
		})
	}
}

func TestPTTGating(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startPTT(t, PTTConfig{PreRoll: -1})
		if _, err := h.up(); !errors.Is(err, ErrNotListening) {
			t.Errorf("Up before Down: err = %v, want ErrNotListening", err)
		}
		texts := []string{"first", "second", "third"}
		h.rec.Script(texts...)
		var want [][]byte
		for i := range 3 {
			h.send(ramp(1000*i, ms(50))) // idle: not fed
			h.sync()
			h.down()
			h.down() // a repeated Down changes nothing
			speech := ramp(1000*i+500, ms(70))
			h.send(speech)
			h.sync()
			res, err := h.up()
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != texts[i] {
				t.Errorf("utterance %d: Up() = %q, want %q", i, res.Text, texts[i])
			}
			want = append(want, speech)
		}
		h.send(ramp(9000, ms(50))) // after the last Up: not fed
		h.sync()
		got := h.rec.Utterances()
		if len(got) != len(want) {
			t.Fatalf("got %d utterances, want %d", len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("utterance %d: recognizer got %d bytes, want exactly the %d spoken while down", i, len(got[i]), len(want[i]))
			}
		}
		if cur := h.rec.Current(); len(cur) != 0 {
			t.Errorf("%d bytes fed while the button was up", len(cur))
		}
	})
}

func TestPTTMaxLength(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		events := make(chan Event, 4)
		h := startPTT(t, PTTConfig{
			PreRoll:      100 * time.Millisecond,
			MaxUtterance: 200 * time.Millisecond,
			OnEvent: func(e Event) {
				if e.Kind == MaxLength {
					events <- e
				}
			},
		})
		h.rec.Script("cut at the maximum", "next")
		idle, live := ramp(0, ms(200)), ramp(ms(200), ms(300))
		h.send(idle)
		h.sync()
		h.down()
		h.send(live)
		h.sync()
		// OnEvent runs on Run's goroutine, which has finished with the audio.
		select {
		case e := <-events:
			if e.Kind != MaxLength || e.Length != 200*time.Millisecond {
				t.Errorf("event = %+v, want MaxLength at 200ms", e)
			}
			if !strings.Contains(e.String(), "maximum length") {
				t.Errorf("event text %q does not say what happened", e)
			}
		default:
			t.Fatal("no MaxLength event once the utterance passed the maximum")
		}
		res, err := h.up()
		if err != nil {
			t.Fatal(err)
		}
		want := concat(idle[len(idle)-2*ms(100):], live[:2*ms(100)])
		got := h.rec.Utterances()
		if len(got) != 1 || !bytes.Equal(got[0], want) {
			t.Fatalf("utterances = %d, want one holding exactly the first 200 ms (pre-roll included)", len(got))
		}
		if res.Text != "cut at the maximum" {
			t.Errorf("Up() = %q, want the result taken at the maximum", res.Text)
		}
		// The next utterance starts afresh.
		next := ramp(0, ms(50))
		h.send(next)
		h.sync()
		h.down()
		h.sync()
		if res, _ := h.up(); res.Text != "next" {
			t.Errorf("next utterance: Up() = %q, want %q", res.Text, "next")
		}
		if got := h.rec.Utterances(); len(got) != 2 || !bytes.Equal(got[1], next) {
			t.Errorf("next utterance fed %d bytes, want its pre-roll of %d", len(got[len(got)-1]), len(next))
		}
		select {
		case e := <-events:
			t.Errorf("unexpected event %v", e)
		default:
		}
	})
}

func TestPTTMute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startPTT(t, PTTConfig{})
		a, b, c, d := ramp(0, ms(100)), ramp(5000, ms(100)), ramp(10000, ms(100)), ramp(15000, ms(100))
		e, f := ramp(20000, ms(100)), ramp(25000, ms(100))
		h.send(a) // dropped from the pre-roll by muting
		h.sync()
		h.mute(true)
		h.send(b) // Hark speaking: discarded
		h.sync()
		h.mute(false)
		h.send(c)
		h.sync()
		h.down()
		h.send(d)
		h.sync()
		h.mute(true)
		h.send(e) // muted while down: discarded too
		h.sync()
		h.mute(false)
		h.send(f)
		h.sync()
		if _, err := h.up(); err != nil {
			t.Fatal(err)
		}
		want := concat(c, d, f)
		if got := h.rec.Utterances(); len(got) != 1 || !bytes.Equal(got[0], want) {
			t.Fatalf("recognizer got %d utterances, want 1 of %d bytes: only audio heard while unmuted", len(got), len(want))
		}
	})
}

func TestPTTSetGrammar(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startPTT(t, PTTConfig{})
		g := grammar.Phrases("lights on", "lights off")
		h.do(request{kind: reqGrammar, grammar: g})
		if got := h.rec.Grammars(); len(got) != 1 || got[0] != g {
			t.Errorf("recognizer grammars = %+v, want one: %+v", got, g)
		}
		// A grammar the recognizer refuses is reported.
		h.rec.FailSetGrammar(errors.New("no such word"))
		h.p.UseGrammar(g)
		if e := h.next(GrammarRefused); e.Err == nil || !strings.Contains(e.String(), "no such word") {
			t.Errorf("refused grammar reported as %v", e)
		}
	})
}

func TestPTTRecognizerErrorEndsUtterance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startPTT(t, PTTConfig{PreRoll: -1})
		boom := errors.New("decoder exploded")
		h.rec.FailAccept(boom)
		h.down()
		h.send(ramp(0, ms(20)))
		h.sync()
		if _, err := h.up(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "recognizer") {
			t.Fatalf("Up() err = %v, want the recognizer's error", err)
		}
		if n := h.rec.Resets(); n != 1 {
			t.Errorf("recognizer reset %d times after the failed utterance, want 1", n)
		}
		// The next utterance works.
		h.rec.FailAccept(nil)
		h.rec.Script("recovered")
		h.down()
		h.send(ramp(0, ms(20)))
		h.sync()
		if res, err := h.up(); err != nil || res.Text != "recovered" {
			t.Errorf("next utterance: Up() = %q, %v", res.Text, err)
		}
		if got := h.rec.Utterances(); len(got) != 1 || len(got[0]) != 2*ms(20) {
			t.Errorf("next utterance: recognizer got %d utterances, want 1 of %d bytes", len(got), 2*ms(20))
		}
	})
}

func TestPTTSourceEnd(t *testing.T) {
	t.Run("EOF keeps serving", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := startPTT(t, PTTConfig{})
			h.rec.Script("pre-roll")
			speech := ramp(0, ms(100))
			h.send(speech)
			h.sync()
			h.src.End(nil)
			h.down()
			res, err := h.up()
			if err != nil || res.Text != "pre-roll" {
				t.Errorf("Up() after the source ended = %q, %v; want the pre-roll's result", res.Text, err)
			}
			if got := h.rec.Utterances(); len(got) != 1 || !bytes.Equal(got[0], speech) {
				t.Errorf("after the source ended the recognizer got %d utterances, want the pre-roll", len(got))
			}
			if err := h.stop(); err != nil {
				t.Errorf("Run() = %v, want nil after cancel", err)
			}
		})
	})
	t.Run("failure ends Run", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := pipelinetest.NewSource()
			src.End(errors.New("usb gone"))
			p := NewPTT(src, &pipelinetest.Recognizer{}, PTTConfig{Logger: testLogger(t)})
			errc := make(chan error, 1)
			go func() { errc <- p.Run(t.Context()) }()
			if err := <-errc; err == nil || !strings.Contains(err.Error(), "usb gone") {
				t.Errorf("Run() = %v, want the source's error", err)
			}
		})
	})
}

func TestPTTRunOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startPTT(t, PTTConfig{})
		h.mute(false) // Run is running once this returns
		if err := h.p.Run(context.Background()); !errors.Is(err, ErrRunning) {
			t.Errorf("second Run = %v, want ErrRunning", err)
		}
	})
}

// batchingFake is the fake source made a batching one: it records what
// push-to-talk asks of it and reports as queued what the test says.
type batchingFake struct {
	*pipelinetest.Source
	fill atomic.Bool
	held atomic.Int64 // bytes queued() reports
}

func (s *batchingFake) setFill(fill bool) { s.fill.Store(fill) }
func (s *batchingFake) queued() int       { return int(s.held.Load()) }

func startPTTBatching(t *testing.T, cfg PTTConfig) (*pttHarness, *batchingFake) {
	t.Helper()
	var fake *batchingFake
	h := startPTTOver(t, cfg, func(s *pipelinetest.Source) Source {
		fake = &batchingFake{Source: s}
		return fake
	})
	return h, fake
}

// A batching source batches exactly while the button is up and the
// microphone live, and is left as it was found when Run returns.
func TestPTTLetsSourceBatchOnlyWhileIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, src := startPTTBatching(t, PTTConfig{})
		check := func(when string, want bool) {
			t.Helper()
			if got := src.fill.Load(); got != want {
				t.Errorf("%s: source batching %v, want %v", when, got, want)
			}
		}
		h.mute(false) // returns once Run serves requests
		check("idle", true)
		h.down()
		check("button down", false)
		h.mute(true)
		check("muted while down", false)
		h.mute(false)
		h.up()
		check("button up again", true)
		h.mute(true)
		check("muted", false)
		h.mute(false)
		check("unmuted", true)
		h.stop()
		check("after Run", false)
	})
}

// What a batching source holds at the press is the newest audio from before
// it: with the pre-roll kept, no more than PreRoll is fed, the oldest
// dropped first from the pre-roll and then from what the source hands over.
func TestPTTPreRollCountsWhatTheSourceHolds(t *testing.T) {
	tests := []struct {
		name string
		held int // ms the source holds at the press
		keep int // ms of the pre-roll kept
		skip int // ms of what the source holds dropped
	}{
		{"nothing held", 0, 500, 0},
		{"some held", 100, 400, 0},
		{"held as much as the pre-roll", 500, 0, 0},
		{"held more than the pre-roll", 700, 0, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, src := startPTTBatching(t, PTTConfig{PreRoll: 500 * time.Millisecond})
				idle := ramp(0, ms(1000))
				h.send(idle)
				h.sync()
				held := ramp(ms(1000), ms(tt.held))
				src.held.Store(int64(len(held)))
				h.down()
				live := ramp(ms(2000), ms(100))
				h.send(concat(held, live))
				h.sync()
				want := concat(idle[len(idle)-2*ms(tt.keep):], held[2*ms(tt.skip):], live)
				if got := h.rec.Current(); !bytes.Equal(got, want) {
					t.Fatalf("the recognizer has %d bytes, want %d: the last 500 ms before the press, then live audio", len(got), len(want))
				}
			})
		})
	}
}

// Push-to-talk over a real Capture (on a fake device): the audio the capture
// batched while the button was up reaches the recognizer at the press, not
// once a batch is full, and while the button is down every period does.
// The capture's watcher ticks on in the bubble, so the waits for audio are
// bounded (testContext), as in Capture's tests.
func TestPTTOverCaptureFeedsAtOnceWhileDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		devices := newFakeDevices()
		c, err := newCapture(CaptureConfig{Logger: testLogger(t)}, devices.open)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() }) // after Run has returned (cleanups run last first)
		mic := <-devices.opened
		// No tail: the ramp sounds like speech, and no audio comes after
		// the release to end the tail.
		h := startPTTOver(t, PTTConfig{PreRoll: 200 * time.Millisecond, Tail: -1}, func(*pipelinetest.Source) Source { return c })
		h.mute(false) // returns once Run reads the capture, batching
		deliver := func(pcm []byte) {
			for len(pcm) > 0 {
				mic.deliver(pcm[:320]) // 10 ms periods
				pcm = pcm[320:]
			}
		}
		idle := ramp(0, ms(400)) // less than a batch: all of it still in the capture
		deliver(idle)
		h.down()
		preRoll := idle[len(idle)-2*ms(200):]
		if err := h.rec.WaitAccepted(testContext(t), len(preRoll)); err != nil {
			t.Fatalf("the audio the capture held at the press did not reach the recognizer: %v", err)
		}
		live := ramp(ms(400), ms(10))
		deliver(live)
		if err := h.rec.WaitAccepted(testContext(t), len(preRoll)+len(live)); err != nil {
			t.Fatalf("a period delivered while the button is down did not reach the recognizer: %v", err)
		}
		if _, err := h.up(); err != nil {
			t.Fatal(err)
		}
		if got, want := h.rec.Utterances(), concat(preRoll, live); len(got) != 1 || !bytes.Equal(got[0], want) {
			t.Fatalf("the recognizer got %d utterances, want 1 of %d bytes: the last 200 ms before the press, then the period after", len(got), len(want))
		}
	})
}

// With KeepAudio each Heard event carries exactly the audio its utterance
// fed the recognizer, pre-roll first; the next utterance's starts afresh.
// Without it, none.
func TestPTTKeepAudio(t *testing.T) {
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := startPTT(t, PTTConfig{KeepAudio: keep, PreRoll: 100 * time.Millisecond})
				h.rec.Script("one", "two")
				idle := ramp(0, ms(300))
				h.send(idle)
				h.sync()
				for i, live := range [][]byte{ramp(ms(300), ms(200)), ramp(ms(500), ms(100))} {
					h.down()
					h.send(live)
					h.sync()
					h.p.Finish(h.utt, time.Time{})
					e := h.next(Heard)
					var want []byte
					if keep {
						want = h.rec.Utterances()[i]
					}
					if !bytes.Equal(e.Audio, want) {
						t.Fatalf("utterance %d: Heard carries %d bytes of audio, want %d", i+1, len(e.Audio), len(want))
					}
				}
				if keep && !bytes.Equal(h.rec.Utterances()[0][:2*ms(100)], idle[len(idle)-2*ms(100):]) {
					t.Error("the kept audio does not start with the pre-roll")
				}
			})
		})
	}
}
