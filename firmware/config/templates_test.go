package config

import (
	"slices"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/assistant"
)

// haConfig holds Home Assistant's list forms beside Hark's, expansion
// rules and commands given as templates.
const haConfig = `lists:
  room: [kitchen, {say: lounge, value: living room}]
  area:
    values:
      - kitchen
      - in: "living room"
        out: living_room
      - in: "(bed | guest) room"
        out: bedroom
  brightness:
    range:
      type: percentage
      from: 0
      to: 100
  volume:
    range: {from: 0, to: 100, step: 10}
  album:
    wildcard: true
expansion_rules:
  turn: "(turn | switch)"
  the: "[the]"
  light: "light[s]"
commands:
  - name: lights
    template: "<turn> (on:1 | off:0){state} <the> {area} <light> [to {brightness}[%]]"
    say: "{area} {state} {brightness}"
  - name: volume
    template: "[set] [the] volume [to] {volume}"
    say: "volume {volume}"
  - name: play
    template: "play {album:what} on the radio"
    say: "{what}"
  - name: room
    pattern: "warm $where:room up"
    say: "{where}"
`

// TestTemplateCommands: lists as Home Assistant writes them, expansion
// rules, and commands given as templates, through the assistant's own
// matching.
func TestTemplateCommands(t *testing.T) {
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+haConfig))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Commands[0].Pattern; got != "(turn|switch) $state:(on=1|off=0) (the)? $area:area (light|lights) (to $brightness:brightness)?" {
		t.Errorf("the template as a pattern: %q", got)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings: %v", cfg.Warnings)
	}
	if l := cfg.Lists["area"]; len(l.Values) != 4 || l.Values[3] != (assistant.ListValue{Say: "guest room", Value: "bedroom"}) {
		t.Errorf("lists.area = %+v", l)
	}
	if r := cfg.Lists["volume"].Range; r == nil || r.Step != 10 || r.To != 100 {
		t.Errorf("lists.volume = %+v", cfg.Lists["volume"])
	}
	m, err := assistant.MatchManager(cfg.Assistant())
	if err != nil {
		t.Fatal(err)
	}
	for said, want := range map[string]string{
		"switch off the guest room lights":       "lights: area=bedroom state=0",
		"turn on living room light to 40%":       "lights: area=living_room brightness=40 state=1",
		"turn on the kitchen light to fifty":     "lights: area=kitchen brightness=50 state=1",
		"set the volume to seventy":              "volume: volume=70",
		"volume 100":                             "volume: volume=100",
		"play kind of blue on the radio":         "play: what=kind of blue",
		"warm lounge up":                         "room: where=living room",
		"turn on the garage light":               "",
		"set the volume to seventy five":         "volume: volume=70",            // "five" is left over, as with patterns
		"turn on the kitchen light to 120%":      "lights: area=kitchen state=1", // the number is left over
		"switch off the guest room lights again": "lights: area=bedroom state=0",
	} {
		got := ""
		if ms := m.Match(said, timeZero); len(ms) > 0 {
			got = ms[0].Command + ":"
			for _, kv := range sortedParams(assistant.ParamStrings(ms[0].Params)) {
				got += " " + kv
			}
		}
		if got != want {
			t.Errorf("%q: %q, want %q", said, got, want)
		}
	}
}

