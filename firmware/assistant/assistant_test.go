package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/firmware/internal/logbuf"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// fakeListener hands out scripted transcripts, one per Finish, through
// the assistant's inbox (send), as push-to-talk does.
type fakeListener struct {
	mu       sync.Mutex
	send     func(Input) // the assistant's Send
	next     []string
	inputs   []Input // if set, what Finish reports next (its ID set), in place of what was said
	downs    int
	muted    bool
	grammars []*grammar.Grammar
	refuse   error         // if set, the next UseGrammar is refused with it
	gate     chan struct{} // if set, Finish reports only once it is closed
	onDown   func(utt int) // if set, called by Listen
	edges    []time.Time   // the release edges Finish was given
}

// holdUps makes Finish report only once the returned channel is closed.
func (l *fakeListener) holdUps() chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gate = make(chan struct{})
	return l.gate
}

func (l *fakeListener) say(text string) {
	l.mu.Lock()
	l.next = append(l.next, text)
	l.mu.Unlock()
}

func (l *fakeListener) Listen(utt int) {
	l.mu.Lock()
	l.downs++
	onDown := l.onDown
	l.mu.Unlock()
	if onDown != nil {
		onDown(utt)
	}
}

func (l *fakeListener) Finish(utt int, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.edges = append(l.edges, at)
	in := Input{Kind: Decoded, ID: utt, Err: errors.New("nothing scripted")}
	switch {
	case len(l.inputs) > 0:
		in = l.inputs[0]
		in.ID = utt
		l.inputs = l.inputs[1:]
		if len(l.next) > 0 {
			l.next = l.next[1:]
		}
	case len(l.next) > 0:
		in = Input{Kind: Decoded, ID: utt, Text: l.next[0]}
		l.next = l.next[1:]
	}
	if gate := l.gate; gate != nil {
		go func() {
			<-gate
			l.send(in)
		}()
		return
	}
	l.send(in)
}

func (l *fakeListener) Discard(int) {}

func (l *fakeListener) Mute(m bool) {
	l.mu.Lock()
	l.muted = m
	l.mu.Unlock()
}

func (l *fakeListener) UseGrammar(g *grammar.Grammar) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.grammars = append(l.grammars, g)
	if l.refuse != nil {
		l.send(Input{Kind: GrammarRefused, Err: l.refuse})
		l.refuse = nil
	}
}

// fakeSpeaker records what is said, and audio played as "♪" and its
// length in bytes; it finishes at once, or, for audio, when hold is closed
// or its context is done.
type fakeSpeaker struct {
	said chan string
	hold chan struct{}
}

func (s *fakeSpeaker) Say(ctx context.Context, text string) error {
	s.said <- text
	return nil
}

