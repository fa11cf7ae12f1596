package pattern

import (
	"maps"
	"math"
)

// node is one construct of a compiled pattern. match tries it at token pos
// and calls k with every end position it can reach, in order of preference,
// until k accepts one; it reports whether k did. Parameters bound on the way
// stay on the matcher's stack only while k runs.
type node interface {
	match(m *matcher, pos int, k func(end int) bool) bool
}

type (
	wordNode   struct{ word, text string } // word folded for matching; text as grammars spell it
	seqNode    struct{ items []node }
	altNode    struct{ alts []node }
	optNode    struct{ inner node }
	repeatNode struct{ inner node }
	anyNode    struct{}
	manyNode   struct{ greedy bool }
	paramNode  struct {
		name   string
		def    *typeDef
		greedy bool // for String: take as much as possible
		// For a Number written $n:Number(lo..hi) or (lo..hi step s):
		// only whole numbers from lo to hi, lo plus a multiple of step.
		ranged       bool
		lo, hi, step int
	}
)

type binding struct {
	depth int // nesting level of custom types; 0 is the pattern itself
	name  string
	value Value
}

// matchBudget bounds the work of one Find. Authored patterns need a few
// hundred steps; pathological ones such as {a|a} over a long run of "a"
// would backtrack exponentially, and give up (no match) instead. A word a
// Number or a Parse hook reads costs a step too, or a hostile utterance of
// thousands of words would take time quadratic or cubic in its length.
const matchBudget = 100_000

type matcher struct {
	steps  int
	u      Utterance
	toks   []Token // the tokens matching may use (a prefix of u.Tokens)
	depth  int
	params []binding
}

// Match is where and how a pattern matched an utterance.
type Match struct {
	Start, End int    // token range [Start, End) of the utterance
	Text       string // the matched words, as spoken
	Params     Params // never nil
}

// Find searches the tokens [from, to) of u for the leftmost match of p.
func (p *Pattern) Find(u Utterance, from, to int) (Match, bool) {
	to = min(to, len(u.Tokens))
	if from < 0 || from >= to || !p.mayMatch(u) {
		return Match{}, false
	}
	m := &matcher{u: u, toks: u.Tokens[:to]}
	for start := from; start < to; start++ {
		if !p.mayStartWith(m.toks[start]) {
			continue
		}
		if found, ok := p.matchAt(m, start); ok {
			return found, true
		}
	}
	return Match{}, false
}

// FindAt is Find for a match that starts at token at and lies within the
// tokens [at, to): it tries that one start and no later ones.
func (p *Pattern) FindAt(u Utterance, at, to int) (Match, bool) {
	to = min(to, len(u.Tokens))
	// The first-word test is the cheaper one, so it goes first.
	if at < 0 || at >= to || !p.mayStartWith(u.Tokens[at]) || !p.mayMatch(u) {
		return Match{}, false
	}
	return p.matchAt(&matcher{u: u, toks: u.Tokens[:to]}, at)
}

// matchAt tries a match of p that starts at token start.
func (p *Pattern) matchAt(m *matcher, start int) (Match, bool) {
	var found Match
	ok := p.root.match(m, start, func(end int) bool {
		found = Match{Start: start, End: end, Text: m.u.span(start, end), Params: m.collect(0, 0)}
		return true
	})
	return found, ok
}

// mayStartWith reports whether a match of p can start with t.
func (p *Pattern) mayStartWith(t Token) bool {
	return p.firstAny || p.first[t.Norm]
}

// MatchString is Find over the whole of text.
func (p *Pattern) MatchString(text string) (Match, bool) {
	u := Split(text)
	return p.Find(u, 0, len(u.Tokens))
}

// mayMatch reports whether every word a match needs is in the utterance.
func (p *Pattern) mayMatch(u Utterance) bool {
	if u.words == nil {
		return true // not made by Split: no index to consult
	}
	for _, w := range p.required {
		if !u.words[w] {
			return false
		}
	}
	return true
}

// exhausted counts a step and reports whether the budget is spent.
func (m *matcher) exhausted() bool { return m.charge(1) }

