package pattern

import (
	"fmt"
	"testing"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// grammarSize is what a pattern's grammar gives a recognizer: the phrases
// of its phrase list (a Vosk grammar, within limit) and the words of its
// vocabulary.
func grammarSize(t testing.TB, src string, limit int) (phrases, words int) {
	t.Helper()
	b := NewGrammarBuilder()
	p := MustCompile(src, NewTypes())
	g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(p)}}, Rules: b.Rules()}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	return len(g.PhraseList(limit, limit).Phrases), len(g.Vocabulary())
}

// TestRangeShrinksGrammar measures what a range does to the grammar a
// recognizer gets: a timer for $n:Number against the same with the ranges
// people use. The figures (go test -v -run RangeShrinks) are in the log.
func TestRangeShrinksGrammar(t *testing.T) {
	const limit = 5000
	base := "set a timer for %s minutes"
	fullPhrases, fullWords := grammarSize(t, fmt.Sprintf(base, "$n:Number"), limit)
	t.Logf("%-24s %5d phrases %3d words", "Number", fullPhrases, fullWords)
	for _, tt := range []struct {
		typ              string
		phrases, wordsLE int
	}{
		// Measured: Number gives 121 phrases (a sample: its JSGF rule
		// takes every number to 999 999, signed, with decimals) and 39
		// words, the command's own included.
		{"Number(1..10)", 10, 15},
		{"Number(1..60)", 60, 29},
		{"Number(1..120)", 181, 34}, // 101-120 are said four ways: "(one|a) hundred (and)? five"
		{"Number(0..100 step 10)", 12, 17},
		// Wider than 1000 values: the phrase list holds the first 1000
		// values' spellings, JSGF and the vocabulary the general rule.
		{"Number(1..2000)", 2090, 39},
	} {
		phrases, words := grammarSize(t, fmt.Sprintf(base, "$n:"+tt.typ), limit)
		t.Logf("%-24s %5d phrases %3d words", tt.typ, phrases, words)
		if phrases > tt.phrases || words > tt.wordsLE {
			t.Errorf("%s: %d phrases, %d words; want at most %d and %d", tt.typ, phrases, words, tt.phrases, tt.wordsLE)
		}
	}
	// The range allows fewer words than the general rule, and its phrase
	// list is every value it allows, where the general rule's is a sample.
	if _, words := grammarSize(t, fmt.Sprintf(base, "$n:Number(1..120)"), limit); words >= fullWords {
		t.Errorf("Number(1..120) has %d words, Number %d", words, fullWords)
	}
}

// BenchmarkRangedGrammar reports the phrases and words of a timer's
// grammar with and without a range, as metrics.
func BenchmarkRangedGrammar(b *testing.B) {
	for _, typ := range []string{"Number", "Number(1..120)", "Number(1..60)", "Number(0..100 step 10)"} {
		b.Run(typ, func(b *testing.B) {
			var phrases, words int
			for b.Loop() {
				phrases, words = grammarSize(b, "set a timer for $n:"+typ+" minutes", 5000)
			}
			b.ReportMetric(float64(phrases), "phrases")
			b.ReportMetric(float64(words), "words")
		})
	}
}
