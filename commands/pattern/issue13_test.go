package pattern

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// TestUnicodeAndNumbers: NFC and full case folding; "a hundred" and "a
// thousand" are numbers; ranged numbers; lists with synonyms; Rest.
func TestUnicodeAndNumbers(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern, text string
		want          string // JSON of the params, or "" for no match
	}{
		{"straße", "STRASSE", "{}"},
		{"STRASSE", "Straße", "{}"},
		{"café", "cafe\u0301", "{}"},                        // decomposed text, composed pattern
		{"cafe\u0301 $x:Word", "CAFÉ noir", `{"x":"noir"}`}, // and the other way round
		{"wait $n:Number", "wait a hundred", `{"n":100}`},
		{"wait $n:Number", "wait a hundred and five", `{"n":105}`},
		{"wait $n:Number", "wait a thousand", `{"n":1000}`},
		{"wait $n:Number", "wait minus a thousand and two", `{"n":-1002}`},
		{"wait $n:Number", "wait three point five", `{"n":3.5}`},
		{"wait $n:Number", "wait nine hundred ninety nine thousand nine hundred ninety nine", `{"n":999999}`},
		{"wait $n:Number(1..120)", "wait one hundred and twenty", `{"n":120}`},
		{"wait $n:Number(1..120) s", "wait one hundred and twenty one s", ""},
		{"wait $n:Number(1..120)", "wait 0", ""},
		{"wait $n:Number(1..120)", "wait 2.5", ""},
		{"wait $n:Number(-5..5)?", "wait", "{}"},
		{"turn on the $where:room light", "turn on the lounge light", `{"where":"living room"}`},
		{"turn on the $where:room light", "turn on the Living Room light", `{"where":"living room"}`},
		{"turn on the $where:room light", "turn on the living light", `{"where":"living quarters"}`},
		{"turn on the $where:room light", "turn on the garage light", ""},
		{"note $what:Rest", "note turn on the light", `{"what":"turn on the light"}`},
	}
	for _, tt := range tests {
		p, err := Compile(tt.pattern, types)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.pattern, err)
		}
		m, ok := p.MatchString(tt.text)
		got := ""
		if ok {
			b, _ := json.Marshal(m.Params)
			got = string(b)
		}
		if got != tt.want {
			t.Errorf("%q on %q: params %s, want %s", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestRangeAndListErrors(t *testing.T) {
	types := testTypes(t)
	for src, want := range map[string]string{
		"wait $n:Number(5..1)":   "5 is above 1",
		"wait $n:Number(1..)":    "want (LOW..HIGH)",
		"wait $n:Word(1..2)":     "only Number takes a range",
		"wait $n:Number(1..2":    "unbalanced",
		"wait $n:Number(0..1e9)": "want (LOW..HIGH)",
	} {
		if _, err := Compile(src, types); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile(%q) = %v, want %q", src, err, want)
		}
	}
	for _, tt := range []struct {
		name   string
		values []ListValue
		want   string
	}{
		{"room", []ListValue{{Say: "x"}}, "already registered"},
		{"bad name", []ListValue{{Say: "x"}}, "want letters"},
		{"empty", nil, "no values"},
		{"blank", []ListValue{{Say: "  "}}, "no words"},
		{"twice", []ListValue{{Say: "a", Value: "1"}, {Say: "A", Value: "2"}}, "said for two values"},
	} {
		if err := types.AddList(tt.name, tt.values...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddList(%s) = %v, want %q", tt.name, err, tt.want)
		}
	}
	if v, ok := types.List("room"); !ok || len(v) != 5 {
		t.Errorf("List(room) = %v, %v", v, ok)
	}
}

// TestGrammarStructure: the exported grammar keeps the pattern's structure,
// numbers and lists as sub-rules; it cannot make "set and forty and
// minutes" (the word bag it replaced could).
func TestGrammarStructure(t *testing.T) {
	types := testTypes(t)
	b := NewGrammarBuilder()
	var cmds []grammar.Command
	for name, src := range map[string]string{
		"timer": "(set|start) a timer for $n:Number (minutes|seconds)",
		"light": "turn (on|off) the $where:room light",
		"short": "wait $n:Number(1..3)",
		"note":  "note $what:String",
	} {
		cmds = append(cmds, grammar.Command{Name: name, Body: b.Node(MustCompile(src, types))})
	}
	g := &grammar.Grammar{Commands: cmds, Rules: b.Rules(), Connectors: []string{"and", "then"}}
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	for utt, want := range map[string]bool{
		"set a timer for ten minutes":                             true,
		"set a timer for a hundred and five seconds":              true,
		"set a timer for minus three point five minutes":          true,
		"set a timer for point five seconds":                      true, // as ParseSpoken reads it
		"set a timer for minus point five seconds":                true,
		"set a timer for point minutes":                           false,
		"set and forty and minutes":                               false,
		"set a timer for ten and minutes":                         false,
		"turn on the lounge light and turn off the bedroom light": true,
		"turn on the garage light":                                false,
		"wait three":                                              true,
		"wait four":                                               false,
		"turn on the kitchen light then wait two":                 true,
		"turn on the kitchen light wait two":                      false, // commands join only with a connector
	} {
		if got := g.Accepts(strings.Fields(utt)); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", utt, got, want)
		}
	}
	closed, open := g.Split()
	if len(closed) != 3 || len(open) != 1 || open[0].Name != "note" {
		t.Errorf("Split = %v closed, %v open", len(closed), open)
	}
	if name, ok := g.Contains(strings.Fields("uh note buy some milk"), open); !ok || name != "note" {
		t.Errorf("Contains = %q, %v", name, ok)
	}
	pl := g.PhraseList(1000, 2000)
	for _, want := range []string{"wait one", "wait three", "turn on the living room light", "set a timer for one hundred minutes"} {
		if !strings.Contains("\n"+strings.Join(pl.Phrases, "\n")+"\n", "\n"+want+"\n") {
			t.Errorf("phrase list lacks %q", want)
		}
	}
}

func TestSpell(t *testing.T) {
	for n, want := range map[int]string{
		0: "zero", 7: "seven", 40: "forty", 105: "one hundred five|one hundred and five|a hundred five|a hundred and five",
		1000: "one thousand", 2050: "two thousand fifty|two thousand and fifty", -3: "minus three",
		999999: "nine hundred ninety nine thousand nine hundred ninety nine|nine hundred ninety nine thousand nine hundred and ninety nine|nine hundred and ninety nine thousand nine hundred ninety nine|nine hundred and ninety nine thousand nine hundred and ninety nine",
	} {
		got := Spell(n)
		if strings.Join(got, "|") != want {
			t.Errorf("Spell(%d) = %q, want %q", n, got, want)
		}
		for _, s := range got {
			if v, ok := ParseSpoken(strings.Fields(s)); !ok || v != float64(n) {
				t.Errorf("ParseSpoken(%q) = %v, %v; want %d", s, v, ok, n)
			}
		}
	}
}
