package pattern

import (
	"fmt"
	"slices"
	"strings"
)

// CompileTemplate compiles a sentence template as Home Assistant (hassil)
// and Rhasspy write them into the same structure Compile makes of a
// pattern: the same matcher and the same grammars for the recognizers.
// String of the result is the pattern in Hark's syntax, and Compile of it
// gives an equal pattern.
//
// Syntax:
//
//	turn on the light    words: case, punctuation and spacing as in patterns
//	(red | green)        exactly one alternative; they may hold several
//	                     words, nest, and be empty: (a|) is [a]
//	[the]                optional words; [this | that] an optional alternative
//	(a; b; c)            a permutation: the parts in any order, each once
//	light[s] turn(s|ed)  a group written against a word, with no space,
//	                     joins it: "light" or "lights"; "turns" or "turned"
//	{room}               a slot from the list room (a list type of types):
//	                     sets the parameter room
//	{room:where}         the same list, setting the parameter where
//	<rule>               the expansion rule named rule, from rules: a
//	                     template itself, that may refer to other rules
//	(on:1 | off:0){state} Rhasspy's tag: which alternative was said, as in
//	                     the pattern $state:(on=1|off=0); :VALUE at the end of
//	                     an alternative is its value, and a word may be
//	                     tagged alone: on{state}
//
// A slot's list may be any type of types: a list of values (Types.AddList),
// a number range (Types.AddRange), a wildcard (Types.AddWildcard) or
// another type. A slot name is bound at most once in a match, but may come
// again in another alternative. Rules are expanded where they are used:
// a rule that refers to itself, at any remove, is an error.
//
// Not supported: hassil's skip words, requires/excludes context, list
// values with context or metadata, range multipliers and fractions, and
// wildcards glued to words; the Rhasspy forms beyond tags and :VALUE
// substitutions (converters, rule references as <file.rule>, word
// substitutions outside tags).
//
// Errors are *SyntaxError placed in src; a problem inside a rule names
// the rule and is placed at the reference.
func CompileTemplate(src string, types *Types, rules map[string]string) (*Pattern, error) {
	c := &templateCompiler{types: types, rules: rules, parsed: map[string]tNode{}, using: map[string]bool{}}
	tree, err := parseTemplate(src)
	if err != nil {
		return nil, err
	}
	root, err := c.lower(tree)
	if err != nil {
		var te *templateError
		if asTemplateError(err, &te) {
			return nil, &SyntaxError{Pattern: src, Pos: te.pos, Msg: te.msg}
		}
		return nil, &SyntaxError{Pattern: src, Pos: 0, Msg: err.Error()}
	}
	if root == nil {
		return nil, &SyntaxError{Pattern: src, Pos: 0, Msg: "template has no words (it can match nothing)"}
	}
	harkSrc := printPattern(root)
	p, err := Compile(harkSrc, types)
	if err != nil {
		var se *SyntaxError
		if asSyntaxError(err, &se) {
			msg := se.Msg
			if strings.HasPrefix(msg, "pattern has no words") {
				return nil, &SyntaxError{Pattern: src, Pos: 0, Msg: "template has no words that must be said (it can match nothing)"}
			}
			if name, ok := strings.CutPrefix(msg, "duplicate parameter name $"); ok {
				msg = fmt.Sprintf("slot {%s} comes twice in one sentence; name one of them, e.g. {list:%s_2}", name, name)
			}
			return nil, &SyntaxError{Pattern: src, Pos: 0, Msg: msg + " (as the pattern " + harkSrc + ")"}
		}
		return nil, err
	}
	return p, nil
}

// MustCompileTemplate is CompileTemplate for templates known to be good;
// it panics on error.
func MustCompileTemplate(src string, types *Types, rules map[string]string) *Pattern {
	p, err := CompileTemplate(src, types, rules)
	if err != nil {
		panic(err)
	}
	return p
}

