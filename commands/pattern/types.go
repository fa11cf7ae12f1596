package pattern

import (
	"fmt"
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
)

// typeDef is a registered type: a built-in one (root == nil) or a custom one.
type typeDef struct {
	Type
	root node
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
	for _, name := range []string{TypeWord, TypeString, TypeNumber} {
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
	t.defs[typ.Name] = &typeDef{Type: typ, root: p.root}
	return nil
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
