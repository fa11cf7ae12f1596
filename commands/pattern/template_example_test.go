package pattern_test

import (
	"fmt"

	"github.com/hark-assistant/hark/commands/pattern"
)

// A Home Assistant sentence template with optional words, an expansion
// rule and a list whose values say one thing and mean another.
func ExampleCompileTemplate() {
	types := pattern.NewTypes()
	_ = types.AddList("area",
		pattern.ListValue{Say: "kitchen"},
		pattern.ListValue{Say: "living room", Value: "living_room"})
	rules := map[string]string{"turn": "(turn | switch)"}
	p, err := pattern.CompileTemplate("<turn> on [the] {area} light[s]", types, rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, ok := p.MatchString("Switch on the living room lights!")
	fmt.Println(ok, m.Params["area"].Value)
	fmt.Println(p) // the same pattern in Hark's syntax
	// Output:
	// true living_room
	// (turn|switch) on (the)? $area:area (light|lights)
}

// A number range, as Home Assistant's range lists, and Rhasspy's tag with
// a value per alternative.
func ExampleCompileTemplate_rangeAndTag() {
	types := pattern.NewTypes()
	_ = types.AddRange("brightness", 0, 100, 1)
	p := pattern.MustCompileTemplate("turn (on:1 | off:0){state} the light [at {brightness}[%]]", types, nil)
	for _, said := range []string{"turn off the light", "turn on the light at 75%", "turn on the light at seventy five"} {
		m, _ := p.MatchString(said)
		fmt.Println(m.Params["state"].Value, m.Params["brightness"].Value)
	}
	// Output:
	// 0 <nil>
	// 1 75
	// 1 75
}

// $name:( ) captures which alternative was said, or the value given it.
func ExampleCompile_choice() {
	types := pattern.NewTypes()
	p := pattern.MustCompile("turn $state:(on=1|off=0) the $where:(kitchen|hall) light", types)
	m, _ := p.MatchString("please turn off the hall light")
	fmt.Println(m.Params["state"].Value, m.Params["where"].Value)
	// Output: 0 hall
}
