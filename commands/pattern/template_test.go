package pattern

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// templateTypes are the lists the template tests use, as the config's
// lists: section registers them: values with in/out pairs, a number range
// and a wildcard.
func templateTypes(t testing.TB) *Types {
	t.Helper()
	types := NewTypes()
	for _, err := range []error{
		types.AddList("area", ListValue{Say: "kitchen"}, ListValue{Say: "living room", Value: "living_room"},
			ListValue{Say: "lounge", Value: "living_room"}, ListValue{Say: "bedroom"}),
		types.AddList("color", ListValue{Say: "red"}, ListValue{Say: "warm white", Value: "warm_white"}),
		types.AddRange("brightness", 0, 100, 1),
		types.AddRange("temperature", 10, 30, 1),
		types.AddRange("volume", 0, 100, 10),
		types.AddWildcard("album"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return types
}

// templateRules are the expansion rules of the template tests.
var templateRules = map[string]string{
	"turn":     "(turn | switch)",
	"the":      "[the]",
	"area":     "[in] <the> {area}",
	"light":    "light[s]",
	"what_is":  "(what is | what's)",
	"name":     "<the> {area} <light>",
	"loop_a":   "x <loop_b>",
	"loop_b":   "<loop_a>",
	"broken":   "(a | b",
	"needs":    "set {nolist}",
	"brighter": "(bright | dim){dir}",
}

// TestTemplates: Home Assistant and Rhasspy sentence templates match what
// Home Assistant matches (the whole utterance), and set the slots it sets.
func TestTemplates(t *testing.T) {
	types := templateTypes(t)
	tests := []struct {
		template string
		match    map[string]string // utterance → JSON of the params
		noMatch  []string
	}{
		{"[please] turn on [the] light", map[string]string{
			"turn on light": `{}`, "please turn on the light": `{}`, "Turn on the light.": `{}`, "turn on, the light!": `{}`,
		}, []string{"please turn on the the light", "turn on a light", "please turn light"}},
		{"(turn | switch) (on | off) [the] light[s]", map[string]string{
			"switch off the lights": `{}`, "turn on light": `{}`,
		}, []string{"turn the light", "switch off the lightss", "switch off the light s"}},
		{"turn(s | ed | ing) it", map[string]string{"turns it": `{}`, "turning it": `{}`}, []string{"turn it", "turn s it"}},
		{"[the] (big | small [white]) (lamp | (ceiling | floor) light)", map[string]string{
			"the small white floor light": `{}`, "big lamp": `{}`, "small ceiling light": `{}`,
		}, []string{"big white lamp", "the ceiling light", "small white"}},
		{"set [the] brightness [to] {brightness}[%| percent]", map[string]string{
			"set brightness to 50%":                   `{"brightness":50}`,
			"set the brightness fifty percent":        `{"brightness":50}`,
			"set brightness to one hundred":           `{"brightness":100}`,
			"set the brightness to a hundred percent": `{"brightness":100}`,
		}, []string{"set brightness to 101", "set brightness to minus five", "set brightness to 2.5", "set brightness to"}},
		{"<turn> on [the] {area} <light>", map[string]string{
			"switch on the living room lights": `{"area":"living_room"}`,
			"turn on lounge light":             `{"area":"living_room"}`,
			"turn on the kitchen light":        `{"area":"kitchen"}`,
		}, []string{"turn on the garage light", "turn on the light", "turn on the living light"}},
		{"<turn> {area:from} off and {area:to} on", map[string]string{
			"turn kitchen off and bedroom on": `{"from":"kitchen","to":"bedroom"}`,
		}, []string{"turn kitchen off and garage on"}},
		{"(<turn> on <name> | <name> on)", map[string]string{
			"switch on bedroom lights": `{"area":"bedroom"}`, "the lounge light on": `{"area":"living_room"}`,
		}, []string{"switch on lights"}},
		{"<what_is> the temperature <area>", map[string]string{
			"what's the temperature in the kitchen": `{"area":"kitchen"}`,
			"what is the temperature bedroom":       `{"area":"bedroom"}`,
		}, []string{"what the temperature in the kitchen"}},
		{"set [the] temperature to {temperature} degrees [in <the> {area}]", map[string]string{
			"set temperature to twenty one degrees":                `{"temperature":21}`,
			"set the temperature to 19 degrees in the living room": `{"area":"living_room","temperature":19}`,
		}, []string{"set temperature to nine degrees", "set temperature to thirty one degrees"}},
		{"volume {volume}", map[string]string{"volume seventy": `{"volume":70}`, "volume 100": `{"volume":100}`},
			[]string{"volume seventy five", "volume 5"}},
		// A wildcard is lazy before words, and takes the rest of the
		// utterance before optional parts alone, as String does.
		{"play {album} on the radio", map[string]string{"play kind of blue on the radio": `{"album":"kind of blue"}`}, []string{"play on the radio"}},
		{"play {album} [please]", map[string]string{"play abbey road": `{"album":"abbey road"}`, "play kind of blue please": `{"album":"kind of blue please"}`}, nil},
		{"(set; the color {color})", map[string]string{
			"set the color red": `{"color":"red"}`, "the color warm white set": `{"color":"warm_white"}`,
		}, []string{"set set the color red", "the color set"}},
		{"(turn on | switch on) [the] (light|)", map[string]string{"turn on the light": `{}`, "switch on": `{}`, "switch on the": `{}`}, []string{"light"}},
		// Rhasspy: a tagged group with values, a tagged word.
		{"turn (on:1 | off:0){state} [the] {area} light", map[string]string{
			"turn off the kitchen light": `{"area":"kitchen","state":"0"}`,
			"turn on lounge light":       `{"area":"living_room","state":"1"}`,
		}, []string{"turn the kitchen light"}},
		{"turn (on | off){state} the light", map[string]string{"turn off the light": `{"state":"off"}`}, []string{"turn up the light"}},
		{"[please] stop{action} [now]", map[string]string{"please stop now": `{"action":"stop"}`}, nil},
		{"make it <brighter>", map[string]string{"make it dim": `{"dir":"dim"}`}, []string{"make it"}},
		{"(turn on the {area} light | light the {area})", map[string]string{
			"light the bedroom": `{"area":"bedroom"}`, "turn on the kitchen light": `{"area":"kitchen"}`,
		}, nil},
		{"what's the time?", map[string]string{"What's the time": `{}`, "what’s the time?": `{}`}, []string{"what is the time"}},
	}
	for _, tt := range tests {
		p, err := CompileTemplate(tt.template, types, templateRules)
		if err != nil {
			t.Errorf("CompileTemplate(%q): %v", tt.template, err)
			continue
		}
		// The same pattern in Hark's syntax.
		again, err := Compile(p.String(), types)
		if err != nil || again.Canonical() != p.Canonical() {
			t.Errorf("%q as %q does not compile back: %v", tt.template, p.String(), err)
		}
		for utt, want := range tt.match {
			u := Split(utt)
			m, ok := p.Find(u, 0, len(u.Tokens))
			if !ok || m.Start != 0 || m.End != len(u.Tokens) {
				t.Errorf("%q (%s) does not match %q whole: %+v, %v", tt.template, p, utt, m, ok)
				continue
			}
			b, _ := json.Marshal(m.Params)
			if string(b) != want {
				t.Errorf("%q on %q: params %s, want %s", tt.template, utt, b, want)
			}
		}
		for _, utt := range tt.noMatch {
			u := Split(utt)
			if m, ok := p.Find(u, 0, len(u.Tokens)); ok && m.Start == 0 && m.End == len(u.Tokens) {
				t.Errorf("%q (%s) matches %q: %+v", tt.template, p, utt, m.Params)
			}
		}
	}
}

// TestTemplateGrammar: a template's grammar is the pattern's, and makes
// the sentences the template matches (numbers spelled out).
func TestTemplateGrammar(t *testing.T) {
	types := templateTypes(t)
	p := MustCompileTemplate("<turn> (on:1|off:0){state} [the] {area} <light> [at {brightness} percent]", types, templateRules)
	b := NewGrammarBuilder()
	g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(p)}}, Rules: b.Rules()}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	for utt, want := range map[string]bool{
		"switch off the living room lights":                true,
		"turn on kitchen light at seventy five percent":    true,
		"turn on kitchen light at one hundred one percent": false,
		"turn on the garage light":                         false,
	} {
		if got := g.Accepts(strings.Fields(utt)); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", utt, got, want)
		}
	}
	hark := MustCompile("(turn|switch) $state:(on=1|off=0) (the)? $area:area (light|lights) (at $brightness:brightness percent)?", types)
	if hark.Canonical() != p.Canonical() {
		t.Errorf("template %s\n  pattern %s", p.Canonical(), hark.Canonical())
	}
}

