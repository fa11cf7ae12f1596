package pattern

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// maxRangedAlternatives bounds the values a ranged Number lists as
// alternatives; a wider range uses the general number rule in grammars
// and vocabularies, and the range's first values in phrase lists.
const maxRangedAlternatives = 1000

// rangeValues returns the whole numbers of a range, lo, lo+step, … up to
// hi, at most maxRangedAlternatives of them; all reports whether that is
// every one.
func rangeValues(lo, hi, step int) (values []int, all bool) {
	step = max(step, 1)
	for v := lo; v <= hi; v += step {
		if len(values) == maxRangedAlternatives {
			return values, false
		}
		values = append(values, v)
	}
	return values, true
}

// rangePhrases spells every value of a range in ns's language (nil:
// English), each value's forms together; all reports whether the range
// had no more values than maxRangedAlternatives.
func rangePhrases(ns *Numbers, lo, hi, step int) (phrases []string, all bool) {
	values, all := rangeValues(lo, hi, step)
	for _, v := range values {
		phrases = append(phrases, ns.Spell(v)...)
	}
	return phrases, all
}

// rangeVocabulary is the words a ranged Number can be said with: those of
// its values' spellings, or every number word for a range too wide to list.
func rangeVocabulary(ns *Numbers, lo, hi, step int) []string {
	phrases, all := rangePhrases(ns, lo, hi, step)
	if !all {
		return ns.Vocabulary()
	}
	seen := map[string]bool{}
	var words []string
	for _, p := range phrases {
		for _, w := range strings.Fields(p) {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	sort.Strings(words)
	return words
}

// rangedNumber is the sub-rule of a ranged Number: its values' spoken
// forms as alternatives, and as its phrase list, or the general number
// rule for a range wider than maxRangedAlternatives values.
func (b *GrammarBuilder) rangedNumber(ns *Numbers, lo, hi, step int) grammar.Node {
	name := fmt.Sprintf("%s(%d..%d)", NumberRule, lo, hi)
	if step > 1 {
		name = fmt.Sprintf("%s(%d..%d/%d)", NumberRule, lo, hi, step)
	}
	if b.known[name] {
		return grammar.RefTo(name)
	}
	b.known[name] = true
	phrases, all := rangePhrases(ns, lo, hi, step)
	rule := grammar.Rule{Name: name, Phrases: phrases}
	if all {
		alts := make([]grammar.Node, len(phrases))
		for i, p := range phrases {
			alts[i] = grammar.Words(p)
		}
		rule.Body = grammar.A(alts...)
	} else {
		rule.Body = b.number(ns)
	}
	b.rules = append(b.rules, rule)
	return grammar.RefTo(name)
}

// AddRange registers a number list, as Home Assistant's range lists: a
// parameter of it takes the whole numbers from lo to hi, lo plus a
// multiple of step (1 when less), as $n:Number(lo..hi step s) does, and is
// set to the number (a float64).
func (t *Types) AddRange(name string, lo, hi, step int) error {
	step = max(step, 1)
	switch {
	case lo > hi:
		return fmt.Errorf("range %s: %d is above %d", name, lo, hi)
	case lo < -maxRange || hi > maxRange || step > maxRange:
		return fmt.Errorf("range %s: numbers from %d to %d only", name, -maxRange, maxRange)
	}
	return t.Add(Type{
		Name:    name,
		Pattern: "$value:" + rangeName(lo, hi, step),
		Parse: func(c Candidate) (any, error) {
			return c.Params["value"].Value, nil
		},
	})
}
