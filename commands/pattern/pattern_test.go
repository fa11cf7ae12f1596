package pattern

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// testTypes is a registry with custom types covering enumerations, a parse
// hook that rejects, nesting and a union.
func testTypes(t testing.TB) *Types {
	t.Helper()
	types := NewTypes()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(types.Add(Type{Name: "Color", Pattern: "(red|green|blue|dark blue)", Parse: func(c Candidate) (any, error) {
		return strings.ToUpper(strings.Join(c.Words, "_")), nil
	}}))
	// Even accepts only even numbers: the matcher must try further candidates.
	must(types.Add(Type{Name: "Even", Pattern: "$n:Number", Parse: func(c Candidate) (any, error) {
		n := c.Params.Number("n")
		if int(n)%2 != 0 {
			return nil, fmt.Errorf("%v is odd", n)
		}
		return n, nil
	}}))
	must(types.Add(Type{Name: "FullName", Pattern: "$first:Word $last:Word"}))
	must(types.Add(Type{Name: "Person", Pattern: "(mister|miss) $name:FullName", Parse: func(c Candidate) (any, error) {
		name, _ := As[Params](c.Params, "name")
		return name.Word("last"), nil
	}}))
	must(types.Union("Setting", "Color", "Number"))
	must(types.AddList("room", ListValue{Say: "kitchen"}, ListValue{Say: "bedroom"}, ListValue{Say: "living room"},
		ListValue{Say: "lounge", Value: "living room"}, ListValue{Say: "living", Value: "living quarters"}))
	// A union of two custom types, one of them nesting another.
	must(types.Union("Target", "Person", "Color"))
	return types
}

