package speech

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// MaxText is the most Say speaks, in characters: about two minutes of
	// speech. A longer text (an answer from elsewhere: Home Assistant, an
	// MQTT say) is cut at a word boundary before it.
	MaxText = 2000
	// maxChunk is the most text synthesised at once, in characters: Say
	// holds the audio of at most two chunks (the one playing, the next
	// being made), about 0.7 MB each at espeak-ng's default rate, where
	// the audio of 100 000 characters synthesised whole took 245 MB.
	maxChunk = 300
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
	// Logger is told when a text is cut to MaxText; nil discards.
	Logger *slog.Logger
}

// Speaker speaks text with espeak-ng through a Player. It is safe for
// concurrent use: a Say stops the one speaking before it starts.
type Speaker struct {
	binary    string
	args      []string
	cfg       Config
	log       *slog.Logger
	truncated atomic.Uint64

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
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Speaker{binary: path, args: args, cfg: cfg, log: log}, nil
}

// Synthesize renders text as speech without playing it, whole: unlike Say,
// it neither splits nor cuts text, so its memory grows with the text.
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
//
// A text longer than MaxText characters is cut at a word boundary before
// it, logged and counted (see Truncated). Say synthesises the text a few
// sentences at a time, the next while one plays, so memory stays bounded
// and playback starts after the first sentences are ready; OnStart and
// OnEnd bracket the whole text.
func (s *Speaker) Say(ctx context.Context, text string) error {
	return s.exclusive(ctx, func(ctx context.Context) error {
		return s.speak(ctx, chunks(s.fit(text), maxChunk))
	})
}

// Play plays audio made elsewhere (Home Assistant's spoken answer) as Say
// speaks: it first stops whatever is being said, brackets the playing with
// OnStart and OnEnd, and returns ErrStopped if Stop or a newer Say or Play
// cut it short.
func (s *Speaker) Play(ctx context.Context, a Audio) error {
	return s.exclusive(ctx, func(ctx context.Context) error {
		s.started()
		defer s.ended()
		return s.cfg.Player.Play(ctx, a)
	})
}

// exclusive runs speak once the one speaking has stopped; a newer call
// stops it in turn.
func (s *Speaker) exclusive(ctx context.Context, speak func(context.Context) error) error {
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
	err := speak(ctx)
	if errors.Is(context.Cause(ctx), ErrStopped) {
		return ErrStopped
	}
	return err
}

// started and ended bracket playing: the firmware mutes the microphone
// between them.
func (s *Speaker) started() {
	s.setSpeaking(true)
	if s.cfg.OnStart != nil {
		s.cfg.OnStart()
	}
}

func (s *Speaker) ended() {
	s.setSpeaking(false)
	if s.cfg.OnEnd != nil {
		s.cfg.OnEnd()
	}
}

// fit cuts text to MaxText characters, logging and counting the cut.
func (s *Speaker) fit(text string) string {
	n := utf8.RuneCountInString(text)
	if n <= MaxText {
		return text
	}
	cut := cutWords(text, MaxText)
	s.truncated.Add(1)
	s.log.Warn("speech: text too long: cut", "chars", n, "spoken", utf8.RuneCountInString(cut), "max", MaxText)
	return cut
}

// Truncated is how many texts Say has cut to MaxText.
func (s *Speaker) Truncated() uint64 { return s.truncated.Load() }

// synthesized is one chunk's audio, or why there is none.
type synthesized struct {
	a   Audio
	err error
}

// speak synthesises parts on a goroutine of its own and plays them in
// order as they come. The hand-over is unbuffered: the synthesiser makes
// the next part while one plays and waits with it until that one ends.
func (s *Speaker) speak(ctx context.Context, parts []string) error {
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan synthesized)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ready)
		for _, p := range parts {
			a, err := s.Synthesize(ctx, p)
			select {
			case ready <- synthesized{a, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	})
	defer wg.Wait()
	defer cancel()

	started := false
	for r := range ready {
		if r.err != nil {
			return r.err
		}
		if !started {
			started = true
			s.started()
			defer s.ended()
		}
		if err := s.cfg.Player.Play(ctx, r.a); err != nil {
			return err
		}
	}
	return ctx.Err() // the synthesiser stops early only when ctx is done
}

// chunks splits text into parts of at most max characters for synthesis:
// whole sentences where they fit, packed together so that a short text
// stays one part; a longer sentence at word boundaries. Text with no words
// is one part, as it was given.
func chunks(text string, max int) []string {
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if p := strings.TrimSpace(cur.String()); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
		curLen = 0
	}
	for _, sentence := range sentences(text) {
		n := utf8.RuneCountInString(sentence)
		if curLen+n > max {
			flush()
			sentence = strings.TrimLeftFunc(sentence, unicode.IsSpace)
			n = utf8.RuneCountInString(sentence)
		}
		for n > max {
			part := cutWords(sentence, max)
			parts = append(parts, part)
			sentence = strings.TrimLeftFunc(sentence[len(part):], unicode.IsSpace)
			n = utf8.RuneCountInString(sentence)
		}
		cur.WriteString(sentence)
		curLen += n
	}
	flush()
	if len(parts) == 0 {
		return []string{text}
	}
	return parts
}

// sentences splits text after each sentence's end (., !, ? or a line
// break, before white space), keeping every character.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		end := r == '\n' ||
			(strings.ContainsRune(".!?", r) && i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\n'))
		if end {
			out = append(out, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// cutWords returns the start of text of at most max characters, ending at
// a word boundary where there is one: a single word longer than max is cut
// inside.
func cutWords(text string, max int) string {
	end := len(text)
	n := 0
	for i := range text {
		if n == max {
			end = i
			break
		}
		n++
	}
	if end == len(text) {
		return text
	}
	if r, _ := utf8.DecodeRuneInString(text[end:]); !unicode.IsSpace(r) {
		if space := strings.LastIndexFunc(text[:end], unicode.IsSpace); space > 0 {
			end = space
		}
	}
	return strings.TrimRightFunc(text[:end], unicode.IsSpace)
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
