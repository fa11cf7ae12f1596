package firmware

import (
	"testing"

	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// TestOpenVoskRecognizerOutlivesFirstUtterance: the recognizer builds a
// new libvosk recognizer from its model for each utterance and grammar, so
// the model must stay open until the recognizer is closed.
func TestOpenVoskRecognizerOutlivesFirstUtterance(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	rec, err := OpenRecognizer(config.RecognizerConfig{Engine: "vosk", Model: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		grammar []string
		words   []string
		want    string
	}{
		{nil, []string{"one", "on"}, "one on"},
		{[]string{"two off", "zero"}, []string{"two", "off"}, "two off"},
		{nil, []string{"zero"}, "zero"},
	}
	for i, s := range steps {
		if err := rec.SetGrammar(grammar.Phrases(s.grammar...)); err != nil {
			t.Fatalf("utterance %d: SetGrammar: %v", i, err)
		}
		if _, err := rec.Accept(testmodel.Utterance(s.words...)); err != nil {
			t.Fatalf("utterance %d: Accept: %v", i, err)
		}
		res, err := rec.Final()
		if err != nil || res.Text != s.want {
			t.Fatalf("utterance %d: Final = %q, %v; want %q", i, res.Text, err, s.want)
		}
	}
	if err := rec.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
