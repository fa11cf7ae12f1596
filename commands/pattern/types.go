package pattern

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Type is a custom parameter type: the words it accepts, written in the
// pattern language, and how to turn them into a value.
type Type struct {
	// Name is how patterns refer to the type: $name:Name. It must be an
	// identifier (letters, digits, '_').
	Name string
	// Pattern is the words the type accepts; it may hold parameters of
	// types registered before this one: "$first:Word $last:Word".
	Pattern string
	// Parse converts a candidate to the parameter's value; an error rejects
	// the candidate and the matcher tries the next one. Nil keeps the
	// candidate's Params as the value, or its Text when it has none.
	Parse func(Candidate) (any, error)
}

// Candidate is a stretch of an utterance a custom type's pattern matched.
type Candidate struct {
	Text   string   // as spoken
	Words  []string // lower-cased words
	Params Params   // parameters of the type's own pattern
}

// Names of the built-in types.
const (
	TypeWord   = "Word"
	TypeString = "String"
	TypeNumber = "Number"
	// TypeRest is one or more words up to the end of the utterance, taken
	// whole: unlike String it never yields to a command that follows.
	TypeRest = "Rest"
)

// typeDef is a registered type: a built-in one (root == nil) or a custom one.
type typeDef struct {
	Type
	root      node
	prefilter             // of root, for the patterns that use the type
	list      []ListValue // the values of a list type
	numbers   *Numbers    // the language of Number; nil: English (see NewTypesFor)
}

// ListValue is one value of a list type (see Types.AddList).
type ListValue struct {
	Say   string `yaml:"say" json:"say"`     // the words a person says
	Value string `yaml:"value" json:"value"` // what the parameter is set to; Say when empty
}

// Types is a registry of parameter types. Its zero value is not usable; use
// NewTypes. Add types before compiling patterns that use them; a registry
// that is no longer added to may be shared between goroutines.
type Types struct {
	defs map[string]*typeDef
}

// NewTypes returns a registry holding the built-in types Word, String and Number.
func NewTypes() *Types {
	t := &Types{defs: map[string]*typeDef{}}
	for _, name := range []string{TypeWord, TypeString, TypeNumber, TypeRest} {
		t.defs[name] = &typeDef{Type: Type{Name: name}}
	}
	return t
}

// Add registers a custom type. Its pattern is compiled at once and may only
// use types already registered, which also rules out recursive types.
func (t *Types) Add(typ Type) error {
	if !isIdentifier(typ.Name) {
		return fmt.Errorf("type name %q: want letters, digits or '_'", typ.Name)
	}
	if _, dup := t.defs[typ.Name]; dup {
		return fmt.Errorf("type %s is already registered", typ.Name)
	}
	p, err := Compile(typ.Pattern, t)
	if err != nil {
		return fmt.Errorf("type %s: %w", typ.Name, err)
	}
	t.defs[typ.Name] = &typeDef{Type: typ, root: p.root, prefilter: p.prefilter}
	return nil
}

// AddList registers a type whose values are listed, as a slot list: a
// parameter of it matches one of the values' Say phrases (the one with the
// most words first, so "living room" before "living") and is set to that
// value's Value, or to its Say phrase when Value is empty. Its Text is the
// words as spoken. Grammars list the phrases as alternatives.
func (t *Types) AddList(name string, values ...ListValue) error {
	if !isIdentifier(name) {
		return fmt.Errorf("list name %q: want letters, digits or '_'", name)
	}
	if _, dup := t.defs[name]; dup {
		return fmt.Errorf("type %s is already registered", name)
	}
	if len(values) == 0 {
		return fmt.Errorf("list %s has no values", name)
	}
	byWords := map[string]string{}
	type entry struct {
		words []Token
		value string
	}
	var entries []entry
	for i, v := range values {
		toks := Split(v.Say).Tokens
		if len(toks) == 0 {
			return fmt.Errorf("list %s: value %d: %q has no words to say", name, i+1, v.Say)
		}
		key := joinNorm(toks)
		value := cmp.Or(v.Value, v.Say)
		if prev, dup := byWords[key]; dup {
			if prev != value {
				return fmt.Errorf("list %s: %q is said for two values, %q and %q", name, v.Say, prev, value)
			}
			continue
		}
		byWords[key] = value
		entries = append(entries, entry{toks, value})
	}
	sort.SliceStable(entries, func(i, j int) bool { return len(entries[i].words) > len(entries[j].words) })
	alt := &altNode{}
	for _, e := range entries {
		seq := &seqNode{}
		for _, tok := range e.words {
			seq.items = append(seq.items, &wordNode{word: tok.Norm, text: lower(tok.Text)})
		}
		alt.alts = append(alt.alts, seq)
	}
	t.defs[name] = &typeDef{
		Type: Type{Name: name, Parse: func(c Candidate) (any, error) {
			if v, ok := byWords[strings.Join(c.Words, " ")]; ok {
				return v, nil
			}
			return nil, fmt.Errorf("%q is not in list %s", c.Text, name)
		}},
		root:      alt,
		prefilter: newPrefilter(alt),
		list:      slices.Clone(values),
	}
	return nil
}

// List returns the values of a list type; ok is false for other types.
func (t *Types) List(name string) (values []ListValue, ok bool) {
	d, found := t.defs[name]
	if !found || d.list == nil {
		return nil, false
	}
	return slices.Clone(d.list), true
}

func joinNorm(toks []Token) string {
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Norm
	}
	return strings.Join(words, " ")
}

// Union registers a type that is any one of members, tried in order; its
// value is the value of the member that matched.
func (t *Types) Union(name string, members ...string) error {
	if len(members) == 0 {
		return fmt.Errorf("union %s has no members", name)
	}
	for _, m := range members {
		// Checked here so the error names the member, not the pattern
		// Union writes for it.
		if _, ok := t.lookup(m); !ok {
			return fmt.Errorf("union %s: unknown member type %s (known: %s)", name, m, strings.Join(t.Names(), ", "))
		}
	}
	src := "("
	for i, m := range members {
		if i > 0 {
			src += "|"
		}
		src += fmt.Sprintf("$m%d:%s", i, m)
	}
	return t.Add(Type{Name: name, Pattern: src + ")", Parse: func(c Candidate) (any, error) {
		for _, v := range c.Params {
			return v.Value, nil // exactly one member matched
		}
		return nil, fmt.Errorf("union %s: no member matched", name)
	}})
}

// Names lists the registered type names, sorted.
func (t *Types) Names() []string {
	names := make([]string, 0, len(t.defs))
	for n := range t.defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (t *Types) lookup(name string) (*typeDef, bool) {
	d, ok := t.defs[name]
	return d, ok
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isNameRune(r) {
			return false
		}
	}
	return true
}