func TestMatch(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern string
		text    string
		want    string         // matched text; "" means no match
		params  map[string]any // converted values
	}{
		// Words: case, spaces, punctuation, searched in the utterance.
		{"turn on the light", "turn on the light", "turn on the light", nil},
		{"turn on the light", "Turn  ON the   Light!", "Turn  ON the   Light", nil},
		{"turn on the light", "please, turn on the light now.", "turn on the light", nil},
		{"turn on the light", "turn on the lamp", "", nil},
		{"turn on the light", "turn the light on", "", nil},
		{"what's up", "What’s up?", "What’s up", nil},
		// Unicode words.
		{"café", "un CAFÉ noir", "CAFÉ", nil},
		{"naïve straße", "so naïve Straße", "naïve Straße", nil},
		{"play $song:String", "play Ça plane pour moi", "play Ça plane pour moi", map[string]any{"song": "Ça plane pour moi"}},
		{"привет мир", "Привет, мир!", "Привет, мир", nil},
		// Alternatives, optional groups, nesting.
		{"turn (on|off) the light", "turn off the light", "turn off the light", nil},
		{"turn (on|off) the light", "turn of the light", "", nil},
		{"(switch on|turn on) the light", "switch on the light", "switch on the light", nil},
		{"(please)? open the door", "open the door", "open the door", nil},
		{"(please)? open the door", "please open the door", "please open the door", nil},
		{"open (the (front|back) door|the window)", "open the back door", "open the back door", nil},
		{"open (the (front|back) door|the window)", "open the window", "open the window", nil},
		{"open (the (front|back) door|the window)", "open the side door", "", nil},
		{"set (the)? ((very|really)? bright)? light", "set really bright light", "set really bright light", nil},
		// Repetition.
		{"go {up|down}", "go up up down", "go up up down", nil},
		{"go {up|down} now", "go down now", "go down now", nil},
		{"go {up|down} now", "go now", "", nil},
		{"go {up|down}? now", "go now", "go now", nil},
		{"{left|right} turn", "left right left turn", "left right left turn", nil},
		// Wildcards.
		{"turn * light", "turn the light", "turn the light", nil},
		{"turn * light", "turn the kitchen light", "", nil},
		{"turn ** light", "turn the kitchen light on", "turn the kitchen light", nil},
		{"turn ** light", "turn light", "", nil},
		{"remind me **", "remind me to buy milk", "remind me to buy milk", nil},
		{"remind me ** (please)?", "remind me to buy milk please", "remind me to buy milk please", nil},
		// Built-in types.
		{"turn on the $room:Word light", "turn on the Kitchen light", "turn on the Kitchen light", map[string]any{"room": "Kitchen"}},
		{"call $who:String now", "call aunt mary now please", "call aunt mary now", map[string]any{"who": "aunt mary"}},
		{"search for $q:String", "search for cheap flights to Paris", "search for cheap flights to Paris", map[string]any{"q": "cheap flights to Paris"}},
		{"set volume to $n:Number", "set volume to 25", "set volume to 25", map[string]any{"n": 25.0}},
		{"set volume to $n:Number", "set volume to -3.5", "set volume to -3.5", map[string]any{"n": -3.5}},
		{"set volume to $n:Number", "set volume to 1,000", "set volume to 1,000", map[string]any{"n": 1000.0}},
		{"set volume to $n:Number", "set volume to twenty five", "set volume to twenty five", map[string]any{"n": 25.0}},
		{"set volume to $n:Number", "set volume to one hundred and two", "set volume to one hundred and two", map[string]any{"n": 102.0}},
		{"set volume to $n:Number", "set volume to three point five", "set volume to three point five", map[string]any{"n": 3.5}},
		{"set volume to $n:Number", "set volume to loud", "", nil},
		{"set volume to $n:Number", "set volume to 1e5", "", nil},
		{"add $a:Number and $b:Number", "add two hundred and five and three", "add two hundred and five and three", map[string]any{"a": 205.0, "b": 3.0}},
		{"add $a:Number and $b:Number", "add twenty and one", "add twenty and one", map[string]any{"a": 20.0, "b": 1.0}},
		{"$n:Number minutes", "in twenty five minutes", "twenty five minutes", map[string]any{"n": 25.0}},
		// Optional parameters.
		{"turn on (the)? $room:Word? light", "turn on the light", "turn on the light", map[string]any{}},
		{"turn on (the)? $room:Word? light", "turn on the hall light", "turn on the hall light", map[string]any{"room": "hall"}},
		{"timer $n:Number? minutes", "timer minutes", "timer minutes", map[string]any{}},
		// Custom types: enumeration with conversion, rejecting parse hook,
		// nesting and a union.
		{"paint it $c:Color", "paint it dark blue", "paint it dark blue", map[string]any{"c": "DARK_BLUE"}},
		{"paint it $c:Color", "paint it purple", "", nil},
		{"pick $n:Even", "pick 3 then pick 4", "pick 4", map[string]any{"n": 4.0}},
		{"pick $n:Even (please)?", "pick twenty two please", "pick twenty two please", map[string]any{"n": 22.0}},
		// 21 is rejected, so the next candidate, 20, is tried.
		{"pick $n:Even", "pick twenty one", "pick twenty", map[string]any{"n": 20.0}},
		{"pick $n:Even", "pick one", "", nil},
		{"hello $p:FullName", "hello Ada Lovelace", "hello Ada Lovelace", map[string]any{"p": Params{
			"first": {Type: TypeWord, Text: "Ada", Value: "Ada"},
			"last":  {Type: TypeWord, Text: "Lovelace", Value: "Lovelace"},
		}}},
		{"greet $p:Person", "greet mister Alan Turing", "greet mister Alan Turing", map[string]any{"p": "Turing"}},
		{"set $s:Setting", "set green", "set green", map[string]any{"s": "GREEN"}},
		{"set $s:Setting", "set seven", "set seven", map[string]any{"s": 7.0}},
		{"set $s:Setting", "set loud", "", nil},
		{"call $t:Target", "call miss Ada Lovelace", "call miss Ada Lovelace", map[string]any{"t": "Lovelace"}},
		{"call $t:Target", "call dark blue", "call dark blue", map[string]any{"t": "DARK_BLUE"}},
		{"call $t:Target?", "call", "call", map[string]any{}},
		{"call $t:Target", "call mister", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.text, func(t *testing.T) {
			p, err := Compile(tt.pattern, types)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := p.MatchString(tt.text)
			if tt.want == "" {
				if ok {
					t.Fatalf("matched %q, want no match", m.Text)
				}
				return
			}
			if !ok {
				t.Fatalf("no match, want %q", tt.want)
			}
			if m.Text != tt.want {
				t.Errorf("matched %q, want %q", m.Text, tt.want)
			}
			if tt.params == nil {
				tt.params = map[string]any{}
			}
			got := map[string]any{}
			for name, v := range m.Params {
				got[name] = v.Value
			}
			if !reflect.DeepEqual(got, tt.params) {
				t.Errorf("params = %#v, want %#v", got, tt.params)
			}
		})
	}
}

