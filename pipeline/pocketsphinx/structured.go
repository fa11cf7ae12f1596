package pocketsphinx

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Structured is a JSGF grammar built from a structured grammar.
type Structured struct {
	// JSGF holds the commands; empty when none is usable.
	JSGF string
	// Closed names the closed commands in the JSGF; Open the commands with
	// open slots (*, **, String, a Word without a list): in the JSGF, each
	// slot a loop of freeWords, if the lexicon has any of them; else left
	// out.
	Closed, Open []string
	// Dropped are parts left out for words the dictionary lacks.
	Dropped []Dropped

	g    *grammar.Grammar
	open []grammar.Command
}

// StructuredJSGF builds a JSGF from g that keeps its structure: one rule per
// closed command, sub-rules for numbers, lists and types, alternatives,
// optional parts ([…]) and repetitions (…)+ as they are. Several commands
// in one utterance are whole commands joined by the connectors. A word the
// lexicon lacks takes out the smallest part holding it (its alternative,
// its optional part, else its command), each reported once with the
// commands it was in: a part of a rule with all that refer to it. A
// grammar cannot spell "any word": an open slot becomes a loop of a few
// frequent words (freeWords), enough to tell that an open command was
// said but not what its slot holds, which the recognizer's open pass
// transcribes. An open command without a fixed word is left out.
func StructuredJSGF(g *grammar.Grammar, lex Lexicon) (*Structured, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	closed, open := g.Split()
	s := &Structured{g: g, open: open}
	for _, c := range open {
		s.Open = append(s.Open, c.Name)
	}
	b := jsgfBuilder{lex: lex, names: map[string]string{}, pruned: map[string]prunedRule{}, rules: map[string]*grammar.Rule{}}
	for i := range g.Rules {
		b.rules[g.Rules[i].Name] = &g.Rules[i]
	}
	for _, w := range freeWords {
		if lex.Has(w) {
			b.free = append(b.free, w)
		}
	}
	var cmds []string
	var body strings.Builder
	inJSGF := closed
	if len(b.free) > 0 {
		// The open ones too, in their order; but not one of open slots
		// alone, which the filler would let match anything.
		inJSGF = slices.DeleteFunc(slices.Clone(g.Commands), func(c grammar.Command) bool {
			return g.IsOpen(c.Body) && !g.Anchored(c)
		})
	}
	for _, c := range inJSGF {
		b.dropped = nil
		n, st, missing := b.prune(c.Body)
		for _, d := range b.dropped {
			d.Commands = []string{c.Name}
			s.Dropped = append(s.Dropped, d)
		}
		if st != kept {
			s.Dropped = append(s.Dropped, Dropped{Phrase: c.Name, Reason: "command left out: " + why(missing), Commands: []string{c.Name}})
			continue
		}
		name := fmt.Sprintf("c%d", len(cmds))
		cmds = append(cmds, "<"+name+">")
		fmt.Fprintf(&body, "<%s> = %s; // %s\n", name, b.expr(n, false), strings.ReplaceAll(c.Name, "\n", " "))
		if !slices.Contains(s.Open, c.Name) {
			s.Closed = append(s.Closed, c.Name)
		}
	}
	s.Dropped = append(s.Dropped, b.droppedInRules(g, inJSGF)...)
	if len(cmds) == 0 {
		if len(open) > 0 {
			return s, nil
		}
		return nil, fmt.Errorf("pocketsphinx: grammar: none of %d commands is usable", len(g.Commands))
	}
	var out strings.Builder
	fmt.Fprintf(&out, "#JSGF V1.0;\ngrammar %s;\n", grammarName)
	joins := make([]string, 0, len(g.Connectors))
	for _, c := range g.Connectors {
		for _, w := range Words(c) {
			if lex.Has(w) {
				joins = append(joins, w)
			}
		}
	}
	if len(joins) > 0 {
		fmt.Fprintf(&out, "public <utterance> = <command> ( ( %s ) <command> )*;\n", strings.Join(joins, " | "))
	} else {
		out.WriteString("public <utterance> = <command>;\n")
	}
	fmt.Fprintf(&out, "<command> = %s;\n", strings.Join(cmds, " | "))
	out.WriteString(body.String())
	for _, name := range b.order {
		out.WriteString(b.ruleText[name])
	}
	if b.usedFree {
		fmt.Fprintf(&out, "<%s> = ( %s );\n", freeRule, strings.Join(b.free, " | "))
	}
	s.JSGF = out.String()
	return s, nil
}