func TestTemplateErrors(t *testing.T) {
	types := templateTypes(t)
	for src, want := range map[string]string{
		"turn on (the light":     "unbalanced '('",
		"turn on [the light":     "unbalanced '['",
		"turn on the light]":     "unbalanced ']'",
		"turn on {area":          "unbalanced '{'",
		"turn on area}":          "unbalanced '}'",
		"<turn on":               "unbalanced '<'",
		"turn on {garage}":       "unknown list {garage}",
		"turn on {my list}":      "want {list} or {list:slot}",
		"turn <nothing> on":      "unknown rule <nothing>",
		"x <loop_a>":             "in <loop_a>: rule <loop_a> refers to itself",
		"<broken>":               "rule <broken>: position 0: unbalanced '('",
		"<needs>":                "in <needs>: unknown list {nolist}",
		"[please]":               "no words",
		"?!":                     "no words",
		"(a | b; c)":             "not both",
		"(a;b;c;d;e;f;g) x":      "more than 6",
		"{area} and {area}":      "slot {area} comes twice",
		"(a|b){x}s":              "tagged group cannot be written against",
		"<>":                     "names no rule",
		"turn on the {area:x-y}": "want {list} or {list:slot}",
		strings.Repeat("(", 30) + "a" + strings.Repeat(")", 30): "nested more than",
		strings.Repeat("[a ", 12) + strings.Repeat("]", 12):     "nested more than 10",
	} {
		_, err := CompileTemplate(src, types, templateRules)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
			t.Errorf("CompileTemplate(%q) = %v, want %q", src, err, want)
			continue
		}
		if se.Pos < 0 || se.Pos > len(src) {
			t.Errorf("CompileTemplate(%q): position %d outside", src, se.Pos)
		}
	}
}

func TestTemplatePhrases(t *testing.T) {
	got, err := TemplatePhrases("(living | family) room[s]", nil, 100)
	if err != nil || strings.Join(got, "|") != "living room|living rooms|family room|family rooms" {
		t.Errorf("TemplatePhrases = %q, %v", got, err)
	}
	if _, err := TemplatePhrases("{x}", nil, 100); err == nil {
		t.Error("a slot in a list value was taken")
	}
}
