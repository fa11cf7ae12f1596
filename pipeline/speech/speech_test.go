package speech

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// patience bounds every wait of a test on the code under test, so a
// regression fails in seconds rather than at the 10-minute test timeout.
// It is a safety net, never a timing assertion. Tests of fake devices run
// in a synctest bubble instead; these wait on espeak-ng, player commands
// and miniaudio, real processes and threads a bubble cannot wait for.
const patience = 10 * time.Second

// recv receives from ch, failing the test if nothing comes within patience.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, patience)
		var zero T
		return zero
	}
}

func requireEspeak(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatalf("espeak-ng not found (%v): run `make setup`", err)
	}
}

// recordingPlayer keeps what it was asked to play.
type recordingPlayer struct {
	mu     sync.Mutex
	played []Audio
	onPlay func()
}

func (p *recordingPlayer) Play(_ context.Context, a Audio) error {
	p.mu.Lock()
	p.played = append(p.played, a)
	p.mu.Unlock()
	if p.onPlay != nil {
		p.onPlay()
	}
	return nil
}

// blockingPlayer plays until cancelled, telling the test when it started
// and what ended it.
type blockingPlayer struct {
	started chan struct{}
	ended   chan error
}

func newBlockingPlayer() *blockingPlayer {
	return &blockingPlayer{started: make(chan struct{}, 10), ended: make(chan error, 10)}
}

func (p *blockingPlayer) Play(ctx context.Context, _ Audio) error {
	p.started <- struct{}{}
	<-ctx.Done()
	p.ended <- ctx.Err()
	return ctx.Err()
}