// freeWords are what an open slot is in the JSGF: the ten most frequent
// words of Debian's en-us language model, a weak filler. On the 51
// utterances of BenchmarkSpokenAccuracy each of the 3 open ones was
// heard as the open command, and the 48 closed ones as without it; with
// the 200 most frequent words the filler outscored closed commands
// (4 of them heard as the open command).
var freeWords = strings.Fields("the to i and a of you that in it")

// freeRule is the JSGF rule that an open slot's word is.
const freeRule = "free"

type prune int

const (
	failed prune = iota // holds a word the dictionary lacks
	empty               // nothing left (an optional part taken out)
	kept
)

type jsgfBuilder struct {
	lex      Lexicon
	rules    map[string]*grammar.Rule
	names    map[string]string // rule name → JSGF name
	pruned   map[string]prunedRule
	ruleText map[string]string
	order    []string
	dropped  []Dropped // of the command or rule being pruned
	free     []string  // the usable freeWords; none: an open slot fails
	usedFree bool
}

// prunedRule is what prune made of a rule, kept for every later reference.
type prunedRule struct {
	state   prune
	missing []string  // the unknown words that took it out, if failed
	dropped []Dropped // parts left out inside it
}

// why says what took a part out, given the unknown words that did.
func why(missing []string) string {
	switch len(missing) {
	case 0:
		return "nothing left"
	case 1:
		return fmt.Sprintf("word %q not in the dictionary", missing[0])
	}
	quoted := make([]string, len(missing))
	for i, w := range missing {
		quoted[i] = fmt.Sprintf("%q", w)
	}
	return fmt.Sprintf("words %s not in the dictionary", strings.Join(quoted, ", "))
}

// prune returns n without the parts holding unknown words, each left out
// in b.dropped; if n fails as a whole it returns the unknown words that
// took it out, and nothing inside it stays in b.dropped, as its
// enclosing part is reported instead.
func (b *jsgfBuilder) prune(n grammar.Node) (grammar.Node, prune, []string) {
	switch n.Kind {
	case grammar.Word:
		words := Words(n.Text)
		if len(words) == 0 {
			return n, empty, nil
		}
		for _, w := range words {
			if !b.lex.Has(w) {
				return n, failed, []string{w}
			}
		}
		return grammar.Words(strings.Join(words, " ")), kept, nil
	case grammar.Seq:
		mark := len(b.dropped)
		var items []grammar.Node
		for _, it := range n.Items {
			p, st, missing := b.prune(it)
			if st == failed {
				b.dropped = b.dropped[:mark]
				return n, failed, missing
			}
			if st == kept {
				items = append(items, p)
			}
		}
		if len(items) == 0 {
			return n, empty, nil
		}
		return grammar.S(items...), kept, nil
	case grammar.Alt:
		mark := len(b.dropped)
		var items []grammar.Node
		var missing []string
		for _, it := range n.Items {
			p, st, m := b.prune(it)
			switch st {
			case kept:
				items = append(items, p)
			case failed:
				b.dropped = append(b.dropped, Dropped{Phrase: phrase(it), Reason: why(m)})
				for _, w := range m {
					if !slices.Contains(missing, w) {
						missing = append(missing, w)
					}
				}
			}
		}
		if len(items) == 0 {
			b.dropped = b.dropped[:mark]
			return n, failed, missing
		}
		return grammar.A(items...), kept, nil
	case grammar.Opt:
		p, st, missing := b.prune(n.Items[0])
		if st != kept {
			if st == failed {
				b.dropped = append(b.dropped, Dropped{Phrase: phrase(n.Items[0]), Reason: why(missing)})
			}
			return n, empty, nil
		}
		return grammar.O(p), kept, nil
	case grammar.Repeat:
		p, st, missing := b.prune(n.Items[0])
		if st != kept {
			return n, st, missing
		}
		return grammar.R(p), kept, nil
	case grammar.Ref:
		r := b.rule(n.Text)
		return n, r.state, r.missing
	case grammar.Open:
		if len(b.free) > 0 {
			b.usedFree = true
			return n, kept, nil
		}
	}
	return n, failed, nil
}