func TestFindBounds(t *testing.T) {
	p := MustCompile("turn on $what:String", NewTypes())
	u := Split("turn on the radio and turn on the light")
	tests := []struct {
		from, to int
		want     string
		ok       bool
	}{
		{0, 9, "turn on the radio and turn on the light", true},
		{0, 4, "turn on the radio", true},
		{1, 9, "turn on the light", true},
		{1, 6, "", false},
		{5, 9, "turn on the light", true},
		{9, 9, "", false},
		{-1, 9, "", false},
	}
	for _, tt := range tests {
		m, ok := p.Find(u, tt.from, tt.to)
		if ok != tt.ok || m.Text != tt.want {
			t.Errorf("Find(%d, %d) = %q, %v; want %q, %v", tt.from, tt.to, m.Text, ok, tt.want, tt.ok)
		}
	}
}

func TestFindAt(t *testing.T) {
	p := MustCompile("turn on $what:String", NewTypes())
	u := Split("please turn on the radio and turn on the light")
	tests := []struct {
		at, to int
		want   string
		ok     bool
	}{
		{1, 10, "turn on the radio and turn on the light", true},
		{1, 5, "turn on the radio", true},
		{0, 10, "", false}, // Find would go on to the match at 1
		{2, 10, "", false}, // nor to the one at 6
		{6, 10, "turn on the light", true},
		{6, 8, "", false},
		{10, 10, "", false},
		{-1, 10, "", false},
	}
	for _, tt := range tests {
		m, ok := p.FindAt(u, tt.at, tt.to)
		if ok != tt.ok || m.Text != tt.want || (ok && m.Start != tt.at) {
			t.Errorf("FindAt(%d, %d) = %+v, %v; want %q from %d, %v", tt.at, tt.to, m, ok, tt.want, tt.at, tt.ok)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern string
		pos     int
		msg     string
	}{
		{"turn (on|off the light", 5, `unbalanced '('`},
		{"turn on) the light", 7, `unbalanced ')'`},
		{"go {up|down", 3, `unbalanced '{'`},
		{"go (up}", 3, `unbalanced '('`},
		{"set $n:Foo", 7, "unknown type Foo"},
		{"set $ now", 4, "'$' without a parameter name"},
		{"set $n now", 4, "has no type"},
		{"set $n: now", 7, "no type name"},
		{"from $x:Word to $x:Word", 16, "duplicate parameter name $x"},
		{"turn ? on", 5, "'?' must follow"},
		{"(a|)", 3, "empty alternative"},
		{"()", 1, "empty alternative"},
		{"turn (", 5, `unbalanced '('`},
		{"turn (on|", 5, `unbalanced '('`},
		{"", 0, "no words"},
		{"(please)?", 0, "no words"},
		{"...", 0, "no words"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			_, err := Compile(tt.pattern, types)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want a *SyntaxError", err)
			}
			if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) || se.Pattern != tt.pattern {
				t.Errorf("error = %v; want position %d and %q", err, tt.pos, tt.msg)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.pattern)) {
				t.Errorf("error %q does not name the pattern", err)
			}
		})
	}
}

func TestTypesAdd(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		typ  Type
		want string
	}{
		{Type{Name: "Color", Pattern: "red"}, "already registered"},
		{Type{Name: "Word", Pattern: "red"}, "already registered"},
		{Type{Name: "bad name", Pattern: "red"}, "type name"},
		{Type{Name: "Loop", Pattern: "$x:Loop"}, "unknown type Loop"},
		{Type{Name: "Broken", Pattern: "(red"}, "type Broken: pattern"},
	}
	for _, tt := range tests {
		err := types.Add(tt.typ)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Add(%s) = %v, want error containing %q", tt.typ.Name, err, tt.want)
		}
	}
	unions := []struct {
		name    string
		members []string
		want    string
	}{
		{"Empty", nil, "union Empty has no members"},
		{"Odd", []string{"Color", "Colour"}, "union Odd: unknown member type Colour"},
		{"Color", []string{"Word"}, "type Color is already registered"},
	}
	for _, u := range unions {
		if err := types.Union(u.name, u.members...); err == nil || !strings.Contains(err.Error(), u.want) {
			t.Errorf("Union(%s, %q) = %v, want error containing %q", u.name, u.members, err, u.want)
		}
	}
	if got := types.Names(); !reflect.DeepEqual(got, []string{"Color", "Even", "FullName", "Number", "Person", "Rest", "Setting", "String", "Target", "Word", "room"}) {
		t.Errorf("Names() = %v", got)
	}
}

