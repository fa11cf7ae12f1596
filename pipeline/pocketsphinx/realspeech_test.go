//go:build !nopocketsphinx

package pocketsphinx

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
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
	if out, err := exec.Command("sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wav).CombinedOutput(); err != nil {
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

// TestRealSpeechOpenCommand: with an open command beside the closed ones,
// the open command is heard, its slot transcribed by the language model
// (not the grammar's filler words; this acoustic model does not get
// espeak-ng's "buy some milk" exactly), and the closed commands come out
// as without it; with the open pass off the open command cannot be heard.
func TestRealSpeechOpenCommand(t *testing.T) {
	dir := t.TempDir()
	g := commandGrammar()
	g.Commands = append(g.Commands, grammar.Command{Name: "note", Body: grammar.S(grammar.Words("take a note"), grammar.Any(true))})
	for _, mode := range []OpenMode{OpenSecondPass, OpenOff} {
		r := newRecognizer(t, Config{OpenSlots: mode})
		if err := r.SetGrammar(g); err != nil {
			t.Fatal(err)
		}
		for _, said := range append([]string{"take a note buy some milk"}, commands...) {
			got := recognise(t, r, speak(t, dir, said))
			open := strings.HasPrefix(got, "take a note ")
			switch {
			case said == "take a note buy some milk" && open != (mode == OpenSecondPass):
				t.Errorf("open mode %d: %q recognised as %q", mode, said, got)
			case open && !slices.ContainsFunc(strings.Fields(got)[3:], func(w string) bool { return !slices.Contains(freeWords, w) }):
				t.Errorf("%q recognised as %q: the slot holds only filler words", said, got)
			case said != "take a note buy some milk" && got != said:
				t.Errorf("open mode %d: %q recognised as %q", mode, said, got)
			}
		}
	}
}

// TestOpenPassKeepsCMN: transcribing an open slot again leaves the
// decoder's cepstral mean as the utterance alone left it (else the slot's
// audio counts twice and later utterances are heard differently).
func TestOpenPassKeepsCMN(t *testing.T) {
	dir := t.TempDir()
	g := commandGrammar()
	g.Commands = append(g.Commands, grammar.Command{Name: "note", Body: grammar.S(grammar.Words("take a note"), grammar.Any(true))})
	var states []cmnState
	for _, mode := range []OpenMode{OpenSecondPass, OpenOff} {
		r := newRecognizer(t, Config{OpenSlots: mode})
		if err := r.SetGrammar(g); err != nil {
			t.Fatal(err)
		}
		for _, said := range []string{"what time is it", "take a note buy some milk"} {
			got := recognise(t, r, speak(t, dir, said))
			if said != "what time is it" && mode == OpenSecondPass && !strings.HasPrefix(got, "take a note") {
				t.Fatalf("%q recognised as %q: the open pass did not run", said, got)
			}
		}
		states = append(states, r.cmn())
	}
	if !reflect.DeepEqual(states[0], states[1]) {
		t.Errorf("cepstral mean after the open pass (%d frames) %v,\nwithout it (%d frames) %v", states[0].nframe, states[0].buf, states[1].nframe, states[1].buf)
	}
}
