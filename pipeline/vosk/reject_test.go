package vosk

import (
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// loadUnknownModel loads the test model whose "[unk]" has a sound
// (testmodel.Options.Unknown): under a grammar, a tone of a word outside
// it decodes as "[unk]".
func loadUnknownModel(t *testing.T) *Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true, Unknown: true}); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(dir, slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestGrammarRejects: with real libvosk, speech outside the grammar
// decodes as "[unk]" and the result is Rejected with "[unk]" left out;
// speech inside it is accepted; open decoding never rejects.
func TestGrammarRejects(t *testing.T) {
	r := newRecognizer(t, loadUnknownModel(t))
	tests := []struct {
		grammar  []string // nil: open decoding
		audio    []string
		want     string // the text, without "[unk]"
		rejected bool
	}{
		{grammar: []string{"zero", "one two"}, audio: []string{"zero"}, want: "zero"},
		{grammar: []string{"zero", "one two"}, audio: []string{"one", "two"}, want: "one two"},
		{grammar: []string{"zero", "one two"}, audio: []string{"off"}, want: "", rejected: true},
		{grammar: []string{"zero", "one two"}, audio: []string{"on", "off"}, want: "", rejected: true},
		{grammar: []string{"zero"}, audio: []string{"zero", "off"}, want: "zero", rejected: true},
		{grammar: nil, audio: []string{"on", "off"}, want: "on off"},
	}
	for _, tt := range tests {
		var g *grammar.Grammar
		if tt.grammar != nil {
			g = grammar.Phrases(tt.grammar...)
		}
		if err := r.SetGrammar(g); err != nil {
			t.Fatalf("SetGrammar(%q): %v", tt.grammar, err)
		}
		res := recognise(t, r, testmodel.Utterance(tt.audio...))
		if res.Text != tt.want || res.Rejected != tt.rejected {
			t.Errorf("grammar %q, audio %q: %q rejected %v, want %q rejected %v", tt.grammar, tt.audio, res.Text, res.Rejected, tt.want, tt.rejected)
		}
		if slices.ContainsFunc(res.Words, func(w pipeline.Word) bool { return w.Word == unknownWord }) || strings.Contains(res.Text, unknownWord) {
			t.Errorf("grammar %q, audio %q: [unk] left in %+v", tt.grammar, tt.audio, res)
		}
	}
}
