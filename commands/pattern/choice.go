package pattern

import "strings"

// TypeChoice is the type of a parameter written $name:(a|b): which
// alternative was said. It is not a registered type; $x:Choice is unknown.
const TypeChoice = "Choice"

// choiceNode is $name:(a=v|b): it matches one of its alternatives and
// sets the parameter to the alternative's value, or to the words said
// where the alternative has none.
type choiceNode struct {
	name   string
	alts   []node
	values []string // values[i] is the value of alts[i] when valued[i]
	valued []bool
}

func (n *choiceNode) match(m *matcher, pos int, k func(int) bool) bool {
	if m.exhausted() {
		return false
	}
	for i, a := range n.alts {
		ok := a.match(m, pos, func(end int) bool {
			text := m.u.span(pos, end)
			v := text
			if n.valued[i] {
				v = n.values[i]
			}
			return m.bind(n.name, Value{Type: TypeChoice, Text: text, Value: v}, end, k)
		})
		if ok {
			return true
		}
	}
	return false
}

// parseChoice reads the group of $name:( … ), each alternative with an
// optional =VALUE at its end; start is where the '$' is.
func (p *parser) parseChoice(start int, name string) (node, error) {
	open := p.pos
	if p.depth == maxDepth {
		return nil, p.errorf(open, "groups nested more than %d deep", maxDepth)
	}
	if p.names[name] {
		return nil, p.errorf(start, "duplicate parameter name $%s", name)
	}
	p.pos++
	p.depth++
	outerStart, outerChoice := p.groupStart, p.choiceDepth
	p.groupStart, p.choiceDepth = open, p.depth
	defer func() { p.depth--; p.groupStart, p.choiceDepth = outerStart, outerChoice }()

	n := &choiceNode{name: name}
	before, union := p.names, copyNames(p.names)
	for {
		altStart := p.pos
		p.names = copyNames(before)
		p.names[name] = true // the alternatives cannot bind it again
		seq, err := p.parseSequence()
		if err != nil {
			return nil, err
		}
		for k := range p.names {
			union[k] = true
		}
		if len(seq.items) == 0 {
			if p.pos == len(p.src) {
				return nil, p.errorf(open, "unbalanced '('")
			}
			return nil, p.errorf(altStart, "empty alternative")
		}
		value, valued := "", false
		if p.pos < len(p.src) && p.src[p.pos] == '=' {
			p.pos++
			vs := p.pos
			for p.pos < len(p.src) && !strings.ContainsRune("|()", rune(p.src[p.pos])) {
				p.pos++
			}
			value, valued = strings.TrimSpace(p.src[vs:p.pos]), true
			switch {
			case value == "":
				return nil, p.errorf(vs-1, "'=' without a value (write $%s:(on=1|off=0))", name)
			case p.pos < len(p.src) && p.src[p.pos] == '(':
				return nil, p.errorf(p.pos, "a value ends at '|' or ')' and cannot hold '('")
			}
		}
		n.alts = append(n.alts, seq)
		n.values = append(n.values, value)
		n.valued = append(n.valued, valued)
		if p.pos >= len(p.src) {
			return nil, p.errorf(open, "unbalanced '('")
		}
		if c := p.src[p.pos]; c == '|' {
			p.pos++
			continue
		} else if c == ')' {
			p.pos++
			break
		}
		return nil, p.errorf(open, "unbalanced '('")
	}
	p.names = before
	if err := p.declare(start, name, TypeChoice, p.pos < len(p.src) && p.src[p.pos] == '?'); err != nil {
		return nil, err
	}
	for k := range union {
		p.names[k] = true
	}
	return p.optional(n), nil
}

func copyNames(names map[string]bool) map[string]bool {
	out := make(map[string]bool, len(names))
	for k, v := range names {
		out[k] = v
	}
	return out
}
