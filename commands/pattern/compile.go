package pattern

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a malformed pattern: what is wrong and where.
type SyntaxError struct {
	Pattern string
	Pos     int // byte offset in Pattern
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pattern %q: position %d: %s", e.Pattern, e.Pos, e.Msg)
}

// Param describes one parameter declared by a pattern.
type Param struct {
	Name     string
	Type     string
	Optional bool
}

// Pattern is a compiled pattern.
type Pattern struct {
	src    string
	root   node
	params []Param
	prefilter
}

// prefilter holds cheap tests that rule out most utterances before any
// matching. Custom types keep theirs for the patterns that use them: walking
// a type's pattern at every use instead would take exponential time on
// types built of types.
type prefilter struct {
	first    map[string]bool // words a match can start with
	firstAny bool            // a match can also start with other words
	required []string        // words every match holds, each once
}

func newPrefilter(root node) prefilter {
	f := prefilter{first: map[string]bool{}, required: dedupe(requiredWords(root, nil))}
	f.firstAny, _ = firstWords(root, f.first)
	return f
}

// Compile parses src using the parameter types in types.
func Compile(src string, types *Types) (*Pattern, error) {
	p := &parser{src: src, types: types, names: map[string]bool{}, declared: map[string]string{}}
	root, err := p.parseAlternatives()
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.errorf(p.pos, "unbalanced %q", src[p.pos])
	}
	if markTail(root, true) {
		return nil, p.errorf(0, "pattern has no words (it can match nothing)")
	}
	return &Pattern{src: src, root: root, params: p.params, prefilter: newPrefilter(root)}, nil
}

// MustCompile is Compile for patterns known to be good; it panics on error.
func MustCompile(src string, types *Types) *Pattern {
	p, err := Compile(src, types)
	if err != nil {
		panic(err)
	}
	return p
}

// Anchored reports whether every match starts with one of the pattern's
// own words (not with an open slot or a parameter that takes any word).
func (p *Pattern) Anchored() bool { return !p.firstAny && len(p.first) > 0 }

// YieldsTail reports whether the pattern ends in an open slot (String or
// **) that takes the rest of the utterance: the command manager cuts such
// a match before another command that starts inside it. Rest never yields.
func (p *Pattern) YieldsTail() bool { return yieldsTail(p.root) }

func yieldsTail(n node) bool {
	switch n := n.(type) {
	case *seqNode:
		for _, it := range n.items {
			if yieldsTail(it) {
				return true
			}
		}
	case *altNode:
		for _, a := range n.alts {
			if yieldsTail(a) {
				return true
			}
		}
	case *choiceNode:
		for _, a := range n.alts {
			if yieldsTail(a) {
				return true
			}
		}
	case *optNode:
		return yieldsTail(n.inner)
	case *manyNode:
		return n.greedy
	case *paramNode:
		return n.greedy && n.def.Name == TypeString
	}
	return false
}

// String returns the pattern's source.
func (p *Pattern) String() string { return p.src }

// Params lists the pattern's parameters in the order they are written.
func (p *Pattern) Params() []Param { return append([]Param(nil), p.params...) }