// charge counts n steps and reports whether the budget is spent.
func (m *matcher) charge(n int) bool {
	m.steps += n
	return m.steps > matchBudget
}

// collect gathers the parameters bound at depth from position base of the stack.
func (m *matcher) collect(base, depth int) Params {
	params := Params{}
	for _, b := range m.params[base:] {
		if b.depth == depth {
			params[b.name] = b.value
		}
	}
	return params
}

// bind pushes a parameter, runs k and pops the parameter again if k refuses.
func (m *matcher) bind(name string, v Value, end int, k func(int) bool) bool {
	n := len(m.params)
	m.params = append(m.params, binding{depth: m.depth, name: name, value: v})
	if k(end) {
		return true
	}
	m.params = m.params[:n]
	return false
}

func (n *wordNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return pos < len(m.toks) && m.toks[pos].Norm == n.word && k(pos+1)
}

func (n *seqNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return n.matchFrom(0, m, pos, k)
}

func (n *seqNode) matchFrom(i int, m *matcher, pos int, k func(int) bool) bool {
	if i == len(n.items) {
		return k(pos)
	}
	return n.items[i].match(m, pos, func(end int) bool { return n.matchFrom(i+1, m, end, k) })
}

func (n *altNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	for _, a := range n.alts {
		if a.match(m, pos, k) {
			return true
		}
	}
	return false
}

func (n *optNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return n.inner.match(m, pos, k) || k(pos)
}

// match prefers more repetitions; every repetition must consume a word.
func (n *repeatNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return n.inner.match(m, pos, func(end int) bool {
		return end > pos && (n.match(m, end, k) || k(end))
	})
}

func (n *anyNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return pos < len(m.toks) && k(pos+1)
}

func (n *manyNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	return spans(pos, len(m.toks), n.greedy, k)
}

// spans offers the ends of every run of one or more words from pos,
// shortest first or, when greedy, longest first.
func spans(pos, limit int, greedy bool, k func(int) bool) bool {
	if greedy {
		for end := limit; end > pos; end-- {
			if k(end) {
				return true
			}
		}
		return false
	}
	for end := pos + 1; end <= limit; end++ {
		if k(end) {
			return true
		}
	}
	return false
}

func (n *paramNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	if pos >= len(m.toks) {
		return false
	}
	switch n.def.Name {
	case TypeWord:
		text := m.toks[pos].Text
		return m.bind(n.name, Value{Type: TypeWord, Text: text, Value: text}, pos+1, k)
	case TypeString, TypeRest:
		return spans(pos, len(m.toks), n.greedy || n.def.Name == TypeRest, func(end int) bool {
			text := m.u.span(pos, end)
			return m.bind(n.name, Value{Type: n.def.Name, Text: text, Value: text}, end, k)
		})
	case TypeNumber:
		return n.matchNumber(m, pos, k)
	}
	return n.matchCustom(m, pos, k)
}

// matchNumber offers a number written in digits or the longest spoken
// number first, then shorter ones ("twenty five" before "twenty").
func (n *paramNode) matchNumber(m *matcher, pos int, k func(int) bool) bool {
	if v, ok := parseDigits(m.toks[pos].Norm); ok {
		if !n.inRange(v) {
			return false
		}
		return m.bind(n.name, Value{Type: TypeNumber, Text: m.toks[pos].Text, Value: v}, pos+1, k)
	}
	limit := pos
	words := []string{}
	for limit < len(m.toks) && n.def.numbers.IsWord(m.toks[limit].Norm) {
		words = append(words, m.toks[limit].Norm)
		limit++
	}
	if m.charge(limit - pos) {
		return false
	}
	for end := limit; end > pos; end-- {
		if m.charge(end - pos) {
			return false
		}
		v, ok := n.def.numbers.Parse(words[:end-pos])
		if ok && n.inRange(v) && m.bind(n.name, Value{Type: TypeNumber, Text: m.u.span(pos, end), Value: v}, end, k) {
			return true
		}
	}
	return false
}