func TestSynthesize(t *testing.T) {
	requireEspeak(t)
	short := "turn on the light"
	long := strings.Repeat("the kitchen light is now on and the timer is set. ", 4)
	tests := []struct {
		name  string
		rate  int
		voice string
	}{
		{"defaults", 0, ""},
		{"en-us slow", 100, "en-us"},
		{"fast", 300, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Voice: tt.voice, Rate: tt.rate, Player: &recordingPlayer{}})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Synthesize(context.Background(), short)
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Synthesize(context.Background(), long)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []Audio{a, b} {
				if x.SampleRate != 22050 || len(x.PCM) == 0 || len(x.PCM)%2 != 0 {
					t.Fatalf("audio of %d bytes at %d Hz, want 16-bit samples at 22050 Hz", len(x.PCM), x.SampleRate)
				}
			}
			if !slices.ContainsFunc(a.PCM, func(b byte) bool { return b != 0 }) {
				t.Error("audio is all silence")
			}
			// long has 10 times the words of short and must last far longer.
			if b.Duration() < 4*a.Duration() {
				t.Errorf("long text lasts %v, short %v: duration does not scale with length", b.Duration(), a.Duration())
			}
		})
	}
	slow, _ := New(Config{Rate: 90, Player: &recordingPlayer{}})
	fast, _ := New(Config{Rate: 360, Player: &recordingPlayer{}})
	a, errA := slow.Synthesize(context.Background(), long)
	b, errB := fast.Synthesize(context.Background(), long)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a.Duration() < 2*b.Duration() {
		t.Errorf("at 90 wpm %v, at 360 wpm %v: rate is not applied", a.Duration(), b.Duration())
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing binary", Config{Binary: "espeak-ng-not-installed", Player: &recordingPlayer{}}, "espeak-ng-not-installed not found"},
		{"missing path", Config{Binary: "/nonexistent/espeak-ng", Player: &recordingPlayer{}}, "/nonexistent/espeak-ng not found"},
		{"no player", Config{Binary: "sh"}, "Player is nil"},
		{"negative rate", Config{Binary: "sh", Rate: -1, Player: &recordingPlayer{}}, "rate -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSynthesizeFailureNamesProgram(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fake-espeak")
	writeScript(t, bin, "echo 'no voice' >&2; exit 3")
	s, err := New(Config{Binary: bin, Player: &recordingPlayer{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Synthesize(context.Background(), "hi")
	if err == nil || !strings.Contains(err.Error(), bin) || !strings.Contains(err.Error(), "no voice") {
		t.Errorf("err = %v, want it to name %s and carry its stderr", err, bin)
	}
	writeScript(t, bin, "echo not a wav")
	if _, err = s.Synthesize(context.Background(), "hi"); err == nil || !strings.Contains(err.Error(), "RIFF") {
		t.Errorf("err = %v, want a WAV error", err)
	}
}

func TestSayGatesMicrophone(t *testing.T) {
	requireEspeak(t)
	var events []string
	var s *Speaker
	p := &recordingPlayer{onPlay: func() { events = append(events, "play speaking="+boolText(s.Speaking())) }}
	s, err := New(Config{
		Player:  p,
		OnStart: func() { events = append(events, "start") },
		OnEnd:   func() { events = append(events, "end") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Say(context.Background(), "hello"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"start", "play speaking=true", "end"}; !slices.Equal(events, want) {
		t.Errorf("events = %q, want %q", events, want)
	}
	if s.Speaking() || len(p.played) != 1 || len(p.played[0].PCM) == 0 {
		t.Errorf("after Say: speaking=%v, played %d clips", s.Speaking(), len(p.played))
	}
}

func TestStopCutsSpeechShort(t *testing.T) {
	requireEspeak(t)
	tests := []struct {
		name    string
		stop    func(s *Speaker, cancel context.CancelFunc)
		wantErr error
	}{
		{"Stop", func(s *Speaker, _ context.CancelFunc) { s.Stop() }, ErrStopped},
		{"context", func(_ *Speaker, cancel context.CancelFunc) { cancel() }, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newBlockingPlayer()
			ended := make(chan struct{})
			s, err := New(Config{Player: p, OnEnd: func() { close(ended) }})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- s.Say(ctx, strings.Repeat("this is a very long answer. ", 50)) }()
			recv(t, p.started, "start of playback")
			if !s.Speaking() {
				t.Error("not Speaking while the player plays")
			}
			tt.stop(s, cancel)
			if err := recv(t, done, "return from Say"); !errors.Is(err, tt.wantErr) {
				t.Errorf("Say = %v, want %v", err, tt.wantErr)
			}
			if err := recv(t, p.ended, "end of playback"); !errors.Is(err, context.Canceled) {
				t.Errorf("player saw %v, want context.Canceled", err)
			}
			recv(t, ended, "OnEnd")
			if s.Speaking() {
				t.Error("still Speaking after Stop")
			}
		})
	}
}

func TestNewerSayStopsOlder(t *testing.T) {
	requireEspeak(t)
	p := newBlockingPlayer()
	s, err := New(Config{Player: p})
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- s.Say(context.Background(), "first answer") }()
	recv(t, p.started, "start of the first answer")
	second := make(chan error, 1)
	go func() { second <- s.Say(context.Background(), "second answer") }()
	if err := recv(t, first, "return from the first Say"); !errors.Is(err, ErrStopped) {
		t.Errorf("first Say = %v, want ErrStopped", err)
	}
	recv(t, p.started, "start of the second answer") // the second one plays
	s.Stop()
	if err := recv(t, second, "return from the second Say"); !errors.Is(err, ErrStopped) {
		t.Errorf("second Say = %v, want ErrStopped", err)
	}
}

func TestStopWhenSilent(t *testing.T) {
	s, err := New(Config{Binary: "sh", Player: &recordingPlayer{}})
	if err != nil {
		t.Fatal(err)
	}
	s.Stop() // must not panic or block
	if s.Speaking() {
		t.Error("Speaking before anything was said")
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Play plays audio made elsewhere as Say speaks: bracketed by OnStart and
// OnEnd, and a newer Say stops it.
func TestPlayAudio(t *testing.T) {
	p := newBlockingPlayer()
	var mu sync.Mutex
	var calls []string
	note := func(s string) func() {
		return func() { mu.Lock(); calls = append(calls, s); mu.Unlock() }
	}
	s, err := New(Config{Binary: "sh", Player: p, OnStart: note("start"), OnEnd: note("end")})
	if err != nil {
		t.Fatal(err)
	}
	played := make(chan error, 1)
	go func() { played <- s.Play(context.Background(), Audio{PCM: make([]byte, 3200), SampleRate: 16000}) }()
	recv(t, p.started, "playing")
	if !s.Speaking() {
		t.Error("not speaking while playing")
	}
	s.Stop()
	if err := recv(t, played, "Play's return"); !errors.Is(err, ErrStopped) {
		t.Errorf("Play cut short returned %v, want ErrStopped", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(calls, []string{"start", "end"}) {
		t.Errorf("OnStart/OnEnd calls %v, want [start end]", calls)
	}
}
