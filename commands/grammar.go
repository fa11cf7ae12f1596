package commands

import "time"

// Grammar is what the active commands can make the recognizer hear.
type Grammar struct {
	// Phrases is a phrase list for Recognizer.SetGrammar: every phrase of
	// the commands whose patterns enumerate within the limit, and the words
	// of the others one per phrase. When it would exceed the limit it is the
	// word list alone.
	Phrases []string `json:"phrases"`
	// Words is the vocabulary of all active patterns.
	Words []string `json:"words"`
	// Open is set when some pattern takes any word (*, **, Word, String):
	// restricting decoding would make it unusable, so decode openly.
	Open bool `json:"open"`
}

// RecognizerPhrases is the phrase list to give Recognizer.SetGrammar: nil
// (open decoding) when the grammar is open, else Phrases.
func (g Grammar) RecognizerPhrases() []string {
	if g.Open {
		return nil
	}
	return g.Phrases
}

// Grammar exports the phrases and words of the commands active at now (the
// open contexts and the root), keeping at most limit phrases.
func (m *Manager) Grammar(now time.Time, limit int) Grammar {
	var g Grammar
	phrases, words := newUniq(), newUniq()
	for _, set := range m.active(now) {
		for _, c := range set {
			e := c.pattern.Expand(limit)
			g.Open = g.Open || e.Open
			words.add(e.Words...)
			if e.Phrases != nil {
				phrases.add(e.Phrases...)
			} else {
				phrases.add(e.Words...)
			}
		}
	}
	g.Words = words.list
	g.Phrases = phrases.list
	if len(g.Phrases) > limit {
		g.Phrases = g.Words
	}
	return g
}

// uniq is a list without repeats, in first-seen order.
type uniq struct {
	seen map[string]bool
	list []string
}

func newUniq() *uniq { return &uniq{seen: map[string]bool{}} }

func (u *uniq) add(items ...string) {
	for _, s := range items {
		if !u.seen[s] {
			u.seen[s] = true
			u.list = append(u.list, s)
		}
	}
}
