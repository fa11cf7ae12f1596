package speech

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Audio is synthesised speech: mono signed 16-bit little-endian PCM.
type Audio struct {
	PCM        []byte
	SampleRate int
}

// Duration is how long the audio plays.
func (a Audio) Duration() time.Duration {
	if a.SampleRate <= 0 {
		return 0
	}
	return time.Duration(len(a.PCM)/2) * time.Second / time.Duration(a.SampleRate)
}

// Player plays audio. Play returns when the audio has been played, or at
// once with ctx.Err() when ctx is done.
type Player interface {
	Play(ctx context.Context, a Audio) error
}

// ErrStopped is returned by Say when Stop (or a newer Say) cut it short.
var ErrStopped = errors.New("speech: stopped")

// Config configures a Speaker.
type Config struct {
	// Binary is the espeak-ng executable, a name looked up in PATH or a
	// path; empty means "espeak-ng".
	Binary string
	// Voice is espeak-ng's -v voice, e.g. "en-us"; empty means its default.
	Voice string
	// Rate is espeak-ng's -s speed in words per minute; 0 means its default.
	Rate int
	// Player plays the speech. Required.
	Player Player
	// OnStart is called just before playback starts and OnEnd just after it
	// ends, however it ends; the firmware gates the microphone between
	// them so Hark does not hear itself. Both run on the Say goroutine.
	OnStart func()
	OnEnd   func()
}

// Speaker speaks text with espeak-ng through a Player. It is safe for
// concurrent use: a Say stops the one speaking before it starts.
type Speaker struct {
	binary string
	args   []string
	cfg    Config

	turn     sync.Mutex // held by the Say that is speaking
	mu       sync.Mutex // guards current and speaking
	current  *utterance // the latest Say; older ones have been stopped
	speaking bool
}

// utterance is one Say, identified by its address.
type utterance struct{ cancel context.CancelCauseFunc }

// New checks that espeak-ng can be found and returns a Speaker.
func New(cfg Config) (*Speaker, error) {
	name := cfg.Binary
	if name == "" {
		name = "espeak-ng"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("speech: text-to-speech program %s not found (install espeak-ng, or run `make setup`): %w", name, err)
	}
	if cfg.Player == nil {
		return nil, errors.New("speech: Config.Player is nil")
	}
	if cfg.Rate < 0 {
		return nil, fmt.Errorf("speech: rate %d words per minute is negative", cfg.Rate)
	}
	args := []string{"--stdout"}
	if cfg.Voice != "" {
		args = append(args, "-v", cfg.Voice)
	}
	if cfg.Rate > 0 {
		args = append(args, "-s", strconv.Itoa(cfg.Rate))
	}
	return &Speaker{binary: path, args: args, cfg: cfg}, nil
}

// Synthesize renders text as speech without playing it.
func (s *Speaker) Synthesize(ctx context.Context, text string) (Audio, error) {
	cmd := exec.CommandContext(ctx, s.binary, s.args...)
	// On stdin, text is never mistaken for a flag.
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Audio{}, ctx.Err()
		}
		return Audio{}, fmt.Errorf("speech: %s %s: %w: %s", s.binary, strings.Join(s.args, " "), err, strings.TrimSpace(stderr.String()))
	}
	a, err := parseWAV(stdout.Bytes())
	if err != nil {
		return Audio{}, fmt.Errorf("%w (from %s)", err, s.binary)
	}
	return a, nil
}

// Say speaks text and returns when it has been spoken. It first stops
// whatever is being said. It returns ErrStopped if Stop or a newer Say cut
// it short, ctx.Err() if ctx did.
func (s *Speaker) Say(ctx context.Context, text string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	u := &utterance{cancel}
	s.mu.Lock()
	if s.current != nil {
		s.current.cancel(ErrStopped)
	}
	s.current = u
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.current == u {
			s.current = nil
		}
		s.mu.Unlock()
	}()

	s.turn.Lock() // wait for the stopped one to finish
	defer s.turn.Unlock()
	a, err := s.Synthesize(ctx, text)
	if err == nil {
		err = s.play(ctx, a)
	}
	if errors.Is(context.Cause(ctx), ErrStopped) {
		return ErrStopped
	}
	return err
}

func (s *Speaker) play(ctx context.Context, a Audio) error {
	s.setSpeaking(true)
	if s.cfg.OnStart != nil {
		s.cfg.OnStart()
	}
	defer func() {
		s.setSpeaking(false)
		if s.cfg.OnEnd != nil {
			s.cfg.OnEnd()
		}
	}()
	return s.cfg.Player.Play(ctx, a)
}

func (s *Speaker) setSpeaking(on bool) {
	s.mu.Lock()
	s.speaking = on
	s.mu.Unlock()
}

// Stop cuts the current speech short (barge-in); its Say returns
// ErrStopped. Stop does nothing when nothing is being said.
func (s *Speaker) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != nil {
		s.current.cancel(ErrStopped)
	}
}

// Speaking reports whether audio is being played right now.
func (s *Speaker) Speaking() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.speaking
}
