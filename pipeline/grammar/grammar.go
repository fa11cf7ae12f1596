// Package grammar is the structure of what a recognizer may hear, kept from
// the command patterns all the way to the decoder: each command is a rule
// of words, alternatives, optional parts, repetitions, references to shared
// sub-rules (spoken numbers, slot lists, parameter types) and open slots.
// The command manager exports it (commands.Manager.Grammar); each engine
// turns it into its own form: PocketSphinx a JSGF grammar, Vosk a phrase
// list expanded within a bound.
//
// A Grammar reaches an engine through pipeline.Recognizer.SetGrammar; a
// plain phrase list is a Grammar too (Phrases). Several commands in one
// utterance are only whole commands joined by the Connectors.
package grammar

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Kind is what a Node is.
type Kind uint8

const (
	Word   Kind = iota // the word Text
	Seq                // Items one after the other
	Alt                // one of Items
	Opt                // Items[0] or nothing
	Repeat             // Items[0] one or more times
	Ref                // the Rule named Text
	Open               // any one word or, with Many, one or more words
)

// Node is one construct of a rule.
type Node struct {
	Kind  Kind   `json:"k"`
	Text  string `json:"t,omitempty"`
	Items []Node `json:"i,omitempty"`
	Many  bool   `json:"m,omitempty"`
}

// Constructors, for building grammars by hand and in tests.
func W(word string) Node     { return Node{Kind: Word, Text: word} }
func S(items ...Node) Node   { return Node{Kind: Seq, Items: items} }
func A(items ...Node) Node   { return Node{Kind: Alt, Items: items} }
func O(item Node) Node       { return Node{Kind: Opt, Items: []Node{item}} }
func R(item Node) Node       { return Node{Kind: Repeat, Items: []Node{item}} }
func RefTo(rule string) Node { return Node{Kind: Ref, Text: rule} }
func Any(many bool) Node     { return Node{Kind: Open, Many: many} }
func Words(phrase string) Node { // "turn on" → S(W("turn"), W("on"))
	var items []Node
	for _, w := range strings.Fields(phrase) {
		items = append(items, W(w))
	}
	if len(items) == 1 {
		return items[0]
	}
	return S(items...)
}

// Rule is a named sub-rule commands refer to.
type Rule struct {
	Name string `json:"name"`
	Body Node   `json:"body"`
	// Phrases, if set, stands for the rule in phrase lists (Expand): a
	// number rule's default range, where Body is every number there is.
	Phrases []string `json:"phrases,omitempty"`
}

// Command is one command's rule.
type Command struct {
	Name string `json:"name"`
	Body Node   `json:"body"`
}

// Grammar is what the active commands can make a recognizer hear.
type Grammar struct {
	Commands   []Command `json:"commands"`
	Rules      []Rule    `json:"rules,omitempty"`
	Connectors []string  `json:"connectors,omitempty"`
}