// inRange reports whether v suits a ranged Number (any v suits others).
func (n *paramNode) inRange(v float64) bool {
	if !n.ranged {
		return true
	}
	return v == math.Trunc(v) && v >= float64(n.lo) && v <= float64(n.hi) &&
		(n.step <= 1 || (int(v)-n.lo)%n.step == 0)
}

// matchCustom matches the type's own pattern, one level deeper, and lets
// its Parse hook accept or reject every candidate end.
func (n *paramNode) matchCustom(m *matcher, pos int, k func(int) bool) bool {
	base := len(m.params)
	m.depth++
	defer func() { m.depth-- }()
	return n.def.root.match(m, pos, func(end int) bool {
		c := Candidate{Text: m.u.span(pos, end), Params: m.collect(base, m.depth)}
		var v any
		switch {
		case n.def.Parse != nil:
			// Only Parse reads Words: build them for it alone, at a step
			// a word (see matchBudget).
			if m.charge(end - pos) {
				return false
			}
			for _, t := range m.toks[pos:end] {
				c.Words = append(c.Words, t.Norm)
			}
			var err error
			if v, err = n.def.Parse(c); err != nil {
				return false
			}
		case len(c.Params) > 0:
			v = c.Params
		default:
			v = c.Text
		}
		m.depth--
		defer func() { m.depth++ }()
		return m.bind(n.name, Value{Type: n.def.Name, Text: c.Text, Value: v}, end, k)
	})
}

// markTail makes open slots greedy when nothing but optional parts follows
// them, so "search for **" takes the rest of the utterance. It reports
// whether n can match no words at all: walking a sequence from its end
// gives each item that of the items after it, looking at every node once.
func markTail(n node, tail bool) (nullable bool) {
	switch n := n.(type) {
	case *seqNode:
		nullable = true
		for i := len(n.items) - 1; i >= 0; i-- {
			if !markTail(n.items[i], tail && nullable) {
				nullable = false
			}
		}
		return nullable
	case *altNode:
		for _, a := range n.alts {
			if markTail(a, tail) {
				nullable = true
			}
		}
		return nullable
	case *choiceNode:
		for _, a := range n.alts {
			if markTail(a, tail) {
				nullable = true
			}
		}
		return nullable
	case *optNode:
		markTail(n.inner, tail)
		return true
	case *repeatNode:
		return markTail(n.inner, false)
	case *manyNode:
		n.greedy = tail
	case *paramNode:
		n.greedy = tail
	}
	return false
}

// firstWords adds to set the words a match of n can start with and
// reports whether it can also start with other words. It also reports
// whether n can match no words at all, when a match can start after it.
func firstWords(n node, set map[string]bool) (anyWord, nullable bool) {
	switch n := n.(type) {
	case *wordNode:
		set[n.word] = true
		return false, false
	case *seqNode:
		for _, it := range n.items {
			a, null := firstWords(it, set)
			anyWord = anyWord || a
			if !null {
				return anyWord, false
			}
		}
		return anyWord, true
	case *altNode:
		for _, alt := range n.alts {
			a, null := firstWords(alt, set)
			anyWord, nullable = anyWord || a, nullable || null
		}
		return anyWord, nullable
	case *choiceNode:
		for _, alt := range n.alts {
			a, null := firstWords(alt, set)
			anyWord, nullable = anyWord || a, nullable || null
		}
		return anyWord, nullable
	case *optNode:
		anyWord, _ = firstWords(n.inner, set)
		return anyWord, true
	case *repeatNode:
		return firstWords(n.inner, set)
	case *paramNode:
		if n.def.root == nil {
			return true, false
		}
		maps.Copy(set, n.def.first)
		return n.def.firstAny, false
	}
	return true, false // * and **
}

// requiredWords appends the words every match of n holds.
func requiredWords(n node, words []string) []string {
	switch n := n.(type) {
	case *wordNode:
		return append(words, n.word)
	case *seqNode:
		for _, it := range n.items {
			words = requiredWords(it, words)
		}
	case *repeatNode:
		return requiredWords(n.inner, words)
	case *paramNode:
		return append(words, n.def.required...)
	}
	return words
}
