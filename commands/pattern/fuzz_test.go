package pattern

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// FuzzCompile feeds arbitrary patterns and utterances to the parser, the
// matcher, the canonical form and the grammar expansion: none may panic,
// errors must be *SyntaxError with a position inside the pattern, a match
// must lie inside the utterance, and what Compile works out in one pass
// (nullability, greedy slots, first and required words) must agree with
// its definition.
func FuzzCompile(f *testing.F) {
	for _, seed := range []struct{ pattern, text string }{
		{"turn (on|off) the $room:Word? light", "please turn on the kitchen light"},
		{"go {up|down} **", "go up up down now"},
		{"set $n:Number (degrees)?", "set twenty five point five degrees"},
		{"paint $c:Color *", "paint dark blue wall"},
		{"greet $p:Person", "greet miss Ada Lovelace"},
		{"$s:Setting", "seven"},
		{"((a|b)?|c)", "c"},
		{"$x:Word$y:Word", "a b"},
		{"(a{b|c}?)?d", "a b c d"},
		{"café ?", "café"},
		{"set $n:Number(1..120) minutes", "set a hundred and five minutes"},
		{"turn on the $where:room light", "turn on the lounge light"},
		{"note $what:Rest", "note buy milk"},
		{"$n:Number", "minus three point five"},
		{"STRASSE", "straße"},
		{"turn $state:(on=1|off=0) the $where:room light", "turn off the lounge light"},
		{"$s:((a|b)? c=x|**)", "b c d"},
		{"(x $a:Word|y $a:Word) $n:Number(0..100 step 5)?", "y z twenty five"},
		// Long and nested patterns.
		{strings.Repeat("x {y|z ", maxDepth) + "w $n:Number" + strings.Repeat("}? ", maxDepth), strings.Repeat("x z ", maxDepth) + "w five"},
		{strings.Repeat("(", maxDepth+1) + "a" + strings.Repeat(")", maxDepth+1), "a"},
		{strings.Repeat("go (up|down)? {left|right} * ", 200) + "**", "go up left x go right y z"},
		{"(" + strings.Repeat("a|b c|", 500) + "d) (e)?", "b c e"},
	} {
		f.Add(seed.pattern, seed.text)
	}
	types := testTypes(f)
	f.Fuzz(func(t *testing.T, src, text string) {
		p, err := Compile(src, types)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error %v is not a *SyntaxError", src, err)
			}
			if se.Pos < 0 || se.Pos > len(src) {
				t.Fatalf("Compile(%q): position %d outside the pattern", src, se.Pos)
			}
			return
		}
		if canBeEmpty(p.root) {
			t.Fatalf("Compile(%q) took a pattern that can match nothing", src)
		}
		if slot := badTail(p.root, true); slot != nil {
			t.Fatalf("Compile(%q): open slot %+v is greedy or lazy against what follows it", src, slot)
		}
		if len(text) > 200 {
			text = text[:200] // keeps backtracking over nested repetitions affordable
		}
		if m, ok := p.MatchString(text); ok {
			if m.Start >= m.End || !strings.Contains(text, m.Text) {
				t.Fatalf("Compile(%q).MatchString(%q) = %+v", src, text, m)
			}
		}
		// FindAt is Find kept to matches that start where it begins.
		u := Split(text)
		for at := range min(len(u.Tokens), 4) {
			want, wantOK := p.Find(u, at, len(u.Tokens))
			wantOK = wantOK && want.Start == at
			if got, ok := p.FindAt(u, at, len(u.Tokens)); ok != wantOK || (ok && !reflect.DeepEqual(got, want)) {
				t.Fatalf("Compile(%q).FindAt(%q, %d) = %+v, %v; Find gives %+v", src, text, at, got, ok, want)
			}
		}
		// The quick tests never rule out a match.
		for at := range min(len(u.Tokens), 4) {
			if _, ok := p.matchAt(&matcher{u: u, toks: u.Tokens}, at); ok && (!p.mayStartWith(u.Tokens[at]) || !p.mayMatch(u)) {
				t.Fatalf("Compile(%q) matches %q at %d, but its quick tests rule that out", src, text, at)
			}
		}
		if p.Canonical() == "" {
			t.Fatalf("Compile(%q).Canonical() is empty", src)
		}
		e := p.Expand(50)
		if len(e.Phrases) > 50 {
			t.Fatalf("Expand(50) of %q gave %d phrases", src, len(e.Phrases))
		}
		// The structured grammar is well formed, bounded when expanded,
		// and can make every utterance the pattern matches whole (numbers
		// in digits aside: recognizers spell them out).
		b := NewGrammarBuilder()
		g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(p)}}, Rules: b.Rules()}
		if err := g.Check(); err != nil {
			t.Fatalf("grammar of %q: %v", src, err)
		}
		if pl := g.PhraseList(50, 60); len(pl.Phrases) > 60 {
			t.Fatalf("PhraseList(50, 60) of %q gave %d phrases", src, len(pl.Phrases))
		}
		if m, ok := p.Find(u, 0, len(u.Tokens)); ok && m.Start == 0 && m.End == len(u.Tokens) && !strings.ContainsAny(text, "0123456789") {
			words := make([]string, len(u.Tokens))
			for i, tok := range u.Tokens {
				words[i] = lower(tok.Text)
			}
			if !g.Accepts(words) && !slices.ContainsFunc(words, func(w string) bool { return lower(w) != normalize(w) }) {
				t.Fatalf("grammar of %q cannot make %q, which the pattern matches", src, words)
			}
		}
	})
}

