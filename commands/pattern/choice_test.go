package pattern

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestChoice: $name:(a|b) sets the parameter to the alternative said, or
// to its =VALUE; a name may come again in another alternative, never
// twice in one match; ranges take a step.
func TestChoice(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern, text string
		want          string // JSON of the params, or "" for no match
	}{
		{"turn $state:(on|off) the $where:room light", "turn off the lounge light", `{"state":"off","where":"living room"}`},
		{"turn $state:(on=1|off=0) the light", "Turn ON the light", `{"state":"1"}`},
		{"turn $state:(on=1|off=0) the light", "turn up the light", ""},
		{"$state:((turn|switch) on=ON|(turn|switch) off=OFF) the light", "please switch off the light", `{"state":"OFF"}`},
		{"$state:((turn|switch) on|(turn|switch) off) the light", "Switch On the light", `{"state":"Switch On"}`},
		{"set $room:(lounge=living room|kitchen) warm", "set lounge warm", `{"room":"living room"}`},
		{"set $room:(lounge=living room|kitchen) warm", "set kitchen warm", `{"room":"kitchen"}`},
		{"lights $state:(on|off)?", "lights", `{}`},
		{"lights $state:(on|off)?", "lights off", `{"state":"off"}`},
		{"$act:(dim $by:Number(1..10)=down|brighten=up) the light", "dim three the light", `{"act":"down","by":3}`},
		{"$act:(dim $by:Number(1..10)=down|brighten=up) the light", "brighten the light", `{"act":"up"}`},
		// The same name in two alternatives.
		{"(turn on the $where:room light|light the $where:room)", "light the kitchen", `{"where":"kitchen"}`},
		{"(turn on the $where:room light|light the $where:room)", "turn on the bedroom light", `{"where":"bedroom"}`},
		// Ranges with a step.
		{"volume $n:Number(0..100 step 10)", "volume thirty", `{"n":30}`},
		{"volume $n:Number(0..100 step 10)", "volume thirty five", ""},
		{"volume $n:Number(5..50 step 5)", "volume 45", `{"n":45}`},
		{"volume $n:Number(5..50 step 5)", "volume 40 4", ""},
	}
	for _, tt := range tests {
		p, err := Compile(tt.pattern, types)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.pattern, err)
		}
		m, ok := p.Find(Split(tt.text), 0, len(Split(tt.text).Tokens))
		got := ""
		if ok && m.End == len(Split(tt.text).Tokens) {
			b, _ := json.Marshal(m.Params)
			got = string(b)
		}
		if got != tt.want {
			t.Errorf("%q on %q: params %s, want %s", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestChoiceParams(t *testing.T) {
	types := testTypes(t)
	p := MustCompile("(turn $state:(on=1|off=0) the $where:room light|$where:room light $state:(on|off)) $n:Number(0..100 step 5)?", types)
	got := []string{}
	for _, prm := range p.Params() {
		got = append(got, prm.Name+":"+prm.Type)
	}
	if want := "state:Choice where:room n:Number(0..100 step 5)"; strings.Join(got, " ") != want {
		t.Errorf("Params = %v, want %s", got, want)
	}
	if c := p.Canonical(); !strings.Contains(c, "$:(on=1|off=0)") || !strings.Contains(c, "$:Number(0..100 step 5)") {
		t.Errorf("Canonical = %s", c)
	}
	e := p.Expand(100)
	if len(e.Phrases) != 0 || !strings.Contains(strings.Join(e.Words, " "), "seventy") || strings.Contains(strings.Join(e.Words, " "), "seventy one") {
		t.Errorf("Expand = %+v", e)
	}
}

func TestChoiceErrors(t *testing.T) {
	types := testTypes(t)
	for src, want := range map[string]string{
		"turn $s:(on|off) $s:Word":                 "duplicate parameter name $s",
		"turn $s:(on $s:Word|off)":                 "duplicate parameter name $s",
		"turn $s:(on=|off)":                        "'=' without a value",
		"turn $s:(on=a(b)|off)":                    "cannot hold '('",
		"turn $s:(on|off":                          "unbalanced '('",
		"turn $s:(on||off)":                        "empty alternative",
		"turn $s:()":                               "empty alternative",
		"(a $x:Word|b $x:Number)":                  "is a Number here and a Word in another alternative",
		"(a $x:Word|b) $x:Word":                    "duplicate parameter name $x",
		"wait $n:Number(1..10 step 0)":             "the step is a whole number from 1",
		"wait $n:Number(1..10 step x)":             "the step is a whole number from 1",
		"x " + strings.Repeat("(x ", 10) + "$a:(b": "nested more than",
		"$act:(dim=down $by:Number(1..10)|up)":     "cannot hold '('",
	} {
		_, err := Compile(src, types)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile(%q) = %v, want %q", src, err, want)
		}
	}
}