func (s *fakeSpeaker) Play(ctx context.Context, a commands.Audio) error {
	s.said <- fmt.Sprintf("♪%d", len(a.PCM))
	if s.hold == nil {
		return nil
	}
	select {
	case <-s.hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var _ AudioSpeaker = (*fakeSpeaker)(nil)

// fakeLED reports every state shown and every watchdog alert.
type fakeLED struct {
	states  chan State
	blocked chan scheduler.BlockInfo
}

func (l *fakeLED) Show(s State)                     { l.states <- s }
func (l *fakeLED) Blocked(info scheduler.BlockInfo) { l.blocked <- info }
func (l *fakeLED) Recovered(time.Duration)          {}

// logBuffer collects log records as JSON lines.
type logBuffer struct{ logbuf.Buffer }

// records returns the records whose message is msg.
func (b *logBuffer) records(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if len(line) == 0 {
			continue // nothing logged yet
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

type harness struct {
	t        testing.TB
	logs     *logBuffer
	a        *Assistant
	clock    *clockwork.FakeClock
	listener *fakeListener
	speaker  *fakeSpeaker
	led      *fakeLED
	done     chan error
	cancel   context.CancelFunc
	stopOnce sync.Once
}

// noon is the fake clock's start: Sunday 29 November 2026, 3:04 PM.
var noon = time.Date(2026, 11, 29, 15, 4, 0, 0, time.Local)

// waitLimit bounds every wait of the harness: a regression fails in
// seconds instead of hanging until the test binary's timeout.
const waitLimit = 10 * time.Second

func newHarness(t testing.TB, cfg *Config, extra ...commands.Command) *harness {
	t.Helper()
	logs := &logBuffer{}
	h := startHarness(t, cfg, logs, Options{Commands: extra})
	h.logs = logs
	return h
}

// newHarnessWith is newHarness with options (their clock, logger and grace
// are the harness's).
func newHarnessWith(t testing.TB, cfg *Config, opts Options) *harness {
	t.Helper()
	logs := &logBuffer{}
	h := startHarness(t, cfg, logs, opts)
	h.logs = logs
	return h
}

// newQuietHarness keeps no log, for long runs.
func newQuietHarness(t testing.TB) *harness {
	t.Helper()
	return startHarness(t, nil, io.Discard, Options{})
}

func startHarness(t testing.TB, cfg *Config, logw io.Writer, opts Options) *harness {
	t.Helper()
	if cfg == nil {
		cfg = &Config{Grammar: true}
	}
	h := &harness{
		t:        t,
		clock:    clockwork.NewFakeClockAt(noon),
		listener: &fakeListener{},
		speaker:  &fakeSpeaker{said: make(chan string, 16)},
		led:      &fakeLED{states: make(chan State, 64), blocked: make(chan scheduler.BlockInfo, 4)},
		done:     make(chan error, 1),
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	opts.Clock = h.clock
	opts.Logger = slog.New(slog.NewJSONHandler(logw, nil))
	if opts.Grace == 0 {
		opts.Grace = 5 * time.Second
	}
	a, err := New(*cfg, Devices{Listener: h.listener, Speaker: h.speaker, Indicator: h.led}, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.a = a
	h.listener.send = a.Send
	go func() { h.done <- a.Run(ctx) }()
	h.expectStates(Idle)
	t.Cleanup(h.stop)
	return h
}

// stop stops the assistant; it may be called more than once.
func (h *harness) stop() {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case err := <-h.done:
			if err != nil {
				h.t.Errorf("run: %v", err)
			}
		case <-time.After(waitLimit):
			h.t.Errorf("Run did not return within %v of its context being cancelled", waitLimit)
		}
	})
}

// nextState reads the next LED state, failing the test if none comes.
func (h *harness) nextState() State {
	h.t.Helper()
	select {
	case s := <-h.led.states:
		return s
	case <-time.After(waitLimit):
		h.t.Fatalf("no LED state within %v", waitLimit)
		return 0
	}
}

// expectStates reads the next LED states and compares them.
func (h *harness) expectStates(want ...State) {
	h.t.Helper()
	var got []State
	for range want {
		got = append(got, h.nextState())
	}
	if !slices.Equal(got, want) {
		h.t.Fatalf("LED states %v, want %v", got, want)
	}
}

// utter presses, says text, releases.
func (h *harness) utter(text string) {
	h.listener.say(text)
	h.a.Send(Input{Kind: Pressed})
	h.a.Send(Input{Kind: Released})
}

// untilRest reads LED states up to and including the next idle or muted.
func (h *harness) untilRest() []State {
	h.t.Helper()
	var got []State
	for {
		s := h.nextState()
		got = append(got, s)
		if s == Idle || s == Muted {
			return got
		}
	}
}

// said returns what Hark has said so far and not yet been read.
func (h *harness) said() []string {
	var got []string
	for {
		select {
		case s := <-h.speaker.said:
			got = append(got, s)
		default:
			return got
		}
	}
}

// turn utters text and expects Hark to answer with want, in order, and come
// to rest. Speech is reported before the state after it, so by then every
// answer has been said.
func (h *harness) turn(text string, want ...string) {
	h.t.Helper()
	h.utter(text)
	var states []State
	for len(states) == 0 || states[len(states)-1] != Idle && states[len(states)-1] != Muted {
		s := h.nextState()
		states = append(states, s)
		if s == Failed {
			h.clock.Advance(errorShown) // an error answer, said, is shown a while
		}
	}
	if got := h.said(); !slices.Equal(got, want) {
		h.t.Fatalf("%q: Hark said %q, want %q", text, got, want)
	}
	if len(states) < 3 || states[0] != Listening || states[1] != Thinking || slices.Contains(states, Speaking) != (len(want) > 0) {
		h.t.Fatalf("%q: LED states %v", text, states)
	}
}

// lingeringSpeaker's Say runs until its context is cancelled, then takes a
// moment more to return, as a real speaker stopping its sound device does.
type lingeringSpeaker struct {
	started  chan struct{}
	returned atomic.Bool
}

func (s *lingeringSpeaker) Say(ctx context.Context, text string) error {
	close(s.started)
	<-ctx.Done()
	time.Sleep(50 * time.Millisecond)
	s.returned.Store(true)
	return ctx.Err()
}

// TestRunWaitsForSpeech: Run returns only once the speech it started has
// returned, so the caller may close the sound device after it (speech
// goroutines were once left running while Run's caller tore malgo down).
func TestRunWaitsForSpeech(t *testing.T) {
	speaker := &lingeringSpeaker{started: make(chan struct{})}
	listener := &fakeListener{}
	listener.say("what time is it")
	a, err := New(Config{}, Devices{Listener: listener, Speaker: speaker, Indicator: &fakeLED{states: make(chan State, 64), blocked: make(chan scheduler.BlockInfo, 4)}}, Options{Clock: clockwork.NewFakeClockAt(noon)})
	if err != nil {
		t.Fatal(err)
	}
	listener.send = a.Send
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	a.Send(Input{Kind: Pressed})
	a.Send(Input{Kind: Released})
	select {
	case <-speaker.started:
	case <-time.After(waitLimit):
		t.Fatal("Hark did not start speaking")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	if !speaker.returned.Load() {
		t.Error("Run returned while the speaker was still speaking")
	}
}

// The release edge reaches the listener, so that push-to-talk decodes the
// audio captured up to it rather than up to when the loop got round to it.
func TestReleaseEdgeReachesListener(t *testing.T) {
	h := newHarness(t, nil)
	edge := noon.Add(-40 * time.Millisecond) // the loop sees it later
	h.listener.say("")
	h.a.Send(Input{Kind: Pressed, At: noon.Add(-2 * time.Second)})
	h.a.Send(Input{Kind: Released, At: edge})
	h.untilRest()
	h.listener.mu.Lock()
	defer h.listener.mu.Unlock()
	if !slices.Equal(h.listener.edges, []time.Time{edge}) {
		t.Errorf("Up got release edges %v, want [%v]", h.listener.edges, edge)
	}
}

// A command still holding the loop past the grace leaves the loop and its
// watchdog running after Run has returned, and the caller then closes the
// devices: nothing may reach them any more. Before the gate the watchdog
// showed its alert on the LED after Run had returned.
func TestNoDeviceUseAfterRun(t *testing.T) {
	started, proceed := make(chan struct{}), make(chan struct{})
	stubborn := commands.Command{
		Name: "stubborn", Pattern: "hold on", Kind: commands.Async,
		Handler: func(req *commands.Request) (commands.Response, error) {
			close(started)
			<-proceed // holds the loop, ignoring its context
			return commands.Response{Text: "done"}, nil
		},
	}
	// The watchdog's threshold is long past the grace: it fires after Run
	// has returned, and reports the event after showing the alert.
	cfg := &Config{Grammar: true, WatchdogThreshold: time.Second}
	alerts := make(chan Event, 1)
	onEvent := func(e Event) {
		if e.Kind == EventBlocked {
			alerts <- e
		}
	}
	h := newHarnessWith(t, cfg, Options{Commands: []commands.Command{stubborn}, Grace: 10 * time.Millisecond, OnEvent: onEvent})
	h.utter("hold on")
	<-started
	h.stopOnce.Do(func() {}) // stopped here, expecting the grace to run out
	h.cancel()
	select {
	case err := <-h.done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Run returned %v, want the grace's deadline", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after its grace")
	}
	select {
	case <-alerts:
	case <-time.After(waitLimit):
		t.Fatal("the watchdog did not report the held loop")
	}
	close(proceed)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := h.a.sched.Shutdown(ctx); err != nil {
		t.Fatalf("the loop did not stop after the command returned: %v", err)
	}
	if n := len(h.led.blocked); n != 0 {
		t.Errorf("the watchdog's alert was shown %d times after Run returned", n)
	}
}