// rule prunes and writes out the named rule once; every reference gets
// the same verdict, the unknown words too. What is left out inside it is
// reported once, by droppedInRules, not by each command that refers to it.
func (b *jsgfBuilder) rule(name string) prunedRule {
	if pr, ok := b.pruned[name]; ok {
		return pr
	}
	r := b.rules[name]
	if r == nil {
		return prunedRule{state: failed}
	}
	outer := b.dropped
	b.dropped = nil
	p, st, missing := b.prune(r.Body)
	pr := prunedRule{state: st, missing: missing, dropped: b.dropped}
	b.dropped = outer
	b.pruned[name] = pr
	if st == kept {
		if b.ruleText == nil {
			b.ruleText = map[string]string{}
		}
		b.ruleText[name] = fmt.Sprintf("<%s> = %s;\n", b.jsgfName(name), b.expr(p, false))
		b.order = append(b.order, name)
	}
	return pr
}

// droppedInRules reports the parts left out inside rules, in the
// grammar's order of rules, each with the commands of cmds that refer to
// its rule.
func (b *jsgfBuilder) droppedInRules(g *grammar.Grammar, cmds []grammar.Command) []Dropped {
	var out []Dropped
	var users map[string][]string // rule → commands referring to it
	for _, r := range g.Rules {
		if len(b.pruned[r.Name].dropped) == 0 {
			continue
		}
		if users == nil {
			users = map[string][]string{}
			for _, c := range cmds {
				for _, u := range g.UsedRules([]grammar.Command{c}) {
					users[u.Name] = append(users[u.Name], c.Name)
				}
			}
		}
		for _, d := range b.pruned[r.Name].dropped {
			d.Commands = slices.Clip(users[r.Name]) // an append copies
			out = append(out, d)
		}
	}
	return out
}

func (b *jsgfBuilder) jsgfName(rule string) string {
	if n, ok := b.names[rule]; ok {
		return n
	}
	var s strings.Builder
	s.WriteString("r")
	fmt.Fprintf(&s, "%d_", len(b.names))
	for _, r := range rule {
		if r < 128 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			s.WriteRune(r)
		}
	}
	b.names[rule] = s.String()
	return s.String()
}

// expr writes n in JSGF; grouped wraps a sequence or alternatives in
// parentheses.
func (b *jsgfBuilder) expr(n grammar.Node, grouped bool) string {
	switch n.Kind {
	case grammar.Word:
		return n.Text
	case grammar.Seq:
		parts := make([]string, len(n.Items))
		for i, it := range n.Items {
			parts[i] = b.expr(it, true)
		}
		if grouped && len(parts) > 1 {
			return "( " + strings.Join(parts, " ") + " )"
		}
		return strings.Join(parts, " ")
	case grammar.Alt:
		parts := make([]string, len(n.Items))
		for i, it := range n.Items {
			parts[i] = b.expr(it, false)
		}
		if len(parts) == 1 {
			return b.expr(n.Items[0], grouped)
		}
		return "( " + strings.Join(parts, " | ") + " )"
	case grammar.Opt:
		return "[ " + b.expr(n.Items[0], false) + " ]"
	case grammar.Repeat:
		return "( " + b.expr(n.Items[0], false) + " )+"
	case grammar.Ref:
		return "<" + b.jsgfName(n.Text) + ">"
	case grammar.Open:
		if n.Many {
			return "<" + freeRule + ">+"
		}
		return "<" + freeRule + ">"
	}
	return ""
}

// phrase is a readable form of n for warnings.
func phrase(n grammar.Node) string {
	switch n.Kind {
	case grammar.Word:
		return n.Text
	case grammar.Ref:
		return "<" + n.Text + ">"
	case grammar.Open:
		return "*"
	}
	parts := make([]string, len(n.Items))
	for i, it := range n.Items {
		parts[i] = phrase(it)
	}
	return strings.Join(parts, " ")
}
