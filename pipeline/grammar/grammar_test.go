package grammar

import (
	"reflect"
	"strings"
	"testing"
)

func TestPhrases(t *testing.T) {
	if g := Phrases(); g != nil {
		t.Errorf("Phrases() = %+v, want nil", g)
	}
	if g := Phrases(" ", ""); g != nil {
		t.Errorf("Phrases of blanks = %+v, want nil", g)
	}
	g := Phrases("lights on", "  turn   off ", "", "stop")
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	for _, utt := range []string{"lights on", "turn off", "stop"} {
		if !g.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar refuses %q", utt)
		}
	}
	for _, utt := range []string{"lights", "lights on stop", ""} {
		if g.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar accepts %q", utt)
		}
	}
	if !g.Equal(Phrases("lights on", "turn off", "stop")) {
		t.Error("equal phrase lists give unequal grammars")
	}
	if g.Equal(Phrases("lights on")) || g.Equal(nil) || !(*Grammar)(nil).Equal(nil) {
		t.Error("Equal is wrong about a different or nil grammar")
	}
}

// TestOpenSpans: which words of an utterance the grammar makes the open
// slots took.
func TestOpenSpans(t *testing.T) {
	g := &Grammar{
		Connectors: []string{"and"},
		Commands: []Command{
			{Name: "note", Body: S(Words("take a note"), Any(true))},
			{Name: "remind", Body: S(Words("remind me to"), Any(true), W("at"), Any(false))},
			{Name: "time", Body: Words("what time is it")},
		},
	}
	for _, tt := range []struct {
		words string
		spans [][2]int
		ok    bool
	}{
		{"take a note buy some milk", [][2]int{{3, 6}}, true},
		{"what time is it and take a note call mum", [][2]int{{8, 10}}, true},
		{"take a note call mum and what time is it", [][2]int{{3, 5}}, true},
		{"remind me to feed the cat at six and take a note hi", [][2]int{{3, 6}, {7, 8}, {12, 13}}, true},
		{"what time is it", nil, true},
		{"take a note", nil, false}, // the slot takes at least one word
		{"what time", nil, false},
	} {
		spans, ok := g.OpenSpans(strings.Fields(tt.words))
		if ok != tt.ok || !reflect.DeepEqual(spans, tt.spans) || g.Accepts(strings.Fields(tt.words)) != ok {
			t.Errorf("%q: %v %v, want %v %v", tt.words, spans, ok, tt.spans, tt.ok)
		}
	}
}

// TestLongRepeats: a repetition repeats as often as the words go, not
// maxDepth times: each repetition is not a level of nesting.
func TestLongRepeats(t *testing.T) {
	words := func(w string, n int) []string { return strings.Fields(strings.Repeat(w+" ", n)) }
	deep := W("a") // nested maxDepth/2 levels, as deep a repetition as Check allows room for
	for range maxDepth / 2 {
		deep = S(deep)
	}
	for _, tt := range []struct {
		name  string
		body  Node
		words []string
		want  bool
	}{
		{"64 times", R(A(W("a"), W("y"))), words("a", 64), true},
		{"1000 times", R(A(W("a"), W("y"))), words("a", 1000), true},
		{"1000 times, then a word", S(R(W("a")), W("b")), append(words("a", 1000), "b"), true},
		{"1000 times, then a wrong word", S(R(W("a")), W("b")), append(words("a", 1000), "c"), false},
		{"nested deep", S(W("go"), R(deep)), append([]string{"go"}, words("a", 100)...), true},
		{"repeated repetitions", R(S(W("x"), R(W("a")))), words("x a a a", 100), true},
		{"open slots", S(W("say"), R(Any(false))), append([]string{"say"}, words("it", 500)...), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := &Grammar{Commands: []Command{{Name: "c", Body: tt.body}}}
			if err := g.Check(); err != nil {
				t.Fatal(err)
			}
			if got := g.Accepts(tt.words); got != tt.want {
				t.Errorf("Accepts(%d words) = %v, want %v", len(tt.words), got, tt.want)
			}
			if _, ok := g.Contains(tt.words, g.Commands); tt.want && !ok {
				t.Errorf("Contains(%d words) = false, want true", len(tt.words))
			}
		})
	}
}
