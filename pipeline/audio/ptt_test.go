package audio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// startPTT runs a PTT over a channel source and returns it with a stop
// function that ends Run and returns its error.
func startPTT(t *testing.T, cfg PTTConfig) (*PTT, *chanSource, *fakeRecognizer, func() error) {
	t.Helper()
	src, rec := newChanSource(), &fakeRecognizer{}
	cfg.Logger = testLogger(t)
	p := NewPTT(src, rec, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var err error
	stopped := false
	stop := func() error {
		if !stopped {
			cancel()
			err, stopped = <-errc, true
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return p, src, rec, stop
}

func ms(d int) int { return d * 16 } // samples in d milliseconds

func bytesText(n int) string { return fmt.Sprintf("%d bytes", n) }

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
			p, src, rec, _ := startPTT(t, PTTConfig{PreRoll: tt.preRoll})
			idle := ramp(0, ms(tt.idle))
			live := ramp(ms(tt.idle), ms(300))
			src.send(idle)
			src.sync()
			if err := p.Down(); err != nil {
				t.Fatal(err)
			}
			src.send(live)
			src.sync()
			// Decoding overlaps speech: the recognizer has it all before Up.
			want := concat(idle[len(idle)-2*ms(tt.keep):], live)
			if got := rec.current(); !bytes.Equal(got, want) {
				t.Fatalf("before Up the recognizer has %d bytes, want %d: pre-roll then live", len(got), len(want))
			}
			res, err := p.Up()
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.utterances(); len(got) != 1 || !bytes.Equal(got[0], want) {
				t.Fatalf("got %d utterances, want 1 of pre-roll then live audio", len(got))
			}
			if res.Text != bytesText(len(want)) {
				t.Errorf("Up() = %q, want the recognizer's final result %q", res.Text, bytesText(len(want)))
			}
		})
	}
}

func TestPTTGating(t *testing.T) {
	p, src, rec, _ := startPTT(t, PTTConfig{PreRoll: -1})
	if _, err := p.Up(); !errors.Is(err, ErrNotListening) {
		t.Errorf("Up before Down: err = %v, want ErrNotListening", err)
	}
	var want [][]byte
	for i := range 3 {
		src.send(ramp(1000*i, ms(50))) // idle: not fed
		src.sync()
		p.Down()
		p.Down() // a repeated Down changes nothing
		speech := ramp(1000*i+500, ms(70))
		src.send(speech)
		src.sync()
		res, err := p.Up()
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != bytesText(len(speech)) {
			t.Errorf("utterance %d: Up() = %q, want %q", i, res.Text, bytesText(len(speech)))
		}
		want = append(want, speech)
	}
	src.send(ramp(9000, ms(50))) // after the last Up: not fed
	src.sync()
	got := rec.utterances()
	if len(got) != len(want) {
		t.Fatalf("got %d utterances, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("utterance %d: recognizer got %d bytes, want exactly the %d spoken while down", i, len(got[i]), len(want[i]))
		}
	}
	if cur := rec.current(); len(cur) != 0 {
		t.Errorf("%d bytes fed while the button was up", len(cur))
	}
}

func TestPTTMaxLength(t *testing.T) {
	events := make(chan Event, 4)
	p, src, rec, _ := startPTT(t, PTTConfig{
		PreRoll:      100 * time.Millisecond,
		MaxUtterance: 200 * time.Millisecond,
		OnEvent:      func(e Event) { events <- e },
	})
	idle, live := ramp(0, ms(200)), ramp(ms(200), ms(300))
	src.send(idle)
	src.sync()
	p.Down()
	src.send(live)
	src.sync()
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
	res, err := p.Up()
	if err != nil {
		t.Fatal(err)
	}
	want := concat(idle[len(idle)-2*ms(100):], live[:2*ms(100)])
	got := rec.utterances()
	if len(got) != 1 || !bytes.Equal(got[0], want) {
		t.Fatalf("utterances = %d, want one holding exactly the first 200 ms (pre-roll included)", len(got))
	}
	if res.Text != bytesText(len(want)) {
		t.Errorf("Up() = %q, want the result taken at the maximum, %q", res.Text, bytesText(len(want)))
	}
	// The next utterance starts afresh.
	src.send(ramp(0, ms(50)))
	src.sync()
	p.Down()
	src.sync()
	if res, _ := p.Up(); res.Text != bytesText(2*ms(50)) {
		t.Errorf("next utterance: Up() = %q, want %q", res.Text, bytesText(2*ms(50)))
	}
	if len(events) != 0 {
		t.Errorf("unexpected event %v", <-events)
	}
}

