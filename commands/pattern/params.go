package pattern

import "encoding/json"

// Value is the value of one matched parameter.
type Value struct {
	Type string // name of the parameter's type
	Text string // the words it matched, as spoken
	// Value is a string for Word and String and a float64 for Number; for a
	// custom type it is what Parse returned or, without Parse, the type's
	// own Params (when its pattern has any) or else Text.
	Value any
}

// MarshalJSON encodes the converted value alone: Word and String as strings,
// Number as a JSON number, custom types as whatever their value encodes to.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.Value) }

// Params are the parameters of one match, by name. An optional parameter
// that was absent is not set.
type Params map[string]Value

// Has reports whether the parameter name is set.
func (p Params) Has(name string) bool {
	_, ok := p[name]
	return ok
}

// Word returns the parameter's words as spoken, or "" when it is not set.
// It serves Word, String and any other type alike.
func (p Params) Word(name string) string { return p[name].Text }

// String is Word under the name of the String type.
func (p Params) String(name string) string { return p[name].Text }

// Number returns a Number parameter, or 0 when it is not set or not a number.
func (p Params) Number(name string) float64 {
	n, _ := p[name].Value.(float64)
	return n
}

// Get returns the converted value of a parameter of any type.
func (p Params) Get(name string) (any, bool) {
	v, ok := p[name]
	return v.Value, ok
}

// As returns the converted value of a parameter as T; ok is false when the
// parameter is not set or holds another type.
func As[T any](p Params, name string) (v T, ok bool) {
	v, ok = p[name].Value.(T)
	return v, ok
}