// TemplatePhrases lists every phrase a template without slots can be
// said as (a list value's "in" of Home Assistant may be a template), at
// most limit of them.
func TemplatePhrases(src string, rules map[string]string, limit int) ([]string, error) {
	p, err := CompileTemplate(src, NewTypes(), rules)
	if err != nil {
		return nil, err
	}
	if len(p.params) > 0 {
		return nil, fmt.Errorf("template %q: a list value cannot hold a slot", src)
	}
	phrases := p.Expand(limit).Phrases
	if phrases == nil {
		return nil, fmt.Errorf("template %q: more than %d phrases", src, limit)
	}
	return phrases, nil
}

// AddWildcard registers name as a wildcard list: any words, as String
// takes them (Home Assistant's wildcard: true).
func (t *Types) AddWildcard(name string) error {
	if !isIdentifier(name) {
		return fmt.Errorf("list name %q: want letters, digits or '_'", name)
	}
	if _, dup := t.defs[name]; dup {
		return fmt.Errorf("type %s is already registered", name)
	}
	t.defs[name] = t.defs[TypeString]
	return nil
}

// The template's syntax tree, before it becomes a pattern.
type (
	tNode interface{ position() int }
	tText struct {
		pos  int
		text string // no space, none of the template's brackets
	}
	tSeq struct {
		pos   int
		items []tNode
		glued []bool // glued[i]: items[i] is written against items[i-1]
	}
	tGroup struct {
		pos      int
		alts     []tNode // each a *tSeq
		optional bool    // [ ]
		perm     bool    // ( ; )
		tag      string  // Rhasspy's {tag} after it
		tagPos   int
	}
	tSlot struct {
		pos        int
		list, slot string
	}
	tRule struct {
		pos  int
		name string
	}
)

func (n *tText) position() int  { return n.pos }
func (n *tSeq) position() int   { return n.pos }
func (n *tGroup) position() int { return n.pos }
func (n *tSlot) position() int  { return n.pos }
func (n *tRule) position() int  { return n.pos }

// templateSpecial are the characters of the template syntax.
const templateSpecial = "()[]{}<>|;"

type templateParser struct {
	src   string
	pos   int
	depth int
}

func parseTemplate(src string) (tNode, error) {
	p := &templateParser{src: src}
	n, err := p.alternatives(0, 0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.errorf(p.pos, "unbalanced %q", src[p.pos])
	}
	return n, nil
}