// TestTemplateConfigErrors: each problem of a template, a rule or an HA
// list at its key and line.
func TestTemplateConfigErrors(t *testing.T) {
	tests := []configErrorCase{
		{"both", "commands:\n  - pattern: hi\n    template: hi\n    say: ok\n", "commands[0].template", 5, "not both"},
		{"unknown list", "commands:\n  - template: \"turn on {garage}\"\n    say: ok\n", "commands[0].template", 4, "unknown list {garage}"},
		{"unknown rule", "commands:\n  - template: \"<turn> on\"\n    say: ok\n", "commands[0].template", 4, "unknown rule <turn>"},
		{"unbalanced", "commands:\n  - template: \"turn [on\"\n    say: ok\n", "commands[0].template", 4, "unbalanced '['"},
		{"slot placeholder", "lists:\n  room: [a]\ncommands:\n  - template: \"heat {room:where}\"\n    say: \"{room}\"\n", "commands[0].say", 7, "{room} is neither"},
		{"rule cycle", "expansion_rules:\n  a: \"x <b>\"\n  b: \"<a>\"\n", "expansion_rules.a", 4, "refers to itself"},
		{"rule syntax", "expansion_rules:\n  a: \"(x | y\"\n", "expansion_rules.a", 4, "unbalanced '('"},
		{"rule name", "expansion_rules:\n  \"a|b\": x\n", "expansion_rules.a|b", 4, "rule name holds none"},
		{"range above", "lists:\n  n:\n    range: {from: 5, to: 1}\n", "lists.n", 4, "5 is above 1"},
		{"range key", "lists:\n  n:\n    range: {from: 1, to: 5, multiplier: 2}\n", "lists.n.range.multiplier", 5, `unknown key "multiplier"`},
		{"range type", "lists:\n  n:\n    range: {from: 1, to: 5, type: money}\n", "lists.n", 4, `range type "money"`},
		{"two kinds", "lists:\n  n:\n    range: {from: 1, to: 5}\n    wildcard: true\n", "lists.n.wildcard", 6, "one of values, range or wildcard"},
		{"list key", "lists:\n  n:\n    valeus: [a]\n", "lists.n.valeus[0]", 5, `unknown key "valeus"`},
		{"in without words", "lists:\n  n:\n    values:\n      - in: \"[a]\"\n        out: x\n", "lists.n.values[0].in", 6, "template has no words"},
		{"in with a slot", "lists:\n  n:\n    values:\n      - in: \"a {b}\"\n", "lists.n.values[0].in", 6, "unknown list {b}"},
		{"context", "lists:\n  n:\n    values:\n      - in: a\n        context:\n          area: k\n", "lists.n.values[0].context", 7, "context of list values is not supported"},
	}
	checkConfigErrors(t, tests)
}

// TestPatternWarnings: a pattern: holding Home Assistant's or Rhasspy's
// syntax loads, with a warning at its key and line that says what Hark
// reads and how to write the other meaning.
func TestPatternWarnings(t *testing.T) {
	src := configWithModel(t) + `lists:
  room: [kitchen]
expansion_rules:
  turn: "(turn | switch)"
commands:
  - pattern: "turn on [the] light"
    say: ok
  - pattern: "<turn> off the fan"
    say: ok
  - pattern: "heat the {room}"
    say: ok
  - pattern: "heat the {room:where} now"
    say: ok
  - pattern: "turn (on|off){state} the lamp"
    say: ok
  - pattern: "go {up|down} $n:Number"
    say: ok
  - template: "turn on [the] fan"
    say: ok
`
	cfg, err := Parse("hark.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`hark.yaml:8: commands[0].pattern: warning: pattern "turn on [the] light": in Hark's syntax [ ] are punctuation and dropped, so "the" must be said as it is; to mean optional words write (the)?, or give the sentence as template:`,
		`hark.yaml:10: commands[1].pattern: warning: pattern "<turn> off the fan": in Hark's syntax <turn> is the word "turn", said as it is, not an expansion rule; write the rule's words in place ((turn | switch)), or give the sentence as template: with expansion_rules:`,
		`hark.yaml:12: commands[2].pattern: warning: pattern "heat the {room}": in Hark's syntax {room} is the word "room" said one or more times, not a slot; for the list room write $room:room, or give the sentence as template:`,
		`hark.yaml:14: commands[3].pattern: warning: pattern "heat the {room:where} now": in Hark's syntax {room:where} is the words "room where" said one or more times, not a slot; for the list room as the parameter where write $where:room, or give the sentence as template:`,
		`hark.yaml:16: commands[4].pattern: warning: pattern "turn (on|off){state} the lamp": in Hark's syntax {state} is the word "state" said one or more times, not Rhasspy's tag; to capture which alternative was said write $state:(a|b), with values $state:(on=1|off=0), or give the sentence as template:`,
	}
	if len(cfg.Warnings) != len(want) {
		t.Fatalf("%d warnings, want %d:\n%v", len(cfg.Warnings), len(want), cfg.Warnings)
	}
	for i, w := range cfg.Warnings {
		if w.Error() != want[i] {
			t.Errorf("warning %d:\n got %s\nwant %s", i, w, want[i])
		}
	}
}

var timeZero time.Time

// sortedParams lists name=value pairs by name.
func sortedParams(values map[string]string) []string {
	var out []string
	for k, v := range values {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}
