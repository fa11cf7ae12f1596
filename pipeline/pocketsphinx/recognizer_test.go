//go:build !nopocketsphinx

package pocketsphinx

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

func TestNewMissingModel(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		model Model
		want  string
	}{
		{"acoustic", Model{filepath.Join(dir, "hmm"), filepath.Join(DefaultModelDir, "cmudict-en-us.dict"), filepath.Join(DefaultModelDir, "en-us.lm.bin")}, filepath.Join(dir, "hmm", "mdef")},
		{"dictionary", Model{filepath.Join(DefaultModelDir, "en-us"), filepath.Join(dir, "x.dict"), filepath.Join(DefaultModelDir, "en-us.lm.bin")}, filepath.Join(dir, "x.dict")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(Config{Model: tt.model})
			if err == nil {
				r.Close()
				t.Fatal("New succeeded with a missing file")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}

func TestNewBrokenModel(t *testing.T) {
	m, err := FindModel(DefaultModelDir)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.dict")
	writeFile(t, broken, "this is not a dictionary\n\x00\x01")
	m.Dictionary = broken
	m.LanguageModel = broken
	r, err := New(Config{Model: m, Logger: quietLogger()})
	if err == nil {
		r.Close()
		t.Fatal("New succeeded with a broken language model")
	}
	if !strings.Contains(err.Error(), broken) {
		t.Errorf("err = %v, want it to name %s", err, broken)
	}
}

// sphinxbase would crash on this; New must refuse it first.
func TestNewTruncatedAcousticModel(t *testing.T) {
	m := copyAcoustic(t)
	sendump := filepath.Join(m.Acoustic, "sendump")
	if err := os.Truncate(sendump, 1000); err != nil {
		t.Fatal(err)
	}
	if r, err := New(Config{Model: m}); err == nil || !strings.Contains(err.Error(), sendump) {
		if r != nil {
			r.Close()
		}
		t.Fatalf("err = %v, want it to name %s", err, sendump)
	}
}

func TestSetGrammarDropsUnknownPhrase(t *testing.T) {
	var logs bytes.Buffer
	r := newRecognizer(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := r.SetGrammar(commandGrammar("engage the zorblaxian drive")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "zorblaxian") {
		t.Errorf("no warning naming the unknown word; log:\n%s", logs.String())
	}
	if got := recognise(t, r, speak(t, t.TempDir(), "repeat that")); got != "repeat that" {
		t.Errorf("recognised %q, want %q", got, "repeat that")
	}
}

func TestSetGrammarUnusableKeepsCurrent(t *testing.T) {
	r := newRecognizer(t, Config{})
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	if err := r.SetGrammar(grammar.Phrases("zorblaxian quuxification")); err == nil {
		t.Fatal("SetGrammar of only unknown words succeeded")
	}
	if got := recognise(t, r, speak(t, t.TempDir(), "what can i say")); got != "what can i say" {
		t.Errorf("recognised %q, want the earlier grammar to still hold", got)
	}
}

// A grammar the decoder refuses fails the call that applies it, once: it
// is dropped and the grammar before it stays for the utterances after.
// StructuredJSGF writes nothing the decoder refuses, so the test breaks
// the JSGF it wrote.
func TestSetGrammarRefusedKeepsCurrent(t *testing.T) {
	dir := t.TempDir()
	pcm := map[string][]byte{}
	for _, c := range commands {
		pcm[c] = speak(t, dir, c)
	}
	const broken = "#JSGF V1.0;\ngrammar hark;\npublic <utterance> = ( stop;\n"
	tests := []struct {
		name string
		set  func(r *Recognizer) error // sets a refused grammar; returns the error of the call that applies it
	}{
		{"between utterances", func(r *Recognizer) error {
			return r.applyGrammar(search{jsgf: broken, phrases: 1})
		}},
		{"during an utterance", func(r *Recognizer) error {
			if _, err := r.Accept(pcm["stop"][:3200]); err != nil {
				t.Fatal(err)
			}
			if err := r.SetGrammar(grammar.Phrases("stop")); err != nil {
				t.Fatal(err)
			}
			r.pending.jsgf = broken
			if _, err := r.Final(); err != nil {
				t.Fatal(err)
			}
			_, err := r.Accept(pcm["stop"][:3200])
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecognizer(t, Config{})
			if err := r.SetGrammar(commandGrammar()); err != nil {
				t.Fatal(err)
			}
			if err := tt.set(r); err == nil || !strings.Contains(err.Error(), "rejected") {
				t.Fatalf("applying a refused grammar: %v, want the decoder's rejection", err)
			}
			for _, c := range commands {
				if got := recognise(t, r, pcm[c]); !slices.Contains(commands, got) {
					t.Errorf("%q heard as %q, outside the grammar before the refused one", c, got)
				}
			}
		})
	}
}

// A grammar set during an utterance takes effect from the next one, and
// nil lifts it again.
func TestSetGrammarSwitches(t *testing.T) {
	dir := t.TempDir()
	pcm := map[string][]byte{}
	for _, c := range commands {
		pcm[c] = speak(t, dir, c)
	}
	r := newRecognizer(t, Config{})
	outOfGrammar := func() int {
		n := 0
		for _, c := range commands {
			if !slices.Contains(commands, recognise(t, r, pcm[c])) {
				n++
			}
		}
		return n
	}
	if n := outOfGrammar(); n == 0 {
		t.Fatal("open decoding gave only grammar phrases; the test cannot tell grammar from none")
	}
	if _, err := r.Accept(pcm["stop"][:3200]); err != nil {
		t.Fatal(err)
	}
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	if err := r.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := outOfGrammar(); n != 0 {
		t.Errorf("with the grammar, %d results were outside it", n)
	}
	if err := r.SetGrammar(nil); err != nil {
		t.Fatal(err)
	}
	if n := outOfGrammar(); n == 0 {
		t.Error("after SetGrammar(nil) every result was still a grammar phrase")
	}
}

// Capture delivers whatever the device gives; an odd byte count must not
// shift the samples.
func TestAcceptOddChunks(t *testing.T) {
	pcm := speak(t, t.TempDir(), "turn off the bedroom light")
	r := newRecognizer(t, Config{})
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	// Word times count from each utterance's start, not the decoder's.
	if got := recognise(t, r, pcm); got != "turn off the bedroom light" {
		t.Fatalf("first utterance: %q", got)
	}
	for p := pcm; len(p) > 0; {
		n := min(1001, len(p))
		if _, err := r.Accept(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	res, err := r.Final()
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "turn off the bedroom light" {
		t.Errorf("recognised %q", res.Text)
	}
	if len(res.Words) != 5 {
		t.Fatalf("words = %+v, want 5", res.Words)
	}
	duration := float64(len(pcm)/2) / 16000
	for i, w := range res.Words {
		if w.Word != strings.Fields(res.Text)[i] || w.Start >= w.End || w.End > duration+0.2 ||
			(i > 0 && w.Start < res.Words[i-1].End-0.011) || w.Confidence < 0 || w.Confidence > 1 {
			t.Errorf("word %d = %+v is out of order or range (audio %.2fs)", i, w, duration)
		}
	}
}

func TestEndpoint(t *testing.T) {
	quiet := make([]byte, 2*len(silence(time.Second)))
	for i, s := range silence(time.Second) {
		quiet[2*i], quiet[2*i+1] = byte(s), byte(uint16(s)>>8)
	}
	r := newRecognizer(t, Config{})
	feed := func(pcm []byte) (endpoint bool) {
		for len(pcm) > 0 {
			n := min(3200, len(pcm))
			ep, err := r.Accept(pcm[:n])
			if err != nil {
				t.Fatal(err)
			}
			endpoint = endpoint || ep
			pcm = pcm[n:]
		}
		return endpoint
	}
	if feed(quiet) {
		t.Error("endpoint in silence before any speech")
	}
	feed(speak(t, t.TempDir(), "what time is it"))
	if !feed(quiet) {
		t.Error("no endpoint in a second of silence after speech")
	}
	if _, err := r.Final(); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyUtteranceAndClose(t *testing.T) {
	r := newRecognizer(t, Config{})
	if res, err := r.Final(); err != nil || res.Text != "" || r.Partial() != "" {
		t.Errorf("Final with no audio = %+v, %v; want empty", res, err)
	}
	r.Close()
	if _, err := r.Accept([]byte{0, 0}); err == nil {
		t.Error("Accept after Close succeeded")
	}
	if err := r.SetGrammar(commandGrammar()); err == nil {
		t.Error("SetGrammar after Close succeeded")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// The library logs through one process-wide hook; its messages must reach
// the logger of the recognizer it is working for, and no other.
func TestLibraryLogGoesToItsRecognizer(t *testing.T) {
	var bystander bytes.Buffer
	r := newRecognizer(t, Config{Logger: slog.New(slog.NewTextHandler(&bystander, nil))})
	m, err := FindModel(DefaultModelDir)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.dict")
	writeFile(t, broken, "this is not a dictionary\n\x00\x01")
	m.Dictionary, m.LanguageModel = broken, broken
	var logs bytes.Buffer
	if b, err := New(Config{Model: m, Logger: slog.New(slog.NewTextHandler(&logs, nil))}); err == nil {
		b.Close()
		t.Fatal("New succeeded with a broken model")
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"pocketsphinx: ") {
		t.Errorf("the library's errors loading a broken model did not reach its logger; log:\n%s", logs.String())
	}
	if err := r.SetGrammar(commandGrammar()); err != nil {
		t.Fatal(err)
	}
	if bystander.Len() != 0 {
		t.Errorf("another recognizer's logger got the messages:\n%s", bystander.String())
	}
}

func TestNewUnknownGrammarOption(t *testing.T) {
	m, err := FindModel(DefaultModelDir)
	if err != nil {
		t.Skip(err)
	}
	if r, err := New(Config{Model: m, GrammarOptions: map[string]float64{"-zorblax": 1}}); err == nil || !strings.Contains(err.Error(), "-zorblax") {
		if r != nil {
			r.Close()
		}
		t.Fatalf("New with an unknown grammar option: %v, want an error naming it", err)
	}
}
