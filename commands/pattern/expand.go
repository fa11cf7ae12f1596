package pattern

import "strings"

// Expansion is what a pattern can make a recognizer hear.
type Expansion struct {
	// Phrases are all the word sequences the pattern matches exactly, with
	// alternatives expanded, optional parts both taken and left out, and
	// custom types with finite patterns expanded. Nil when there are more
	// than the limit, or infinitely many (repetitions, numbers, open slots).
	Phrases []string
	// Words is the vocabulary of the pattern's fixed parts, of its custom
	// types and, with a Number parameter, of spoken numbers.
	Words []string
	// Open is set when the pattern has a slot that takes any word: *, **,
	// Word or String.
	Open bool
}

// Expand lists what p can match, keeping at most limit phrases.
func (p *Pattern) Expand(limit int) Expansion {
	var e Expansion
	seen := map[string]bool{}
	e.Open = vocabulary(p.root, func(w string) {
		if !seen[w] {
			seen[w] = true
			e.Words = append(e.Words, w)
		}
	})
	if phrases, ok := expand(p.root, limit); ok {
		e.Phrases = dedupe(phrases)
	}
	return e
}

// expand enumerates the phrases of n, failing when they are infinitely
// many or more than limit.
func expand(n node, limit int) ([]string, bool) {
	switch n := n.(type) {
	case *wordNode:
		return []string{n.word}, true
	case *seqNode:
		parts := make([][]string, len(n.items))
		count := 1
		for i, it := range n.items {
			phrases, ok := expand(it, limit)
			if !ok || count*len(phrases) > limit {
				return nil, false
			}
			parts[i], count = phrases, count*len(phrases)
		}
		return joinEach(parts, count), true
	case *altNode:
		var out []string
		for _, a := range n.alts {
			phrases, ok := expand(a, limit)
			if !ok || len(out)+len(phrases) > limit {
				return nil, false
			}
			out = append(out, phrases...)
		}
		return out, true
	case *choiceNode:
		return expand(&altNode{alts: n.alts}, limit)
	case *optNode:
		phrases, ok := expand(n.inner, limit-1)
		return append(phrases, ""), ok
	case *paramNode:
		if n.def.root != nil {
			return expand(n.def.root, limit)
		}
	}
	return nil, false
}

// joinEach joins one phrase of every part, in each of their count
// combinations, the last part varying fastest. Each phrase is joined once
// at the end: joining item by item would copy the phrase of a long
// sequence once per item.
func joinEach(parts [][]string, count int) []string {
	out := make([]string, 0, count)
	pick := make([]int, len(parts))
	words := make([]string, 0, len(parts))
	for range count {
		words = words[:0]
		for i, phrases := range parts {
			if p := phrases[pick[i]]; p != "" { // an optional part left out
				words = append(words, p)
			}
		}
		out = append(out, strings.Join(words, " "))
		for i := len(parts) - 1; i >= 0; i-- {
			if pick[i]++; pick[i] < len(parts[i]) {
				break
			}
			pick[i] = 0
		}
	}
	return out
}

// vocabulary calls add with every fixed word n can match and reports
// whether n also takes any word.
func vocabulary(n node, add func(string)) (open bool) {
	switch n := n.(type) {
	case *wordNode:
		add(n.word)
	case *seqNode:
		for _, it := range n.items {
			open = vocabulary(it, add) || open
		}
	case *altNode:
		for _, a := range n.alts {
			open = vocabulary(a, add) || open
		}
	case *choiceNode:
		for _, a := range n.alts {
			open = vocabulary(a, add) || open
		}
	case *optNode:
		return vocabulary(n.inner, add)
	case *repeatNode:
		return vocabulary(n.inner, add)
	case *paramNode:
		switch {
		case n.def.root != nil:
			return vocabulary(n.def.root, add)
		case n.def.Name == TypeNumber && n.ranged:
			for _, w := range rangeVocabulary(n.def.numbers, n.lo, n.hi, n.step) {
				add(w)
			}
		case n.def.Name == TypeNumber:
			for _, w := range n.def.numbers.Vocabulary() {
				add(w)
			}
		default:
			return true
		}
	default:
		return true
	}
	return open
}

// dedupe drops empty and repeated strings, in place, keeping the order.
func dedupe(phrases []string) []string {
	seen := map[string]bool{}
	out := phrases[:0]
	for _, p := range phrases {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
