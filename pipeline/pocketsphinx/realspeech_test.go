//go:build !nopocketsphinx

package pocketsphinx

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// commands are the espeak-ng utterances of the real-speech test and benchmark.
var commands = []string{
	"turn on the kitchen light",
	"what time is it",
	"set a timer for five minutes",
	"turn off the bedroom light",
	"what can i say",
	"repeat that",
	"stop",
}

// commandGrammar is extra and commands as one grammar, several in an
// utterance joined by "and" or "then".
func commandGrammar(extra ...string) *grammar.Grammar {
	g := grammar.Phrases(append(extra, commands...)...)
	g.Connectors = []string{"and", "then"}
	return g
}

// speak renders text with espeak-ng and converts it with sox to 16 kHz mono
// S16LE; it returns the samples without the WAV header.
func speak(tb testing.TB, dir, text string, espeakArgs ...string) []byte {
	tb.Helper()
	for _, bin := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(bin); err != nil {
			tb.Fatalf("%s not found (%v): run `make setup`", bin, err)
		}
	}
	name := strings.ReplaceAll(strings.Join(append(espeakArgs, text), " "), " ", "_")
	raw, wav := filepath.Join(dir, name+".espeak.wav"), filepath.Join(dir, name+".wav")
	if out, err := exec.Command("espeak-ng", append(append([]string{"-w", raw}, espeakArgs...), text)...).CombinedOutput(); err != nil {
		tb.Fatalf("espeak-ng %q: %v\n%s", text, err, out)
	}
	if out, err := exec.Command("sox", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wav).CombinedOutput(); err != nil {
		tb.Fatalf("sox %s: %v\n%s", raw, err, out)
	}
	pcm, err := audio.ReadWAV(wav)
	if err != nil {
		tb.Fatal(err)
	}
	return pcm
}

// recognise feeds pcm in 100 ms chunks, as capture does, and returns Final's text.
func recognise(tb testing.TB, r *Recognizer, pcm []byte) string {
	tb.Helper()
	const chunk = 3200
	for len(pcm) > 0 {
		n := min(chunk, len(pcm))
		if _, err := r.Accept(pcm[:n]); err != nil {
			tb.Fatal(err)
		}
		pcm = pcm[n:]
	}
	res, err := r.Final()
	if err != nil {
		tb.Fatal(err)
	}
	return res.Text
}

func newRecognizer(tb testing.TB, cfg Config) *Recognizer {
	tb.Helper()
	r, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func TestRealSpeechGrammar(t *testing.T) {
	dir := t.TempDir()
	r := newRecognizer(t, Config{})
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	for _, want := range commands {
		t.Run(want, func(t *testing.T) {
			if got := recognise(t, r, speak(t, dir, want)); got != want {
				t.Errorf("recognised %q, want %q", got, want)
			}
		})
	}
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestRealSpeechSequence: one utterance holding two commands comes out
// whole, so the manager can run both.
func TestRealSpeechSequence(t *testing.T) {
	dir := t.TempDir()
	r := newRecognizer(t, Config{})
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"turn on the kitchen light and what time is it",
		"turn off the bedroom light and set a timer for five minutes",
		"what time is it", // a single command gains nothing from the sequence rule
	} {
		t.Run(want, func(t *testing.T) {
			if got := recognise(t, r, speak(t, dir, want)); got != want {
				t.Errorf("recognised %q, want %q", got, want)
			}
		})
	}
}