func TestPTTMute(t *testing.T) {
	p, src, rec, _ := startPTT(t, PTTConfig{})
	a, b, c, d := ramp(0, ms(100)), ramp(5000, ms(100)), ramp(10000, ms(100)), ramp(15000, ms(100))
	e, f := ramp(20000, ms(100)), ramp(25000, ms(100))
	src.send(a) // dropped from the pre-roll by muting
	src.sync()
	p.SetMuted(true)
	src.send(b) // Hark speaking: discarded
	src.sync()
	p.SetMuted(false)
	src.send(c)
	src.sync()
	p.Down()
	src.send(d)
	src.sync()
	p.SetMuted(true)
	src.send(e) // muted while down: discarded too
	src.sync()
	p.SetMuted(false)
	src.send(f)
	src.sync()
	if _, err := p.Up(); err != nil {
		t.Fatal(err)
	}
	want := concat(c, d, f)
	if got := rec.utterances(); len(got) != 1 || !bytes.Equal(got[0], want) {
		t.Fatalf("recognizer got %d bytes, want %d: only audio heard while unmuted", len(rec.utterances()[0]), len(want))
	}
}

func TestPTTSetGrammar(t *testing.T) {
	p, _, rec, _ := startPTT(t, PTTConfig{})
	phrases := []string{"lights on", "lights off"}
	if err := p.SetGrammar(phrases); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if strings.Join(rec.grammar, "|") != "lights on|lights off" {
		t.Errorf("recognizer grammar = %q, want %q", rec.grammar, phrases)
	}
}

func TestPTTRecognizerErrorEndsUtterance(t *testing.T) {
	p, src, rec, _ := startPTT(t, PTTConfig{PreRoll: -1})
	boom := errors.New("decoder exploded")
	rec.mu.Lock()
	rec.acceptErr = boom
	rec.mu.Unlock()
	p.Down()
	src.send(ramp(0, ms(20)))
	src.sync()
	if _, err := p.Up(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "recognizer") {
		t.Fatalf("Up() err = %v, want the recognizer's error", err)
	}
	rec.mu.Lock()
	resets := rec.resets
	rec.acceptErr = nil
	rec.mu.Unlock()
	if resets != 1 {
		t.Errorf("recognizer reset %d times after the failed utterance, want 1", resets)
	}
	// The next utterance works.
	p.Down()
	src.send(ramp(0, ms(20)))
	src.sync()
	if res, err := p.Up(); err != nil || res.Text != bytesText(2*ms(20)) {
		t.Errorf("next utterance: Up() = %q, %v", res.Text, err)
	}
}

func TestPTTSourceEnd(t *testing.T) {
	t.Run("EOF keeps serving", func(t *testing.T) {
		p, src, _, stop := startPTT(t, PTTConfig{})
		speech := ramp(0, ms(100))
		src.send(speech)
		src.sync()
		close(src.ch)
		p.Down()
		res, err := p.Up()
		if err != nil || res.Text != bytesText(len(speech)) {
			t.Errorf("Up() after the source ended = %q, %v; want the pre-roll's result", res.Text, err)
		}
		if err := stop(); err != nil {
			t.Errorf("Run() = %v, want nil after cancel", err)
		}
		if err := p.Down(); !errors.Is(err, ErrNotRunning) {
			t.Errorf("Down after Run returned: %v, want ErrNotRunning", err)
		}
	})
	t.Run("failure ends Run", func(t *testing.T) {
		src := newChanSource()
		src.end = errors.New("usb gone")
		p := NewPTT(src, &fakeRecognizer{}, PTTConfig{Logger: testLogger(t)})
		close(src.ch)
		if err := p.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "usb gone") {
			t.Errorf("Run() = %v, want the source's error", err)
		}
		if _, err := p.Up(); !errors.Is(err, ErrNotRunning) {
			t.Errorf("Up after Run failed: %v, want ErrNotRunning", err)
		}
	})
}

func TestPTTRunOnce(t *testing.T) {
	p, _, _, _ := startPTT(t, PTTConfig{})
	p.SetMuted(false) // Run is running once this returns
	if err := p.Run(context.Background()); !errors.Is(err, ErrRunning) {
		t.Errorf("second Run = %v, want ErrRunning", err)
	}
}