func TestParams(t *testing.T) {
	p := MustCompile("set $room:Word to $n:Number $c:Color?", testTypes(t))
	m, ok := p.MatchString("set Hall to 21 red")
	if !ok {
		t.Fatal("no match")
	}
	if got := m.Params.Word("room"); got != "Hall" {
		t.Errorf("Word(room) = %q", got)
	}
	if got := m.Params.Number("n"); got != 21 {
		t.Errorf("Number(n) = %v", got)
	}
	if got, ok := As[string](m.Params, "c"); !ok || got != "RED" {
		t.Errorf("As[string](c) = %q, %v", got, ok)
	}
	if _, ok := As[float64](m.Params, "c"); ok {
		t.Error("As[float64] of a string succeeded")
	}
	if v, ok := m.Params.Get("room"); !ok || v != "Hall" {
		t.Errorf("Get(room) = %v, %v", v, ok)
	}
	if m.Params.Has("missing") || m.Params.Number("missing") != 0 || m.Params.String("missing") != "" {
		t.Error("a missing parameter looks set")
	}
	wantParams := []Param{{"room", "Word", false}, {"n", "Number", false}, {"c", "Color", true}}
	if got := p.Params(); !reflect.DeepEqual(got, wantParams) {
		t.Errorf("Params() = %v, want %v", got, wantParams)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"  Hello,   World! ", []string{"Hello", "World"}},
		{"what's the time", []string{"what's", "the", "time"}},
		{"it costs 3.50, or 1,000 for -4", []string{"it", "costs", "3.50", "or", "1,000", "for", "-4"}},
		{"twenty-five", []string{"twenty", "five"}},
		{"end.", []string{"end"}},
		{"'quoted'", []string{"quoted"}},
		{"Straße naïve café", []string{"Straße", "naïve", "café"}},
		{"日本 語", []string{"日本", "語"}},
	}
	for _, tt := range tests {
		u := Split(tt.text)
		var got []string
		for _, tok := range u.Tokens {
			got = append(got, tok.Text)
			if tt.text[tok.Start:tok.End] != tok.Text {
				t.Errorf("%q: token %q has offsets %d:%d", tt.text, tok.Text, tok.Start, tok.End)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseSpoken(t *testing.T) {
	tests := []struct {
		words string
		want  float64
		ok    bool
	}{
		{"zero", 0, true},
		{"seven", 7, true},
		{"thirteen", 13, true},
		{"twenty", 20, true},
		{"twenty five", 25, true},
		{"one hundred", 100, true},
		{"one hundred and two", 102, true},
		{"nineteen hundred", 1900, true},
		{"two thousand and twenty six", 2026, true},
		{"three million four hundred thousand", 3400000, true},
		{"three point five", 3.5, true},
		{"point two five", 0.25, true},
		{"minus four", -4, true},
		{"negative one point zero five", -1.05, true},
		{"five twenty", 0, false},
		{"five five", 0, false},
		{"twenty twenty", 0, false},
		{"and two", 0, false},
		{"one hundred and", 0, false},
		{"thousand million", 0, false},
		{"one thousand one million", 0, false},
		{"three point", 0, false},
		{"three point twenty", 0, false},
		{"minus", 0, false},
		{"zero five", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseSpoken(strings.Fields(tt.words))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseSpoken(%q) = %v, %v; want %v, %v", tt.words, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExpand(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern string
		limit   int
		phrases []string
		words   []string
		open    bool
	}{
		{"turn (on|off) (the)? light", 100,
			[]string{"turn on the light", "turn on light", "turn off the light", "turn off light"},
			[]string{"turn", "on", "off", "the", "light"}, false},
		{"paint $c:Color", 100,
			[]string{"paint red", "paint green", "paint blue", "paint dark blue"},
			[]string{"paint", "red", "green", "blue", "dark"}, false},
		{"turn (on|off) (the)? light", 3, nil, []string{"turn", "on", "off", "the", "light"}, false},
		{"(a (b)? c)? d (e|f)", 100,
			[]string{"a b c d e", "a b c d f", "a c d e", "a c d f", "d e", "d f"},
			[]string{"a", "b", "c", "d", "e", "f"}, false},
		{"go {up|down}", 100, nil, []string{"go", "up", "down"}, false},
		{"call $who:String", 100, nil, []string{"call"}, true},
		{"turn * light", 100, nil, []string{"turn", "light"}, true},
		{"wait $n:Number seconds", 100, nil, append([]string{"wait"}, append(numberVocabulary(), "seconds")...), false},
	}
	for _, tt := range tests {
		e := MustCompile(tt.pattern, types).Expand(tt.limit)
		if !reflect.DeepEqual(e.Phrases, tt.phrases) || !reflect.DeepEqual(e.Words, tt.words) || e.Open != tt.open {
			t.Errorf("Expand(%q, %d) = %+v; want phrases %q, words %q, open %v", tt.pattern, tt.limit, e, tt.phrases, tt.words, tt.open)
		}
	}
}

// TestBacktrackingBudget: a pathological pattern, or an utterance of
// thousands of words a Number or a Parse hook reads, gives up instead of
// taking exponential, quadratic or cubic time; ordinary patterns on the
// same kind of text still match.
func TestBacktrackingBudget(t *testing.T) {
	types := NewTypes()
	if err := types.Add(Type{Name: "Picky", Pattern: "**", Parse: func(c Candidate) (any, error) {
		if c.Text != "ok" {
			return nil, errors.New("not ok")
		}
		return c.Text, nil
	}}); err != nil {
		t.Fatal(err)
	}
	as := strings.Repeat("a ", 80) + "end"
	tests := []struct {
		pattern, text string
		want          string // the match; "" when it gives up
	}{
		{"{a|a} {x|y}", as, ""},
		{"{a} end", as, strings.TrimSpace(as)},
		{"$n:Number minutes", strings.Repeat("one ", 20_000) + "minutes", ""},
		{"$n:Number y", "one point " + strings.Repeat("one ", 20_000) + "x y", ""},
		{"$n:Number minutes", strings.Repeat("one ", 40) + "minutes", "one minutes"},
		{"$n:Number minutes", "in twenty five minutes", "twenty five minutes"},
		{"$p:Picky", strings.Repeat("w ", 2_000) + "ok", ""},
		{"$p:Picky", "w w ok", "ok"},
	}
	for _, tt := range tests {
		m, ok := MustCompile(tt.pattern, types).MatchString(tt.text)
		if ok != (tt.want != "") || m.Text != tt.want {
			t.Errorf("%q on %.40q...: matched %q, %v; want %q", tt.pattern, tt.text, m.Text, ok, tt.want)
		}
	}
}

// TestCanonical: patterns that differ only in what matching ignores share a
// canonical form; patterns that match differently do not.
func TestCanonical(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		a, b string
		same bool
	}{
		{"turn (on|off) the light", "Turn ( on | off )  the light!", true},
		{"what's up", "What’s up.", true},
		{"set $room:Word to $n:Number", "set $place:Word to $level:Number", true},
		{"(please)? go {up|down} * **", "( please )? go { up | down } * **", true},
		{"timer $n:Number?", "timer ($m:Number)?", true},
		{"turn on the light", "turn off the light", false},
		{"set $x:Word", "set $x:String", false},
		{"go {up|down}", "go (up|down)", false},
		{"go *", "go **", false},
		{"(please)? open", "please open", false},
	}
	for _, tt := range tests {
		a, b := MustCompile(tt.a, types).Canonical(), MustCompile(tt.b, types).Canonical()
		if (a == b) != tt.same {
			t.Errorf("Canonical(%q) = %q, Canonical(%q) = %q; want same = %v", tt.a, a, tt.b, b, tt.same)
		}
	}
}

// TestTailAndFirstWords: an open slot takes the rest of the utterance when
// only parts that can match nothing follow it, however they nest; the words
// a match can start with run on past such parts.
func TestTailAndFirstWords(t *testing.T) {
	types := testTypes(t)
	tests := []struct {
		pattern  string
		yields   bool
		first    string // sorted, space-separated; "*" when a match can start with any word
		required string
	}{
		{"note **", true, "note", "note"},
		{"note ** (please)?", true, "note", "note"},
		{"note ** (please)? now", false, "note", "note now"},
		{"note ** ((please)? (now)?)", true, "note", "note"},
		{"note ** (please|now)?", true, "note", "note"},
		{"note ** (please|(now)?)", true, "note", "note"},
		{"note ** (please|now)", false, "note", "note"},
		{"note ** {(please)?}", true, "note", "note"},
		{"note ** {please}", false, "note", "note please"},
		{"note $what:String $n:Number?", true, "note", "note"},
		{"{note **} done", false, "note", "note done"},
		{"(a)? (b)? c", false, "a b c", "c"},
		{"((a)? ((b)? (c)?)) d", false, "a b c d", "d"},
		{"(a|(b)?) c", false, "a b c", "c"},
		{"{(a)? b} c", false, "a b", "b c"},
		{"(a)? * b", false, "*", "b"},
		{"(a)? $c:Color", false, "a blue dark green red", ""},
		{"$p:Person", false, "miss mister", ""},
	}
	for _, tt := range tests {
		p := MustCompile(tt.pattern, types)
		first := slices.Sorted(maps.Keys(p.first))
		if p.firstAny {
			first = []string{"*"}
		}
		if got := p.YieldsTail(); got != tt.yields {
			t.Errorf("%q: YieldsTail() = %v, want %v", tt.pattern, got, tt.yields)
		}
		if got := strings.Join(first, " "); got != tt.first {
			t.Errorf("%q: first words %q, want %q", tt.pattern, got, tt.first)
		}
		if got := strings.Join(p.required, " "); got != tt.required {
			t.Errorf("%q: required words %q, want %q", tt.pattern, got, tt.required)
		}
	}
}

// TestNestingDepth: groups nest up to maxDepth deep, and the grammar of
// the deepest, nested in the way that nests grammars most, is within
// package grammar's bound; deeper nesting, even a million levels, is a
// syntax error at the first bracket too deep rather than a stack overflow.
// Groups side by side do not add up.
func TestNestingDepth(t *testing.T) {
	nest := func(open, inner, close string, n int) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	tests := []struct {
		name, pattern string
		text          string // matched whole when the pattern compiles
		errPos        int    // -1: compiles
	}{
		{"deepest", nest("x {y|z ", "w $n:Number", "}? ", maxDepth), strings.Repeat("x z ", maxDepth) + "w 5", -1},
		{"deepest groups", nest("(", "a", ")", maxDepth), "a", -1},
		{"side by side", strings.Repeat("((a)?) ", 100*maxDepth) + "b", "a a b", -1},
		{"too deep", nest("(", "a", ")", maxDepth+1), "", maxDepth},
		{"too deep mixed", nest("({", "a", "})", maxDepth/2+1), "", maxDepth},
		{"too deep after a group", "(a) " + nest("(", "a", ")", maxDepth+1), "", 4 + maxDepth},
		{"a million deep", nest("(", "a", ")", 1_000_000), "", maxDepth},
		{"a million open", strings.Repeat("(", 1_000_000), "", maxDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.pattern, NewTypes())
			if tt.errPos < 0 {
				if err != nil {
					t.Fatal(err)
				}
				if m, ok := p.MatchString(tt.text); !ok || m.Text != tt.text {
					t.Errorf("MatchString(%q) = %q, %v", tt.text, m.Text, ok)
				}
				b := NewGrammarBuilder()
				g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(p)}}, Rules: b.Rules()}
				if err := g.Check(); err != nil {
					t.Errorf("grammar: %v", err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos != tt.errPos || !strings.Contains(se.Msg, fmt.Sprintf("nested more than %d deep", maxDepth)) {
				t.Errorf("error %.200v, want one at %d about nesting", err, tt.errPos)
			}
		})
	}
}

// TestTypesOfTypes: a type built of two of the previous one, twenty deep,
// stands for a million words. Compiling a pattern that uses it looks at
// each type once, through what the type keeps of its own first and
// required words, and lists each required word once.
func TestTypesOfTypes(t *testing.T) {
	types := NewTypes()
	if err := types.AddList("T0", ListValue{Say: "big"}, ListValue{Say: "small"}); err != nil {
		t.Fatal(err)
	}
	if err := types.Add(Type{Name: "T1", Pattern: "$a:T0 red"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 20; i++ {
		if err := types.Add(Type{Name: fmt.Sprint("T", i), Pattern: fmt.Sprintf("$a:T%d $b:T%d", i-1, i-1)}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := Compile("paint $x:T20 now", types)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(p.first)); p.firstAny || !reflect.DeepEqual(got, []string{"paint"}) {
		t.Errorf("first words %q (any: %v), want paint", got, p.firstAny)
	}
	if !reflect.DeepEqual(p.required, []string{"paint", "red", "now"}) {
		t.Errorf("required words: %d, want paint, red, now", len(p.required))
	}
	if !p.Anchored() {
		t.Error("not anchored")
	}
	q := MustCompile("$x:T20", types)
	if got := slices.Sorted(maps.Keys(q.first)); q.firstAny || !reflect.DeepEqual(got, []string{"big", "small"}) {
		t.Errorf("first words %q (any: %v), want big, small", got, q.firstAny)
	}
}