// Phrases is a grammar of one command whose rule is the alternatives of
// the phrases, for a plain phrase list; blank phrases are left out. With
// none left it is nil: open decoding.
func Phrases(phrases ...string) *Grammar {
	var alts []Node
	for _, p := range phrases {
		if len(strings.Fields(p)) > 0 {
			alts = append(alts, Words(p))
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return &Grammar{Commands: []Command{{Name: "phrases", Body: A(alts...)}}}
}

// Equal reports whether g and o are the same grammar, structurally; nil
// equals only nil.
func (g *Grammar) Equal(o *Grammar) bool {
	return reflect.DeepEqual(g, o)
}

// maxDepth bounds the nesting of nodes and rule references.
const maxDepth = 64

// Check reports a malformed grammar: an unknown or cyclic rule
// reference, a node of the wrong shape, nesting past maxDepth.
func (g *Grammar) Check() error {
	rules := g.rules()
	state := map[string]int{} // 1 visiting, 2 done
	var node func(n Node, depth int) error
	var rule func(name string, depth int) error
	node = func(n Node, depth int) error {
		if depth > maxDepth {
			return errors.New("grammar: nested too deep")
		}
		switch n.Kind {
		case Word:
			if n.Text == "" || strings.ContainsAny(n.Text, " \t\n") {
				return fmt.Errorf("grammar: bad word %q", n.Text)
			}
		case Seq, Alt:
			if len(n.Items) == 0 {
				return errors.New("grammar: empty sequence or alternative")
			}
		case Opt, Repeat:
			if len(n.Items) != 1 {
				return errors.New("grammar: optional part or repetition needs one item")
			}
		case Ref:
			return rule(n.Text, depth+1)
		case Open:
		default:
			return fmt.Errorf("grammar: unknown node kind %d", n.Kind)
		}
		for _, it := range n.Items {
			if err := node(it, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	rule = func(name string, depth int) error {
		r, ok := rules[name]
		if !ok {
			return fmt.Errorf("grammar: unknown rule %q", name)
		}
		switch state[name] {
		case 1:
			return fmt.Errorf("grammar: rule %q refers to itself", name)
		case 2:
			return nil
		}
		state[name] = 1
		if err := node(r.Body, depth); err != nil {
			return err
		}
		state[name] = 2
		return nil
	}
	for _, c := range g.Commands {
		if err := node(c.Body, 0); err != nil {
			return fmt.Errorf("command %s: %w", c.Name, err)
		}
	}
	for _, r := range g.Rules {
		if err := rule(r.Name, 0); err != nil {
			return err
		}
	}
	return nil
}

func (g *Grammar) rules() map[string]*Rule {
	m := make(map[string]*Rule, len(g.Rules))
	for i := range g.Rules {
		m[g.Rules[i].Name] = &g.Rules[i]
	}
	return m
}

// IsOpen reports whether n can take any word: it holds an Open node, in
// itself or in a rule it refers to.
func (g *Grammar) IsOpen(n Node) bool {
	return holds(n, Open, g.rules(), 0)
}

// holds reports whether n holds a node of the kind, in itself or in a rule
// it refers to.
func holds(n Node, kind Kind, rules map[string]*Rule, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch n.Kind {
	case kind:
		return true
	case Ref:
		r, ok := rules[n.Text]
		return ok && holds(r.Body, kind, rules, depth+1)
	}
	return slices.ContainsFunc(n.Items, func(it Node) bool { return holds(it, kind, rules, depth+1) })
}

// Split returns the commands without open slots and those with.
func (g *Grammar) Split() (closed, open []Command) {
	rules := g.rules()
	for _, c := range g.Commands {
		if holds(c.Body, Open, rules, 0) {
			open = append(open, c)
		} else {
			closed = append(closed, c)
		}
	}
	return closed, open
}

// UsedRules lists the rules the commands refer to, directly or through
// other rules, each after the rules it refers to.
func (g *Grammar) UsedRules(cmds []Command) []Rule {
	rules := g.rules()
	seen := map[string]bool{}
	var out []Rule
	var walk func(n Node)
	walk = func(n Node) {
		if n.Kind == Ref && !seen[n.Text] {
			seen[n.Text] = true
			if r, ok := rules[n.Text]; ok {
				walk(r.Body)
				out = append(out, *r)
			}
		}
		for _, it := range n.Items {
			walk(it)
		}
	}
	for _, c := range cmds {
		walk(c.Body)
	}
	return out
}

// Vocabulary lists the words the commands can use, in first-use order.
func (g *Grammar) Vocabulary() []string {
	rules := g.rules()
	seen := map[string]bool{}
	var out []string
	done := map[string]bool{}
	var walk func(n Node)
	walk = func(n Node) {
		switch n.Kind {
		case Word:
			if !seen[n.Text] {
				seen[n.Text] = true
				out = append(out, n.Text)
			}
		case Ref:
			if r, ok := rules[n.Text]; ok && !done[n.Text] {
				done[n.Text] = true
				walk(r.Body)
			}
		}
		for _, it := range n.Items {
			walk(it)
		}
	}
	for _, c := range g.Commands {
		walk(c.Body)
	}
	return out
}
