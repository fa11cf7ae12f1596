package pattern_test

import (
	"fmt"
	"strings"

	"github.com/hark-assistant/hark/commands/pattern"
)

func Example() {
	types := pattern.NewTypes()
	p, err := pattern.Compile("(set|turn) the $room:Word (heating|thermostat) to $t:Number (degrees)?", types)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, ok := p.MatchString("Could you set the Bedroom heating to twenty one degrees, please?")
	fmt.Println(ok, m.Text)
	fmt.Println(m.Params.Word("room"), m.Params.Number("t"))
	// Output:
	// true set the Bedroom heating to twenty one degrees
	// Bedroom 21
}

func ExampleTypes_Add() {
	types := pattern.NewTypes()
	// Color accepts three words and converts them to a code; Parse could
	// also reject a candidate with an error.
	codes := map[string]string{"red": "#f00", "green": "#0f0", "blue": "#00f"}
	err := types.Add(pattern.Type{Name: "Color", Pattern: "(red|green|blue)", Parse: func(c pattern.Candidate) (any, error) {
		return codes[strings.Join(c.Words, " ")], nil
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := pattern.MustCompile("make it $c:Color", types)
	m, _ := p.MatchString("make it GREEN")
	fmt.Println(m.Params.Word("c"), m.Params["c"].Value)
	// Output: GREEN #0f0
}

func ExampleCompile_error() {
	_, err := pattern.Compile("turn (on|off the light", pattern.NewTypes())
	fmt.Println(err)
	// Output: pattern "turn (on|off the light": position 5: unbalanced '('
}

func ExamplePattern_Expand() {
	e := pattern.MustCompile("turn (on|off) the (light|fan)", pattern.NewTypes()).Expand(100)
	fmt.Println(strings.Join(e.Phrases, "; "))
	fmt.Println(e.Words, e.Open)
	// Output:
	// turn on the light; turn on the fan; turn off the light; turn off the fan
	// [turn on off the light fan] false
}
