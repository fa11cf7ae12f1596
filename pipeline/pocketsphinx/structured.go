package pocketsphinx

import (
	"fmt"
	"strings"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Structured is a JSGF grammar built from a structured grammar.
type Structured struct {
	// JSGF holds the closed commands; empty when every command is open.
	JSGF string
	// Closed and Open name the commands in the JSGF and those left to the
	// open pass (their slots take any word).
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
// its optional part, else its command), each reported. Commands with open
// slots are not in the JSGF (a grammar cannot spell "any word"): they are
// listed in Open.
func StructuredJSGF(g *grammar.Grammar, lex Lexicon) (*Structured, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	closed, open := g.Split()
	s := &Structured{g: g, open: open}
	for _, c := range open {
		s.Open = append(s.Open, c.Name)
	}
	b := jsgfBuilder{lex: lex, names: map[string]string{}, ruleOK: map[string]prune{}, rules: map[string]*grammar.Rule{}}
	for i := range g.Rules {
		b.rules[g.Rules[i].Name] = &g.Rules[i]
	}
	var cmds []string
	var body strings.Builder
	for _, c := range closed {
		b.dropped = nil
		n, st := b.prune(c.Body, 0)
		if st != kept {
			s.Dropped = append(s.Dropped, Dropped{c.Name, "command left out: " + b.why()})
			continue
		}
		s.Dropped = append(s.Dropped, b.dropped...)
		name := fmt.Sprintf("c%d", len(cmds))
		cmds = append(cmds, "<"+name+">")
		fmt.Fprintf(&body, "<%s> = %s; // %s\n", name, b.expr(n, false), strings.ReplaceAll(c.Name, "\n", " "))
		s.Closed = append(s.Closed, c.Name)
	}
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
	s.JSGF = out.String()
	return s, nil
}

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
	ruleOK   map[string]prune
	ruleText map[string]string
	order    []string
	dropped  []Dropped
	missing  string
}

func (b *jsgfBuilder) why() string {
	if b.missing != "" {
		return fmt.Sprintf("word %q not in the dictionary", b.missing)
	}
	return "nothing left"
}

// prune returns n without the parts holding unknown words.
func (b *jsgfBuilder) prune(n grammar.Node, depth int) (grammar.Node, prune) {
	switch n.Kind {
	case grammar.Word:
		words := Words(n.Text)
		if len(words) == 0 {
			return n, empty
		}
		for _, w := range words {
			if !b.lex.Has(w) {
				b.missing = w
				return n, failed
			}
		}
		return grammar.Words(strings.Join(words, " ")), kept
	case grammar.Seq:
		var items []grammar.Node
		for _, it := range n.Items {
			p, st := b.prune(it, depth+1)
			if st == failed {
				return n, failed
			}
			if st == kept {
				items = append(items, p)
			}
		}
		if len(items) == 0 {
			return n, empty
		}
		return grammar.S(items...), kept
	case grammar.Alt:
		var items []grammar.Node
		for _, it := range n.Items {
			p, st := b.prune(it, depth+1)
			switch st {
			case kept:
				items = append(items, p)
			case failed:
				b.dropped = append(b.dropped, Dropped{phrase(it), b.why()})
			}
		}
		if len(items) == 0 {
			return n, failed
		}
		return grammar.A(items...), kept
	case grammar.Opt:
		p, st := b.prune(n.Items[0], depth+1)
		if st != kept {
			if st == failed {
				b.dropped = append(b.dropped, Dropped{phrase(n.Items[0]), b.why()})
			}
			return n, empty
		}
		return grammar.O(p), kept
	case grammar.Repeat:
		p, st := b.prune(n.Items[0], depth+1)
		if st != kept {
			return n, st
		}
		return grammar.R(p), kept
	case grammar.Ref:
		return n, b.rule(n.Text)
	}
	return n, failed
}

// rule prunes and writes out the named rule once; it reports its state.
func (b *jsgfBuilder) rule(name string) prune {
	if st, ok := b.ruleOK[name]; ok {
		return st
	}
	r := b.rules[name]
	if r == nil {
		return failed
	}
	outer := b.dropped
	b.dropped = nil
	p, st := b.prune(r.Body, 0)
	b.dropped = outer
	b.ruleOK[name] = st
	if st == kept {
		if b.ruleText == nil {
			b.ruleText = map[string]string{}
		}
		b.ruleText[name] = fmt.Sprintf("<%s> = %s;\n", b.jsgfName(name), b.expr(p, false))
		b.order = append(b.order, name)
	}
	return st
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
