package grammar

import (
	"slices"
	"strings"
)

// Expand lists the word sequences n can make, with references expanded (a
// rule's Phrases stand for it when set) and repetitions taken once or
// twice. ok is false when n has an open slot or more than limit phrases.
func (g *Grammar) Expand(n Node, limit int) (phrases []string, ok bool) {
	e := expander{rules: g.rules(), limit: limit}
	return e.expand(n, 0)
}

type expander struct {
	rules map[string]*Rule
	limit int
}

func (e *expander) expand(n Node, depth int) ([]string, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch n.Kind {
	case Word:
		return []string{n.Text}, true
	case Seq:
		out := []string{""}
		for _, it := range n.Items {
			tails, ok := e.expand(it, depth+1)
			if !ok || len(out)*len(tails) > e.limit {
				return nil, false
			}
			out = cross(out, tails)
		}
		return out, true
	case Alt:
		var out []string
		for _, it := range n.Items {
			ps, ok := e.expand(it, depth+1)
			if !ok || len(out)+len(ps) > e.limit {
				return nil, false
			}
			out = append(out, ps...)
		}
		return out, true
	case Opt:
		ps, ok := e.expand(n.Items[0], depth+1)
		if !ok || len(ps)+1 > e.limit {
			return nil, false
		}
		return append(ps, ""), true
	case Repeat:
		ps, ok := e.expand(n.Items[0], depth+1)
		if !ok || len(ps)+len(ps)*len(ps) > e.limit {
			return nil, false
		}
		return append(ps, cross(ps, ps)...), true
	case Ref:
		r, found := e.rules[n.Text]
		if !found {
			return nil, false
		}
		if r.Phrases != nil {
			if len(r.Phrases) > e.limit {
				return nil, false
			}
			return r.Phrases, true
		}
		return e.expand(r.Body, depth+1)
	}
	return nil, false
}

func cross(heads, tails []string) []string {
	out := make([]string, 0, len(heads)*len(tails))
	for _, h := range heads {
		for _, t := range tails {
			out = append(out, strings.TrimSpace(h+" "+t))
		}
	}
	return out
}

// PhraseList is a grammar as a phrase list, for engines that take one.
type PhraseList struct {
	// Phrases of the commands that expand within the bound, without repeats.
	Phrases []string
	// Open names the commands left out: with an open slot, or with more
	// phrases than the bound allows. They need open decoding.
	Open []string
	// TooBig names those of Open left out for their size alone.
	TooBig []string
}

// PhraseList expands every command within a bound of perCommand phrases
// each and total in all; a command past either is left to open decoding.
func (g *Grammar) PhraseList(perCommand, total int) PhraseList {
	var pl PhraseList
	seen := map[string]bool{}
	rules := g.rules()
	e := expander{rules: rules, limit: perCommand}
	for _, c := range g.Commands {
		if holds(c.Body, Open, rules, 0) {
			pl.Open = append(pl.Open, c.Name)
			continue
		}
		ps, ok := e.expand(c.Body, 0)
		fresh := 0
		for _, p := range ps {
			if p != "" && !seen[p] {
				fresh++
			}
		}
		if !ok || len(pl.Phrases)+fresh > total {
			pl.Open = append(pl.Open, c.Name)
			pl.TooBig = append(pl.TooBig, c.Name)
			continue
		}
		for _, p := range ps {
			if p != "" && !seen[p] {
				seen[p] = true
				pl.Phrases = append(pl.Phrases, p)
			}
		}
	}
	return pl
}

// matchBudget bounds Contains: a grammar written to backtrack
// exponentially gives up (no match) rather than hang.
const matchBudget = 100_000

// Contains reports whether the words (lower case, as a recognizer spells
// them) hold, anywhere, a match of one of cmds that has at least one fixed
// word: an engine decoding openly beside the grammar uses it to tell
// whether the open transcript is for an open command.
func (g *Grammar) Contains(words []string, cmds []Command) (command string, ok bool) {
	m := matcher{rules: g.rules(), words: words}
	for _, c := range cmds {
		if !holds(c.Body, Word, m.rules, 0) {
			continue
		}
		for start := range words {
			if m.match(c.Body, start, 0, func(int) bool { return true }) {
				return c.Name, true
			}
		}
	}
	return "", false
}

// Anchored reports whether c has a fixed word (all open slots otherwise:
// it could match anything).
func (g *Grammar) Anchored(c Command) bool { return holds(c.Body, Word, g.rules(), 0) }

type matcher struct {
	rules map[string]*Rule
	words []string
	steps int
	open  [][2]int // the word spans open slots took on the path being tried
}

func (m *matcher) match(n Node, pos, depth int, k func(int) bool) bool {
	m.steps++
	if m.steps > matchBudget || depth > maxDepth {
		return false
	}
	switch n.Kind {
	case Word:
		return pos < len(m.words) && m.words[pos] == n.Text && k(pos+1)
	case Seq:
		var from func(i, pos int) bool
		from = func(i, pos int) bool {
			if i == len(n.Items) {
				return k(pos)
			}
			return m.match(n.Items[i], pos, depth+1, func(end int) bool { return from(i+1, end) })
		}
		return from(0, pos)
	case Alt:
		for _, it := range n.Items {
			if m.match(it, pos, depth+1, k) {
				return true
			}
		}
		return false
	case Opt:
		return m.match(n.Items[0], pos, depth+1, k) || k(pos)
	case Repeat:
		// The next repetition is not nested in this one: it stays at depth,
		// so a repetition repeats as often as the words go. Each takes a
		// word at least, and steps bound the work.
		return m.match(n.Items[0], pos, depth+1, func(end int) bool {
			return end > pos && (m.match(n, end, depth, k) || k(end))
		})
	case Ref:
		r, ok := m.rules[n.Text]
		return ok && m.match(r.Body, pos, depth+1, k)
	case Open:
		last := pos + 1
		if n.Many {
			last = len(m.words)
		}
		for end := pos + 1; end <= last && end <= len(m.words); end++ {
			m.open = append(m.open, [2]int{pos, end})
			if k(end) {
				return true
			}
			m.open = m.open[:len(m.open)-1]
		}
	}
	return false
}

// Accepts reports whether the grammar can make exactly words: one command,
// or several joined by a connector each.
func (g *Grammar) Accepts(words []string) bool {
	_, ok := g.OpenSpans(words)
	return ok
}

// OpenSpans is Accepts that also returns the spans [from, to) of the words
// that open slots took: an engine whose grammar spells an open slot with
// filler words puts its open transcript of those words there.
func (g *Grammar) OpenSpans(words []string) (spans [][2]int, ok bool) {
	m := matcher{rules: g.rules(), words: words}
	var from func(pos int) bool
	from = func(pos int) bool {
		for _, c := range g.Commands {
			mark := len(m.open)
			if m.match(c.Body, pos, 0, func(end int) bool {
				if end == len(words) {
					return true
				}
				return end < len(words) && slices.Contains(g.Connectors, words[end]) && end+1 < len(words) && from(end+1)
			}) {
				return true
			}
			m.open = m.open[:mark]
		}
		return false
	}
	if len(words) == 0 || !from(0) {
		return nil, false
	}
	return m.open, true
}
