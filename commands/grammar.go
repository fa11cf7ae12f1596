package commands

import (
	"slices"
	"time"

	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Grammar is what the active commands can make the recognizer hear.
type Grammar struct {
	// Rules is the structured grammar: one rule per command, keeping
	// alternatives, optional parts, repetitions, and sub-rules for numbers,
	// lists and types (see package pipeline/grammar). Commands in several
	// active sets (a context and the root) appear once, the innermost first.
	Rules *grammar.Grammar `json:"rules"`
	// Phrases is the grammar as a phrase list within the limit, as a Vosk
	// recognizer expands it: every phrase of the commands without open slots
	// that expand within it (numbers over pattern.DefaultNumberPhrases).
	Phrases []string `json:"phrases"`
	// Words is the vocabulary of all active patterns.
	Words []string `json:"words"`
	// Open is set when some pattern takes any word (*, **, Word, String,
	// Rest); OpenCommands names the commands a phrase list leaves to open
	// decoding: those, and those with more phrases than the limit.
	Open         bool     `json:"open"`
	OpenCommands []string `json:"open_commands,omitempty"`
}

// RecognizerGrammar is what to give Recognizer.SetGrammar: the structured
// grammar, from which each engine builds its own form; nil (open decoding)
// when no command is active.
func (g Grammar) RecognizerGrammar() *grammar.Grammar {
	if g.Rules == nil || len(g.Rules.Commands) == 0 {
		return nil
	}
	return g.Rules
}

// Connectors are the words that join several commands in one English
// utterance; ManagerConfig.Connectors gives another language's.
func Connectors() []string { return []string{"and", "then"} }

// connectors are the manager's connectors, sorted.
func (m *Manager) connectors() []string {
	out := make([]string, 0, len(m.conn))
	for w := range m.conn {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// Grammar exports the structured grammar of the commands active at now (the
// open contexts and the root) and its phrase list within limit phrases.
func (m *Manager) Grammar(now time.Time, limit int) Grammar {
	b := pattern.NewGrammarBuilder()
	rules := &grammar.Grammar{Connectors: m.connectors()}
	seen := map[string]bool{}
	for _, set := range m.active(now) {
		for _, c := range set {
			if seen[c.Name] {
				continue // a context's command of the same name hides the root's
			}
			seen[c.Name] = true
			rules.Commands = append(rules.Commands, grammar.Command{Name: c.Name, Body: b.Node(c.pattern)})
		}
	}
	rules.Rules = b.Rules()
	_, open := rules.Split()
	pl := rules.PhraseList(limit, limit)
	return Grammar{
		Rules:        rules,
		Phrases:      pl.Phrases,
		Words:        rules.Vocabulary(),
		Open:         len(open) > 0,
		OpenCommands: pl.Open,
	}
}
