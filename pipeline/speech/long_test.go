package speech

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCutWords(t *testing.T) {
	tests := []struct {
		name, text string
		max        int
		want       string
	}{
		{"short", "turn on the light", 100, "turn on the light"},
		{"exact", "turn on", 7, "turn on"},
		{"inside a word", "turn on the light", 10, "turn on"},
		{"at a space", "turn on the light", 7, "turn on"},
		{"one long word", "supercalifragilistic", 5, "super"},
		{"characters, not bytes", "élan été", 6, "élan"},
		{"after spaces", "one  two", 4, "one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cutWords(tt.text, tt.max); got != tt.want {
				t.Errorf("cutWords(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

func TestChunks(t *testing.T) {
	long := strings.Repeat("word ", 30) // 150 characters, one sentence
	tests := []struct {
		name, text string
		max        int
		want       []string
	}{
		{"empty", "", 20, []string{""}},
		{"blank", "  ", 20, []string{"  "}},
		{"short, whole", "Two is on.", 20, []string{"Two is on."}},
		{"sentences packed", "One. Two. Three. Four.", 10, []string{"One. Two.", "Three.", "Four."}},
		{"question and line", "Why? Because\nso! Yes", 13, []string{"Why? Because", "so! Yes"}},
		{"no split inside a number", "It is 21.5 degrees.", 30, []string{"It is 21.5 degrees."}},
		{"long sentence at words", "Hi. " + long, 40, []string{"Hi.", "word word word word word word word word", "word word word word word word word word", "word word word word word word word word", "word word word word word word"}},
		{"one long word", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := chunks(tt.text, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("chunks(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
			for _, p := range got {
				if n := utf8.RuneCountInString(p); n > tt.max && strings.TrimSpace(p) != "" {
					t.Errorf("part %q of %d characters, over %d", p, n, tt.max)
				}
			}
		})
	}
}

// answer is n characters of sentences, as a long answer from Home
// Assistant would be.
func answer(n int) string {
	return strings.Repeat("The kitchen light is now on and the timer is set. ", n/40+1)[:n]
}

// TestSayLongText: a text far over MaxText is cut at a word boundary,
// logged and counted, and spoken a chunk at a time: no single buffer
// handed to the player holds more than a chunk's audio.
func TestSayLongText(t *testing.T) {
	requireEspeak(t)
	var log bytes.Buffer
	p := &recordingPlayer{}
	s, err := New(Config{Player: p, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	text := answer(10_000)
	start := time.Now()
	if err := s.Say(context.Background(), text); err != nil {
		t.Fatal(err)
	}
	t.Logf("said in %s", time.Since(start))
	var total, largest time.Duration
	for _, a := range p.played {
		total += a.Duration()
		largest = max(largest, a.Duration())
	}
	t.Logf("%d chunks, %v in all, the longest %v", len(p.played), total.Round(time.Second), largest.Round(time.Second))
	// 300 characters last about 20 s at espeak-ng's default rate; the whole
	// text, 9 minutes; MaxText, 2.
	if largest > 40*time.Second {
		t.Errorf("the player was handed %v of audio at once, want at most a chunk's (~20 s)", largest)
	}
	if min := MaxText / maxChunk; len(p.played) < min {
		t.Errorf("%d chunks played, want at least %d", len(p.played), min)
	}
	if total > 3*time.Minute {
		t.Errorf("%v spoken, want MaxText's worth (~2 minutes)", total)
	}
	if n := s.Truncated(); n != 1 {
		t.Errorf("Truncated() = %d, want 1", n)
	}
	if !strings.Contains(log.String(), "chars=10000") || !strings.Contains(log.String(), "too long") {
		t.Errorf("log %q, want the cut reported with the text's length", log.String())
	}
}

func TestFitCutsAtAWord(t *testing.T) {
	s, err := New(Config{Binary: "sh", Player: &recordingPlayer{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{MaxText - 1, MaxText, MaxText + 1, 3 * MaxText} {
		text := answer(n)
		got := s.fit(text)
		if !strings.HasPrefix(text, got) || utf8.RuneCountInString(got) > MaxText {
			t.Fatalf("fit of %d characters: %d, not a prefix of at most %d", n, utf8.RuneCountInString(got), MaxText)
		}
		if got != text && text[len(got)] != ' ' {
			t.Errorf("fit of %d characters ends inside a word: …%q", n, got[len(got)-10:])
		}
	}
	if s.Truncated() != 2 {
		t.Errorf("Truncated() = %d, want 2", s.Truncated())
	}
}

// TestSaySynthesizesAhead: playback starts after the first chunk, with at
// most the next one synthesised meanwhile, and Stop in the middle ends Say
// promptly, with no synthesis left running.
func TestSaySynthesizesAhead(t *testing.T) {
	requireEspeak(t)
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	bin := filepath.Join(dir, "espeak")
	writeScript(t, bin, `echo >> "`+calls+`"; exec espeak-ng "$@"`)
	p := newBlockingPlayer()
	s, err := New(Config{Binary: bin, Player: p})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		b, err := os.ReadFile(calls)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return bytes.Count(b, []byte("\n"))
	}
	done := make(chan error, 1)
	go func() { done <- s.Say(context.Background(), answer(MaxText)) }()
	recv(t, p.started, "start of playback")
	if n := count(); n > 2 {
		t.Errorf("%d chunks synthesised when the first began to play, want at most 2", n)
	}
	start := time.Now()
	s.Stop()
	if err := recv(t, done, "return from Say"); !errors.Is(err, ErrStopped) {
		t.Errorf("Say = %v, want ErrStopped", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Say returned %v after Stop", took)
	}
	// Say has joined its synthesiser: nothing more starts.
	after := count()
	if _, err := exec.Command(bin, "-q", "x").CombinedOutput(); err != nil { // one call of the test's, ordered after any of Say's
		t.Fatal(err)
	}
	if n := count(); n != after+1 || n > 3 {
		t.Errorf("%d calls of espeak-ng after Say returned (%d before), want only the test's", n, after)
	}
}