type parser struct {
	src   string
	pos   int
	types *Types
	// names are the parameters bound on the way to the current position:
	// a name may come again in another alternative, never twice in one
	// match. declared holds every name seen, with its type.
	names       map[string]bool
	declared    map[string]string
	params      []Param
	depth       int // of nested brackets
	groupStart  int // position of the innermost open bracket
	choiceDepth int // depth of the innermost $name:( ) group, where '=' ends an alternative; 0: none
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &SyntaxError{Pattern: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// parseAlternatives reads seq ('|' seq)* up to a closing bracket or the end.
func (p *parser) parseAlternatives() (node, error) {
	var alts []node
	before, union := p.names, copyNames(p.names)
	defer func() { p.names = union }()
	for {
		start := p.pos
		p.names = copyNames(before)
		seq, err := p.parseSequence()
		for k := range p.names {
			union[k] = true
		}
		if err != nil {
			return nil, err
		}
		if len(seq.items) == 0 && p.depth == 0 && len(alts) == 0 && p.pos == len(p.src) {
			return nil, p.errorf(start, "pattern has no words")
		}
		if len(seq.items) == 0 && p.pos == len(p.src) && p.depth > 0 {
			return nil, p.errorf(p.groupStart, "unbalanced %q", p.src[p.groupStart])
		}
		if len(seq.items) == 0 {
			return nil, p.errorf(start, "empty alternative")
		}
		alts = append(alts, seq)
		if p.pos >= len(p.src) || p.src[p.pos] != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &altNode{alts: alts}, nil
}

// parseSequence reads items until '|', a closing bracket or the end.
func (p *parser) parseSequence() (*seqNode, error) {
	seq := &seqNode{}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '|' || c == ')' || c == '}':
			return seq, nil
		case c == '=' && p.inChoice():
			return seq, nil
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '(' || c == '{':
			n, err := p.parseGroup(c)
			if err != nil {
				return nil, err
			}
			seq.items = append(seq.items, p.optional(n))
		case c == '*':
			p.pos++
			if p.pos < len(p.src) && p.src[p.pos] == '*' {
				p.pos++
				seq.items = append(seq.items, &manyNode{})
			} else {
				seq.items = append(seq.items, &anyNode{})
			}
		case c == '$':
			n, err := p.parseParam()
			if err != nil {
				return nil, err
			}
			seq.items = append(seq.items, n)
		case c == '?':
			return nil, p.errorf(p.pos, "'?' must follow a group or a parameter")
		default:
			start := p.pos
			for p.pos < len(p.src) && !strings.ContainsRune("()|{}*$? \t\n\r", rune(p.src[p.pos])) &&
				!(p.src[p.pos] == '=' && p.inChoice()) {
				p.pos++
			}
			for _, t := range Split(p.src[start:p.pos]).Tokens {
				seq.items = append(seq.items, &wordNode{word: t.Norm, text: lower(t.Text)})
			}
		}
	}
	return seq, nil
}

// maxDepth bounds how deeply groups nest. Parsing, compiling and matching
// recurse once per level, and a hostile pattern nested a million deep would
// overflow the stack. The bound is low because the grammar exported for a
// recognizer nests up to four levels for every group, and a Number's rules
// some more, within package grammar's own bound of 64: past 11 groups
// grammar.Check refuses it. People nest two or three.
const maxDepth = 10

func (p *parser) parseGroup(open byte) (node, error) {
	start := p.pos
	if p.depth == maxDepth {
		return nil, p.errorf(start, "groups nested more than %d deep", maxDepth)
	}
	p.pos++
	p.depth++
	outer := p.groupStart
	p.groupStart = start
	inner, err := p.parseAlternatives()
	p.depth--
	p.groupStart = outer
	if err != nil {
		return nil, err
	}
	want := byte(')')
	if open == '{' {
		want = '}'
	}
	if p.pos >= len(p.src) || p.src[p.pos] != want {
		return nil, p.errorf(start, "unbalanced %q", open)
	}
	p.pos++
	if open == '{' {
		return &repeatNode{inner: inner}, nil
	}
	return inner, nil
}

// optional wraps n when a '?' follows.
func (p *parser) optional(n node) node {
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		p.pos++
		return &optNode{inner: n}
	}
	return n
}

// parseParam reads $name:Type with an optional trailing '?'.
func (p *parser) parseParam() (node, error) {
	start := p.pos
	p.pos++
	name := p.identifier()
	if name == "" {
		return nil, p.errorf(start, "'$' without a parameter name")
	}
	if p.pos >= len(p.src) || p.src[p.pos] != ':' {
		return nil, p.errorf(start, "parameter $%s has no type (write $%s:Type or $%s:(a|b))", name, name, name)
	}
	p.pos++
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		return p.parseChoice(start, name)
	}
	typePos := p.pos
	typeName := p.identifier()
	if typeName == "" {
		return nil, p.errorf(typePos, "parameter $%s has no type name after ':'", name)
	}
	def, ok := p.types.lookup(typeName)
	if !ok {
		return nil, p.errorf(typePos, "unknown type %s (known: %s)", typeName, strings.Join(p.types.Names(), ", "))
	}
	n := &paramNode{name: name, def: def, step: 1}
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		if def.Name != TypeNumber {
			return nil, p.errorf(p.pos, "only Number takes a range, e.g. $%s:Number(1..120)", name)
		}
		if err := p.parseRange(n); err != nil {
			return nil, err
		}
		typeName = rangeName(n.lo, n.hi, n.step)
	}
	if err := p.declare(start, name, typeName, p.pos < len(p.src) && p.src[p.pos] == '?'); err != nil {
		return nil, err
	}
	return p.optional(n), nil
}

// declare records the parameter name of typeName, written at pos: a name
// bound once in a match, that may come again in another alternative with
// the same type.
func (p *parser) declare(pos int, name, typeName string, optional bool) error {
	if p.names[name] {
		return p.errorf(pos, "duplicate parameter name $%s", name)
	}
	if prev, ok := p.declared[name]; ok && prev != typeName {
		return p.errorf(pos, "parameter $%s is a %s here and a %s in another alternative", name, typeName, prev)
	}
	p.names[name] = true
	if _, ok := p.declared[name]; !ok {
		p.declared[name] = typeName
		p.params = append(p.params, Param{Name: name, Type: typeName, Optional: optional})
	}
	return nil
}

func (p *parser) inChoice() bool { return p.choiceDepth > 0 && p.choiceDepth == p.depth }