func (p *templateParser) errorf(pos int, format string, args ...any) error {
	return &SyntaxError{Pattern: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// alternatives reads seq ('|' seq)* or seq (';' seq)* up to close (0 at
// the end of the template). A single sequence comes back as it is.
func (p *templateParser) alternatives(open int, close byte) (tNode, error) {
	g := &tGroup{pos: open}
	sep := byte(0)
	for {
		seq, err := p.sequence()
		if err != nil {
			return nil, err
		}
		g.alts = append(g.alts, seq)
		if p.pos >= len(p.src) {
			if close != 0 {
				return nil, p.errorf(open, "unbalanced %q", p.src[open])
			}
			break
		}
		c := p.src[p.pos]
		if c != '|' && c != ';' {
			break // a closing bracket
		}
		if sep != 0 && c != sep {
			return nil, p.errorf(p.pos, "a group takes '|' (alternatives) or ';' (a permutation), not both")
		}
		sep = c
		p.pos++
	}
	g.perm = sep == ';'
	if len(g.alts) == 1 && close == 0 {
		return g.alts[0], nil
	}
	return g, nil
}

// sequence reads items up to '|', ';', a closing bracket or the end.
func (p *templateParser) sequence() (*tSeq, error) {
	seq := &tSeq{pos: p.pos}
	space := true // before the first item
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		start := p.pos
		var item tNode
		switch {
		case c == '|' || c == ';' || c == ')' || c == ']' || c == '}' || c == '>':
			if c == '}' || c == '>' {
				return nil, p.errorf(p.pos, "unbalanced %q", c)
			}
			return seq, nil
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
			space = true
			continue
		case c == '(' || c == '[':
			g, err := p.group(c)
			if err != nil {
				return nil, err
			}
			item = g
		case c == '{':
			name, err := p.braced('{', '}')
			if err != nil {
				return nil, err
			}
			list, slot, named := strings.Cut(name, ":")
			list, slot = strings.TrimSpace(list), strings.TrimSpace(slot)
			if !named {
				slot = list
			}
			if !isIdentifier(list) || !isIdentifier(slot) {
				return nil, p.errorf(start, "slot {%s}: want {list} or {list:slot}, names of letters, digits or '_'", name)
			}
			// Rhasspy's tag: {name} against the group or word before it.
			if !space && len(seq.items) > 0 && !named {
				if tagged := tagTarget(seq); tagged != nil {
					if tagged.tag != "" {
						return nil, p.errorf(start, "%s is tagged twice", p.src[tagged.pos:start])
					}
					tagged.tag, tagged.tagPos = list, start
					space = false
					continue
				}
			}
			item = &tSlot{pos: start, list: list, slot: slot}
		case c == '<':
			name, err := p.braced('<', '>')
			if err != nil {
				return nil, err
			}
			name = strings.TrimSpace(name)
			if name == "" {
				return nil, p.errorf(start, "<> names no rule")
			}
			item = &tRule{pos: start, name: name}
		default:
			for p.pos < len(p.src) && !strings.ContainsRune(templateSpecial+" \t\n\r", rune(p.src[p.pos])) {
				p.pos++
			}
			item = &tText{pos: start, text: p.src[start:p.pos]}
		}
		seq.items = append(seq.items, item)
		seq.glued = append(seq.glued, !space && len(seq.items) > 1)
		space = false
	}
	return seq, nil
}

// tagTarget makes the last item of seq a group a tag can name: a group
// itself, or a word wrapped in one.
func tagTarget(seq *tSeq) *tGroup {
	last := seq.items[len(seq.items)-1]
	switch n := last.(type) {
	case *tGroup:
		return n
	case *tText:
		g := &tGroup{pos: n.pos, alts: []tNode{&tSeq{pos: n.pos, items: []tNode{n}, glued: []bool{false}}}}
		seq.items[len(seq.items)-1] = g
		return g
	}
	return nil
}

// maxTemplateDepth bounds the nesting of a template's brackets while it
// is parsed; the pattern it becomes is bounded by Compile's own limit.
const maxTemplateDepth = 2 * maxDepth

func (p *templateParser) group(open byte) (*tGroup, error) {
	start := p.pos
	if p.depth == maxTemplateDepth {
		return nil, p.errorf(start, "groups nested more than %d deep", maxTemplateDepth)
	}
	close := byte(')')
	if open == '[' {
		close = ']'
	}
	p.pos++
	p.depth++
	n, err := p.alternatives(start, close)
	p.depth--
	if err != nil {
		return nil, err
	}
	if p.pos >= len(p.src) || p.src[p.pos] != close {
		return nil, p.errorf(start, "unbalanced %q", open)
	}
	p.pos++
	g, ok := n.(*tGroup)
	if !ok {
		g = &tGroup{alts: []tNode{n}}
	}
	g.pos, g.optional = start, open == '['
	return g, nil
}

// braced reads {…} or <…>: the name between, which holds no bracket.
func (p *templateParser) braced(open, close byte) (string, error) {
	start := p.pos
	end := start + 1
	for end < len(p.src) && p.src[end] != close {
		if strings.IndexByte(templateSpecial, p.src[end]) >= 0 {
			return "", p.errorf(start, "unbalanced %q", open)
		}
		end++
	}
	if end >= len(p.src) {
		return "", p.errorf(start, "unbalanced %q", open)
	}
	p.pos = end + 1
	return p.src[start+1 : end], nil
}

// templateError is a problem found while lowering, placed in the template.
type templateError struct {
	pos int
	msg string
}

func (e *templateError) Error() string { return e.msg }

func asTemplateError(err error, out **templateError) bool {
	te, ok := err.(*templateError)
	if ok {
		*out = te
	}
	return ok
}

func asSyntaxError(err error, out **SyntaxError) bool {
	se, ok := err.(*SyntaxError)
	if ok {
		*out = se
	}
	return ok
}

type templateCompiler struct {
	types  *Types
	rules  map[string]string
	parsed map[string]tNode
	using  map[string]bool // rules being expanded, to find cycles
	ref    *tRule          // the outermost rule reference being expanded
	steps  int
}

// maxTemplateSteps bounds the work of lowering: expansion rules used
// many times over, each using others many times, would grow without it.
const maxTemplateSteps = 100_000

// maxGlued bounds the words a group written against a word makes.
const maxGlued = 1000

// maxPermuted bounds the parts of a permutation (6 make 720 orders).
const maxPermuted = 6

func (c *templateCompiler) errorf(n tNode, format string, args ...any) error {
	pos := n.position()
	msg := fmt.Sprintf(format, args...)
	if c.ref != nil { // placed at the reference, in the template itself
		msg = fmt.Sprintf("in <%s>: %s", c.ref.name, msg)
		pos = c.ref.pos
	}
	return &templateError{pos: pos, msg: msg}
}

// lower turns a template tree into a pattern node; nil when it holds no
// words (an empty alternative, or punctuation alone).
func (c *templateCompiler) lower(n tNode) (node, error) {
	if c.steps++; c.steps > maxTemplateSteps {
		return nil, c.errorf(n, "template too large once its rules are expanded")
	}
	switch n := n.(type) {
	case *tText:
		return wordsOf(n.text), nil
	case *tSeq:
		return c.lowerSeq(n)
	case *tGroup:
		return c.lowerGroup(n)
	case *tSlot:
		def, ok := c.types.lookup(n.list)
		if !ok {
			return nil, c.errorf(n, "unknown list {%s} (add it under lists:)", n.list)
		}
		return &paramNode{name: n.slot, def: def, step: 1}, nil
	case *tRule:
		return inRule(c, n, c.lower)
	}
	panic(fmt.Sprintf("pattern: template node %T", n))
}

// inRule applies f to the template of rule reference n, which is in use
// meanwhile (a reference back to it is a cycle) and, outermost, where an
// error within it is placed.
func inRule[T any](c *templateCompiler, n *tRule, f func(tNode) (T, error)) (T, error) {
	body, err := c.rule(n)
	if err != nil {
		var zero T
		return zero, err
	}
	outer := c.ref
	if outer == nil {
		c.ref = n
	}
	c.using[n.name] = true
	defer func() { delete(c.using, n.name); c.ref = outer }()
	return f(body)
}

// rule returns the parsed template of a rule reference.
func (c *templateCompiler) rule(n *tRule) (tNode, error) {
	if c.using[n.name] {
		return nil, c.errorf(n, "rule <%s> refers to itself", n.name)
	}
	if body, ok := c.parsed[n.name]; ok {
		return body, nil
	}
	src, ok := c.rules[n.name]
	if !ok {
		return nil, c.errorf(n, "unknown rule <%s> (add it under expansion_rules:)", n.name)
	}
	body, err := parseTemplate(src)
	if err != nil {
		se := err.(*SyntaxError)
		return nil, c.errorf(n, "rule <%s>: position %d: %s", n.name, se.Pos, se.Msg)
	}
	c.parsed[n.name] = body
	return body, nil
}

// wordsOf is the words of a text as a pattern node, nil without any.
func wordsOf(text string) node {
	toks := Split(text).Tokens
	if len(toks) == 0 {
		return nil
	}
	seq := &seqNode{}
	for _, t := range toks {
		seq.items = append(seq.items, &wordNode{word: t.Norm, text: lower(t.Text)})
	}
	if len(seq.items) == 1 {
		return seq.items[0]
	}
	return seq
}

func (c *templateCompiler) lowerSeq(n *tSeq) (node, error) {
	seq := &seqNode{}
	for i := 0; i < len(n.items); {
		j := i + 1
		for j < len(n.items) && n.glued[j] {
			j++
		}
		var item node
		var err error
		if j-i == 1 {
			item, err = c.lower(n.items[i])
		} else {
			item, err = c.glue(n.items[i:j])
		}
		if err != nil {
			return nil, err
		}
		if item != nil {
			if s, ok := item.(*seqNode); ok {
				seq.items = append(seq.items, s.items...)
			} else {
				seq.items = append(seq.items, item)
			}
		}
		i = j
	}
	switch len(seq.items) {
	case 0:
		return nil, nil
	case 1:
		return seq.items[0], nil
	}
	return seq, nil
}

// groupAlts is what g may be said as: its alternatives, or every order of
// a permutation's parts.
func (c *templateCompiler) groupAlts(g *tGroup) ([]tNode, error) {
	if !g.perm {
		return g.alts, nil
	}
	if len(g.alts) > maxPermuted {
		return nil, c.errorf(g, "a permutation of more than %d parts", maxPermuted)
	}
	return permutations(g.alts), nil
}

func (c *templateCompiler) lowerGroup(g *tGroup) (node, error) {
	alts, err := c.groupAlts(g)
	if err != nil {
		return nil, err
	}
	var nodes []node
	var values []string
	var valued []bool
	empty := false
	for _, a := range alts {
		value, hasValue := "", false
		if g.tag != "" {
			a, value, hasValue = substitution(a)
		}
		n, err := c.lower(a)
		if err != nil {
			return nil, err
		}
		if n == nil {
			empty = true
			continue
		}
		nodes = append(nodes, n)
		values = append(values, value)
		valued = append(valued, hasValue)
	}
	if len(nodes) == 0 {
		if g.tag != "" {
			return nil, c.errorf(g, "tag {%s} names a group without words", g.tag)
		}
		return nil, nil
	}
	var out node
	switch {
	case g.tag != "":
		if !isIdentifier(g.tag) {
			return nil, c.errorf(g, "tag {%s}: want letters, digits or '_'", g.tag)
		}
		out = &choiceNode{name: g.tag, alts: nodes, values: values, valued: valued}
	case len(nodes) == 1:
		out = nodes[0]
	default:
		out = &altNode{alts: nodes}
	}
	if g.optional || empty {
		out = &optNode{inner: out}
	}
	return out, nil
}

// substitution takes Rhasspy's :VALUE off the end of an alternative.
func substitution(a tNode) (tNode, string, bool) {
	seq, ok := a.(*tSeq)
	if !ok || len(seq.items) == 0 {
		return a, "", false
	}
	last, ok := seq.items[len(seq.items)-1].(*tText)
	if !ok {
		return a, "", false
	}
	i := strings.LastIndexByte(last.text, ':')
	if i < 0 || i == len(last.text)-1 {
		return a, "", false
	}
	cp := &tSeq{pos: seq.pos, items: append([]tNode(nil), seq.items...), glued: seq.glued}
	cp.items[len(cp.items)-1] = &tText{pos: last.pos, text: last.text[:i]}
	return cp, last.text[i+1:], true
}

// permutations lists every order of parts as sequences.
func permutations(parts []tNode) []tNode {
	var out []tNode
	var walk func(prefix []tNode, rest []tNode)
	walk = func(prefix, rest []tNode) {
		if len(rest) == 0 {
			seq := &tSeq{pos: prefix[0].position(), items: append([]tNode(nil), prefix...), glued: make([]bool, len(prefix))}
			out = append(out, seq)
			return
		}
		for i := range rest {
			others := append(append([]tNode(nil), rest[:i]...), rest[i+1:]...)
			walk(append(prefix, rest[i]), others)
		}
	}
	walk(nil, parts)
	return out
}

// glue joins items written against each other without a space, as
// Home Assistant does: light[s] is "light" or "lights". Each item must
// stand for a few phrases; the result is their alternatives. Items with
// a slot are not joined but follow each other, as if a space were
// between them: {brightness}[%] is a number, then an optional "%" that
// Split drops as punctuation.
func (c *templateCompiler) glue(items []tNode) (node, error) {
	if slices.ContainsFunc(items, c.hasSlot) {
		return c.lowerSeq(&tSeq{pos: items[0].position(), items: items, glued: make([]bool, len(items))})
	}
	phrases := []string{""}
	for _, it := range items {
		parts, err := c.phrases(it)
		if err != nil {
			return nil, err
		}
		if len(phrases)*len(parts) > maxGlued {
			return nil, c.errorf(it, "words written together make more than %d forms", maxGlued)
		}
		var next []string
		for _, h := range phrases {
			for _, t := range parts {
				next = append(next, h+t)
			}
		}
		phrases = next
	}
	alt := &altNode{}
	optional, seen := false, map[string]bool{}
	for _, ph := range phrases {
		n := wordsOf(ph)
		if n == nil {
			optional = true
			continue
		}
		key := strings.Join(strings.Fields(ph), " ")
		if !seen[key] {
			seen[key] = true
			alt.alts = append(alt.alts, n)
		}
	}
	var out node
	switch len(alt.alts) {
	case 0:
		return nil, nil
	case 1:
		out = alt.alts[0]
	default:
		out = alt
	}
	if optional {
		out = &optNode{inner: out}
	}
	return out, nil
}

// hasSlot reports whether n holds a slot, in its rules too (a rule that
// refers to itself is left to lower to report).
func (c *templateCompiler) hasSlot(n tNode) bool {
	if c.steps++; c.steps > maxTemplateSteps {
		return false
	}
	switch n := n.(type) {
	case *tSlot:
		return true
	case *tSeq:
		return slices.ContainsFunc(n.items, c.hasSlot)
	case *tGroup:
		return slices.ContainsFunc(n.alts, c.hasSlot)
	case *tRule:
		if c.using[n.name] {
			return false
		}
		body, err := c.rule(n)
		if err != nil {
			return false
		}
		c.using[n.name] = true
		defer delete(c.using, n.name)
		return c.hasSlot(body)
	}
	return false
}

// phrases lists the texts n stands for, spaces kept, for glue.
func (c *templateCompiler) phrases(n tNode) ([]string, error) {
	if c.steps++; c.steps > maxTemplateSteps {
		return nil, c.errorf(n, "template too large once its rules are expanded")
	}
	switch n := n.(type) {
	case *tText:
		return []string{n.text}, nil
	case *tSeq:
		out := []string{""}
		for i, it := range n.items {
			parts, err := c.phrases(it)
			if err != nil {
				return nil, err
			}
			if len(out)*len(parts) > maxGlued {
				return nil, c.errorf(it, "words written together make more than %d forms", maxGlued)
			}
			sep := " "
			if i == 0 || n.glued[i] {
				sep = ""
			}
			var next []string
			for _, h := range out {
				for _, t := range parts {
					next = append(next, h+sep+t)
				}
			}
			out = next
		}
		return out, nil
	case *tGroup:
		if n.tag != "" {
			return nil, c.errorf(n, "a tagged group cannot be written against a word")
		}
		alts, err := c.groupAlts(n)
		if err != nil {
			return nil, err
		}
		var out []string
		if n.optional {
			out = append(out, "")
		}
		for _, a := range alts {
			parts, err := c.phrases(a)
			if err != nil {
				return nil, err
			}
			out = append(out, parts...)
			if len(out) > maxGlued {
				return nil, c.errorf(n, "words written together make more than %d forms", maxGlued)
			}
		}
		return out, nil
	case *tRule:
		return inRule(c, n, c.phrases)
	}
	panic(fmt.Sprintf("pattern: template node %T", n))
}

// printPattern writes n in Hark's pattern syntax; Compile reads it back
// as n. Words are tokens of Split, so they hold none of the syntax's
// characters and need no escaping.
func printPattern(n node) string {
	var w patternWriter
	w.node(n)
	return w.b.String()
}

// Has reports whether a type is registered under name.
func (t *Types) Has(name string) bool {
	_, ok := t.defs[name]
	return ok
}