// canBeEmpty reports whether n can match no words, by definition: what
// Compile works out on the way, more cheaply, is checked against it.
func canBeEmpty(n node) bool {
	switch n := n.(type) {
	case *seqNode:
		return !slices.ContainsFunc(n.items, func(it node) bool { return !canBeEmpty(it) })
	case *altNode:
		return slices.ContainsFunc(n.alts, canBeEmpty)
	case *choiceNode:
		return slices.ContainsFunc(n.alts, canBeEmpty)
	case *optNode:
		return true
	case *repeatNode:
		return canBeEmpty(n.inner)
	}
	return false
}

// badTail returns an open slot that is greedy when it should be lazy or
// the other way round: greedy exactly when all that can follow it, up to
// the end of the pattern and never out of a repetition, can match nothing.
func badTail(n node, tail bool) node {
	switch n := n.(type) {
	case *seqNode:
		for i, it := range n.items {
			rest := tail && !slices.ContainsFunc(n.items[i+1:], func(after node) bool { return !canBeEmpty(after) })
			if slot := badTail(it, rest); slot != nil {
				return slot
			}
		}
	case *altNode:
		for _, a := range n.alts {
			if slot := badTail(a, tail); slot != nil {
				return slot
			}
		}
	case *choiceNode:
		for _, a := range n.alts {
			if slot := badTail(a, tail); slot != nil {
				return slot
			}
		}
	case *optNode:
		return badTail(n.inner, tail)
	case *repeatNode:
		return badTail(n.inner, false)
	case *manyNode:
		if n.greedy != tail {
			return n
		}
	case *paramNode:
		if n.greedy != tail {
			return n
		}
	}
	return nil
}

// FuzzSplit checks that every token is a non-empty, lower-cased slice of
// the text at its offsets, in order.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{"Turn ON the light!", "what's 3.5 - -4, or 1,000?", "Straße naïve café", "a'b' 'c 1.2.3 -x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		nfc := norm.NFC.String(text) // token offsets are into the NFC text
		end := 0
		for _, tok := range Split(text).Tokens {
			if tok.Start < end || tok.End <= tok.Start || nfc[tok.Start:tok.End] != tok.Text {
				t.Fatalf("Split(%q): token %+v out of place", text, tok)
			}
			if tok.Norm != normalize(tok.Text) {
				t.Fatalf("Split(%q): token %+v not normalised", text, tok)
			}
			end = tok.End
		}
	})
}

// FuzzTemplate feeds arbitrary templates and utterances to
// CompileTemplate: it may not panic, its errors are *SyntaxError placed
// inside the template, and a template it takes is a pattern whose Hark
// syntax (String) compiles to the same pattern and matches the same.
func FuzzTemplate(f *testing.F) {
	for _, seed := range []struct{ template, text string }{
		{"[please] turn on [the] light", "turn on light"},
		{"<turn> (on|off){state} [the] {area} light[s]", "switch off the lounge lights"},
		{"set [the] brightness [to] {brightness}[%]", "set brightness to 50%"},
		{"(a;b;c) <name>", "c a b the kitchen lights"},
		{"turn(s|ed|ing) [it] (on:1|off:0|){x}", "turned it off"},
		{"play {album} [please]", "play abbey road please"},
		{"x <loop_a>", "x"},
		{"{area:a} {area:b}", "kitchen bedroom"},
		{"[[[a|b]|c]|]d", "d"},
		{"what's the time?", "what's the time"},
		{"(a|b){t}{u}", "a"},
		{"<>{}[]()|;", ""},
	} {
		f.Add(seed.template, seed.text)
	}
	types := templateTypes(f)
	f.Fuzz(func(t *testing.T, src, text string) {
		if len(src) > 500 {
			src = src[:500] // permutations and glued words multiply
		}
		p, err := CompileTemplate(src, types, templateRules)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("CompileTemplate(%q) error %v is not a *SyntaxError", src, err)
			}
			if se.Pos < 0 || se.Pos > len(src) {
				t.Fatalf("CompileTemplate(%q): position %d outside the template", src, se.Pos)
			}
			return
		}
		again, err := Compile(p.String(), types)
		if err != nil {
			t.Fatalf("CompileTemplate(%q) = %q, which does not compile: %v", src, p, err)
		}
		if again.Canonical() != p.Canonical() {
			t.Fatalf("CompileTemplate(%q): %s, compiled again %s", src, p.Canonical(), again.Canonical())
		}
		if len(text) > 200 {
			text = text[:200]
		}
		m1, ok1 := p.MatchString(text)
		m2, ok2 := again.MatchString(text)
		if ok1 != ok2 || !reflect.DeepEqual(m1, m2) {
			t.Fatalf("CompileTemplate(%q) on %q: %+v, %v; compiled again %+v, %v", src, text, m1, ok1, m2, ok2)
		}
	})
}