// maxRange bounds the numbers a ranged Number can name.
const maxRange = 1_000_000_000

// parseRange reads (LOW..HIGH) or (LOW..HIGH step STEP) after a Number
// parameter: whole numbers, LOW <= HIGH, STEP >= 1.
func (p *parser) parseRange(n *paramNode) error {
	start := p.pos
	end := strings.IndexByte(p.src[start:], ')')
	if end < 0 {
		return p.errorf(start, "unbalanced '('")
	}
	body := p.src[start+1 : start+end]
	bounds, steps, stepped := strings.Cut(body, " step ")
	los, his, ok := strings.Cut(bounds, "..")
	lo, err1 := strconv.Atoi(strings.TrimSpace(los))
	hi, err2 := strconv.Atoi(strings.TrimSpace(his))
	step, err3 := 1, error(nil)
	if stepped {
		step, err3 = strconv.Atoi(strings.TrimSpace(steps))
	}
	switch {
	case !ok || err1 != nil || err2 != nil:
		return p.errorf(start, "range %q: want (LOW..HIGH) with whole numbers, e.g. (1..120), or (LOW..HIGH step STEP)", body)
	case err3 != nil || step < 1:
		return p.errorf(start, "range %q: the step is a whole number from 1, e.g. (0..100 step 5)", body)
	case lo > hi:
		return p.errorf(start, "range %q: %d is above %d", body, lo, hi)
	case lo < -maxRange || hi > maxRange || step > maxRange:
		return p.errorf(start, "range %q: numbers from %d to %d only", body, -maxRange, maxRange)
	}
	n.ranged, n.lo, n.hi, n.step = true, lo, hi, step
	p.pos = start + end + 1
	return nil
}

// rangeName is how Params and Canonical write a ranged Number.
func rangeName(lo, hi, step int) string {
	if step > 1 {
		return fmt.Sprintf("%s(%d..%d step %d)", TypeNumber, lo, hi, step)
	}
	return fmt.Sprintf("%s(%d..%d)", TypeNumber, lo, hi)
}

func (p *parser) identifier() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !isNameRune(r) {
			break
		}
		p.pos += size
	}
	return p.src[start:p.pos]
}

func isNameRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Canonical returns p in a normal form that drops what does not change
// matching — spacing, case, punctuation, parameter names — so that two
// patterns with the same canonical form match the same words. The manager's
// health check uses it to find a command that could never win.
func (p *Pattern) Canonical() string {
	w := patternWriter{canonical: true}
	w.node(p.root)
	return w.b.String()
}

// patternWriter writes a pattern's structure in Hark's syntax: in
// Canonical's normal form (words normalised, no parameter names, every
// optional part in parentheses, values as given), or as printPattern
// writes a template for Compile to read back (words as spelled, names,
// values trimmed).
type patternWriter struct {
	b         strings.Builder
	canonical bool
}

func (w *patternWriter) node(n node) {
	b := &w.b
	switch n := n.(type) {
	case *wordNode:
		if w.canonical {
			b.WriteString(n.word)
		} else {
			b.WriteString(n.text)
		}
	case *seqNode:
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(' ')
			}
			w.node(it)
		}
	case *altNode:
		w.alts(n.alts, nil, nil)
	case *optNode:
		switch n.inner.(type) {
		case *altNode, *choiceNode, *paramNode:
			if !w.canonical {
				w.node(n.inner) // one unit already: (a|b)?, $x:T?
				b.WriteByte('?')
				return
			}
		}
		b.WriteByte('(')
		w.node(n.inner)
		b.WriteString(")?")
	case *repeatNode:
		b.WriteByte('{')
		w.node(n.inner)
		b.WriteByte('}')
	case *anyNode:
		b.WriteByte('*')
	case *manyNode:
		b.WriteString("**")
	case *paramNode:
		w.param(n.name)
		if n.ranged {
			b.WriteString(rangeName(n.lo, n.hi, n.step))
		} else {
			b.WriteString(n.def.Name)
		}
	case *choiceNode:
		w.param(n.name)
		w.alts(n.alts, n.values, n.valued)
	default:
		panic(fmt.Sprintf("pattern: cannot print %T", n))
	}
}

// param writes a parameter's head: $name:, or $: in the normal form.
func (w *patternWriter) param(name string) {
	if w.canonical {
		name = ""
	}
	w.b.WriteString("$" + name + ":")
}

func (w *patternWriter) alts(alts []node, values []string, valued []bool) {
	w.b.WriteByte('(')
	for i, a := range alts {
		if i > 0 {
			w.b.WriteByte('|')
		}
		w.node(a)
		if valued != nil && valued[i] {
			v := values[i]
			if !w.canonical {
				v = strings.TrimFunc(v, unicode.IsSpace)
			}
			w.b.WriteString("=" + v)
		}
	}
	w.b.WriteByte(')')
}
