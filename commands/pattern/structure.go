package pattern

import (
	"fmt"
	"strings"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// GrammarBuilder turns compiled patterns into the rules of a structured
// grammar (package pipeline/grammar), keeping their structure: words,
// alternatives, optional parts and repetitions as they are; Number, list
// and custom types as shared sub-rules; *, **, Word, String and Rest as
// open slots. Its zero value is not usable; use NewGrammarBuilder.
type GrammarBuilder struct {
	rules []grammar.Rule
	known map[string]bool
}

// NewGrammarBuilder returns a builder with no rules yet.
func NewGrammarBuilder() *GrammarBuilder { return &GrammarBuilder{known: map[string]bool{}} }

// Rules are the sub-rules the patterns added so far refer to.
func (b *GrammarBuilder) Rules() []grammar.Rule { return b.rules }

// Node is p's rule body; the sub-rules it needs are added to b.
func (b *GrammarBuilder) Node(p *Pattern) grammar.Node { return b.node(p.root) }

func (b *GrammarBuilder) node(n node) grammar.Node {
	switch n := n.(type) {
	case *wordNode:
		return grammar.W(n.text)
	case *seqNode:
		items := make([]grammar.Node, len(n.items))
		for i, it := range n.items {
			items[i] = b.node(it)
		}
		if len(items) == 1 {
			return items[0]
		}
		return grammar.S(items...)
	case *altNode:
		items := make([]grammar.Node, len(n.alts))
		for i, a := range n.alts {
			items[i] = b.node(a)
		}
		return grammar.A(items...)
	case *choiceNode:
		items := make([]grammar.Node, len(n.alts))
		for i, a := range n.alts {
			items[i] = b.node(a)
		}
		return grammar.A(items...)
	case *optNode:
		return grammar.O(b.node(n.inner))
	case *repeatNode:
		return grammar.R(b.node(n.inner))
	case *anyNode:
		return grammar.Any(false)
	case *manyNode:
		return grammar.Any(true)
	case *paramNode:
		return b.param(n)
	}
	panic(fmt.Sprintf("pattern: no grammar for %T", n))
}

// number is the rule of numbers in ns's language (nil: English), added
// once.
func (b *GrammarBuilder) number(ns *Numbers) grammar.Node {
	if ns == nil {
		b.numberRules()
	} else if !b.known[NumberRule] {
		b.known[NumberRule] = true
		b.rules = append(b.rules, ns.GrammarRules()...)
	}
	return grammar.RefTo(NumberRule)
}

func (b *GrammarBuilder) param(n *paramNode) grammar.Node {
	switch {
	case n.def.root != nil:
		name := "type:" + n.def.Name
		if !b.known[name] {
			b.known[name] = true
			body := b.node(n.def.root) // adds what it refers to first
			b.rules = append(b.rules, grammar.Rule{Name: name, Body: body})
		}
		return grammar.RefTo(name)
	case n.def.Name == TypeNumber && n.ranged:
		return b.rangedNumber(n.def.numbers, n.lo, n.hi, n.step)
	case n.def.Name == TypeNumber:
		return b.number(n.def.numbers)
	case n.def.Name == TypeWord:
		return grammar.Any(false)
	}
	return grammar.Any(true) // String, Rest
}

// NumberRule is the name of the sub-rule of spoken numbers.
const NumberRule = "Number"

// DefaultNumberPhrases is what a Number stands for in phrase lists (a Vosk
// grammar), where every number there is would be too many: the whole
// numbers 0–100, the round hundreds to a thousand and the round thousands
// to ten thousand, as people say them ("a hundred", "one hundred"; "a
// thousand", "one thousand"), minus nothing and no decimals.
// $n:Number(LOW..HIGH) narrows a parameter to the whole numbers from LOW
// to HIGH, in grammars and in matching, and lists all of them (up to a
// thousand values) in phrase lists.
func DefaultNumberPhrases() []string {
	var out []string
	for n := 0; n <= 100; n++ {
		out = append(out, Spell(n)[0])
	}
	out = append(out, "a hundred")
	for n := 200; n <= 1000; n += 100 {
		out = append(out, Spell(n)[0])
	}
	out = append(out, "a thousand")
	for n := 2000; n <= 10000; n += 1000 {
		out = append(out, Spell(n)[0])
	}
	return out
}

// numberRules adds the spoken-number rules once: zero to 999 999, with
// "a hundred", "a thousand", "and" after hundred or thousand ("one hundred
// and five"), a sign (minus, negative) and decimals (three point five,
// point five).
// Digits are not in it: recognizers spell numbers out.
func (b *GrammarBuilder) numberRules() {
	if b.known[NumberRule] {
		return
	}
	b.known[NumberRule] = true
	words := func(ws ...string) grammar.Node {
		alts := make([]grammar.Node, len(ws))
		for i, w := range ws {
			alts[i] = grammar.W(w)
		}
		return grammar.A(alts...)
	}
	units := words("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
	teens := words("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
	tens := words("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
	ref := grammar.RefTo
	sign := grammar.O(words("minus", "negative"))
	decimals := grammar.S(grammar.W("point"), grammar.R(grammar.A(grammar.W("zero"), ref("Number.unit"))))
	b.rules = append(b.rules,
		grammar.Rule{Name: "Number.unit", Body: units},
		grammar.Rule{Name: "Number.99", Body: grammar.A(ref("Number.unit"), teens, grammar.S(tens, grammar.O(ref("Number.unit"))))},
		grammar.Rule{Name: "Number.999", Body: grammar.A(
			grammar.S(grammar.A(ref("Number.unit"), grammar.W("a")), grammar.W("hundred"), grammar.O(grammar.S(grammar.O(grammar.W("and")), ref("Number.99")))),
			ref("Number.99"))},
		grammar.Rule{Name: "Number.999999", Body: grammar.A(
			grammar.S(grammar.A(ref("Number.999"), grammar.W("a")), grammar.W("thousand"), grammar.O(grammar.S(grammar.O(grammar.W("and")), ref("Number.999")))),
			ref("Number.999"))},
		grammar.Rule{Name: NumberRule, Phrases: DefaultNumberPhrases(), Body: grammar.A(
			grammar.S(sign, grammar.A(grammar.W("zero"), ref("Number.999999")), grammar.O(decimals)),
			grammar.S(sign, decimals))}, // "point five", as ParseSpoken reads it
	)
}

var (
	spellOnes = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	spellTens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

// Spell spells a whole number as people say it, ParseSpoken's inverse:
// 105 → "one hundred five" and "one hundred and five" (and "a hundred
// five", "a hundred and five" from 100 to 199), 2050 → "two thousand
// fifty" and "two thousand and fifty", -3 → "minus three"; the first is the
// plainest.
// Numbers past a billion in size are not spelled (nil).
func Spell(n int) []string {
	if n < 0 {
		var out []string
		for _, s := range Spell(-n) {
			out = append(out, "minus "+s)
		}
		return out
	}
	if n >= 1_000_000_000 {
		return nil
	}
	if n == 0 {
		return []string{"zero"}
	}
	forms := []string{""}
	for _, scale := range []struct {
		size int
		word string
	}{{1_000_000, "million"}, {1000, "thousand"}} {
		if n >= scale.size {
			forms = joinAll(forms, below1000(n/scale.size, false)...)
			forms = joinAll(forms, scale.word)
			n %= scale.size
		}
	}
	tail := below1000(n, forms[0] == "")
	if forms[0] != "" && n > 0 && n < 100 {
		tail = append(tail, "and "+tail[0]) // "two thousand and fifty"
	}
	return joinAll(forms, tail...)
}

// below1000 spells 0 < n < 1000 (nothing for 0); first says whether it
// starts the number, where "a hundred" is said too.
func below1000(n int, first bool) []string {
	if n == 0 {
		return []string{""}
	}
	var rest string
	switch m := n % 100; {
	case m == 0:
	case m < 20:
		rest = spellOnes[m]
	default:
		rest = strings.TrimSpace(spellTens[m/10] + " " + spellOnes[m%10])
		if m%10 == 0 {
			rest = spellTens[m/10]
		}
	}
	if n < 100 {
		return []string{rest}
	}
	heads := []string{spellOnes[n/100] + " hundred"}
	if first && n/100 == 1 {
		heads = append(heads, "a hundred")
	}
	var out []string
	for _, h := range heads {
		if rest == "" {
			out = append(out, h)
			continue
		}
		out = append(out, h+" "+rest, h+" and "+rest)
	}
	return out
}

func joinAll(heads []string, tails ...string) []string {
	var out []string
	for _, h := range heads {
		for _, t := range tails {
			out = append(out, strings.TrimSpace(h+" "+t))
		}
	}
	return out
}
