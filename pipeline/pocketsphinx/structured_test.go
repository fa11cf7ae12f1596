package pocketsphinx

import (
	"fmt"
	"strings"
	"testing"
	"time"

	cmds "github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

type allWords struct{}

func (allWords) Has(string) bool { return true }

// TestStructuredJSGF: the JSGF keeps the structure; numbers and lists are
// sub-rules; "and" joins whole commands only; unknown words take out the
// least they can; an open slot is a loop of the free words the lexicon has
// (here "the", "and", "a").
func TestStructuredJSGF(t *testing.T) {
	g := &grammar.Grammar{
		Connectors: []string{"and", "then"},
		Commands: []grammar.Command{
			{Name: "timer", Body: grammar.S(grammar.A(grammar.W("set"), grammar.W("start")), grammar.Words("a timer for"), grammar.RefTo("n"), grammar.W("minutes"))},
			{Name: "light", Body: grammar.S(grammar.W("turn"), grammar.O(grammar.W("zorp")), grammar.A(grammar.W("on"), grammar.W("blarg")), grammar.W("the"), grammar.RefTo("room"), grammar.W("light"))},
			{Name: "bad", Body: grammar.Words("frobnicate it")},
			{Name: "note", Body: grammar.S(grammar.W("note"), grammar.Any(true))},
			{Name: "go", Body: grammar.S(grammar.W("go"), grammar.R(grammar.A(grammar.W("up"), grammar.W("down"))))},
		},
		Rules: []grammar.Rule{
			{Name: "n", Body: grammar.A(grammar.W("ten"), grammar.Words("a hundred and five"))},
			{Name: "room", Body: grammar.A(grammar.W("kitchen"), grammar.Words("living room"))},
		},
	}
	lex := WordSet{}
	for _, w := range strings.Fields("set start a timer for ten hundred and five minutes turn on the kitchen living room light then note go up down") {
		lex[w] = true
	}
	s, err := StructuredJSGF(g, lex)
	if err != nil {
		t.Fatal(err)
	}
	want := `#JSGF V1.0;
grammar hark;
public <utterance> = <command> ( ( and | then ) <command> )*;
<command> = <c0> | <c1> | <c2> | <c3>;
<c0> = ( set | start ) ( a timer for ) <r0_n> minutes; // timer
<c1> = turn on the <r1_room> light; // light
<c2> = note <free>+; // note
<c3> = go ( ( up | down ) )+; // go
<r0_n> = ( ten | a hundred and five );
<r1_room> = ( kitchen | living room );
<free> = ( the | and | a );
`
	if s.JSGF != want {
		t.Errorf("JSGF:\n%s\nwant:\n%s", s.JSGF, want)
	}
	if strings.Join(s.Open, ",") != "note" || strings.Join(s.Closed, ",") != "timer,light,go" {
		t.Errorf("open %q, closed %q", s.Open, s.Closed)
	}
	var dropped []string
	for _, d := range s.Dropped {
		dropped = append(dropped, d.String())
	}
	if got := strings.Join(dropped, "; "); got != `"zorp": word "zorp" not in the dictionary; "blarg": word "blarg" not in the dictionary; "bad": command left out: word "frobnicate" not in the dictionary` {
		t.Errorf("dropped: %s", got)
	}
	// Without free words an open command is left out; so is one of open
	// slots alone, which would match anything.
	for name, tt := range map[string]struct {
		lex  WordSet
		want string
	}{
		"no free word":    {WordSet{"note": true, "set": true}, "<command> = <c0>;\n<c0> = set; // set\n"},
		"only open slots": {WordSet{"the": true, "set": true}, "<command> = <c0>;\n<c0> = set; // set\n"},
	} {
		g := &grammar.Grammar{Commands: []grammar.Command{{Name: "set", Body: grammar.W("set")}, {Name: "note", Body: grammar.S(grammar.W("note"), grammar.Any(false))}}}
		if name == "only open slots" {
			g.Commands[1].Body = grammar.Any(true)
		}
		s, err := StructuredJSGF(g, tt.lex)
		if err != nil || !strings.HasSuffix(s.JSGF, tt.want) || len(s.Open) != 1 {
			t.Errorf("%s: JSGF %q, open %q, %v; want it to end %q", name, s.JSGF, s.Open, err, tt.want)
		}
	}
	if _, err := StructuredJSGF(&grammar.Grammar{Commands: []grammar.Command{{Name: "x", Body: grammar.RefTo("nope")}}}, lex); err == nil {
		t.Error("unknown rule accepted")
	}
}

// grammar200 is the structured grammar of 200 commands with lists, numbers
// and ranged numbers, and the built-in-like repeat command.
func grammar200(tb testing.TB) *cmds.Manager {
	tb.Helper()
	types := pattern.NewTypes()
	var rooms []pattern.ListValue
	for i := range 30 {
		rooms = append(rooms, pattern.ListValue{Say: fmt.Sprintf("room %s", pattern.Spell(i + 1)[0])})
	}
	if err := types.AddList("room", rooms...); err != nil {
		tb.Fatal(err)
	}
	verbs := []string{"turn", "switch", "open", "close", "start", "stop", "play", "show", "find", "check"}
	nouns := []string{"light", "lamp", "door", "window", "music", "radio", "timer", "alarm", "heating", "fan",
		"kettle", "oven", "blinds", "garage", "gate", "camera", "speaker", "tv", "printer", "news"}
	var list []cmds.Command
	for i := range 200 {
		v, n := verbs[i%len(verbs)], nouns[i/len(verbs)]
		p := fmt.Sprintf("%s (on|off)? the $where:room %s", v, n)
		switch i % 3 {
		case 1:
			p += " to $n:Number percent"
		case 2:
			p += " for $n:Number(1..120) minutes"
		}
		list = append(list, cmds.Command{Name: fmt.Sprint(i), Pattern: p, Handler: func(*cmds.Request) (cmds.Response, error) { return cmds.Response{}, nil }})
	}
	m, err := cmds.NewManager(types, list...)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkGrammarBuild200 exports the structured grammar of 200 commands
// with lists and numbers and builds its JSGF (goal: under 50 ms).
func BenchmarkGrammarBuild200(b *testing.B) {
	m := grammar200(b)
	now := time.Now()
	var size int
	for range b.N {
		g := m.Grammar(now, 2000)
		s, err := StructuredJSGF(g.Rules, allWords{})
		if err != nil {
			b.Fatal(err)
		}
		size = len(s.JSGF)
	}
	b.ReportMetric(float64(size), "jsgf-bytes")
}

// FuzzStructuredJSGF builds JSGF from random patterns: no panic, a grammar
// with every closed command in it.
func FuzzStructuredJSGF(f *testing.F) {
	for _, s := range []string{"turn (on|off) the light", "set $n:Number(1..5) {up|down}", "note $x:String", "(a|b)? c $n:Number"} {
		f.Add(s)
	}
	types := pattern.NewTypes()
	f.Fuzz(func(t *testing.T, src string) {
		p, err := pattern.Compile(src, types)
		if err != nil {
			return
		}
		b := pattern.NewGrammarBuilder()
		g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(p)}}, Rules: b.Rules(), Connectors: []string{"and"}}
		s, err := StructuredJSGF(g, allWords{})
		if err != nil {
			// A pattern of words the decoder cannot spell (a lone
			// combining mark) leaves nothing: an error, never a panic.
			if strings.Contains(err.Error(), "is usable") {
				return
			}
			t.Fatalf("StructuredJSGF(%q): %v", src, err)
		}
		if len(s.Closed)+len(s.Open) != 1 || (len(s.Closed) == 1 && !strings.Contains(s.JSGF, "<c0> = ")) {
			t.Fatalf("StructuredJSGF(%q) = %+v", src, s)
		}
	})
}

// TestStructuredJSGFDropped: each part left out is reported once, naming
// the words the dictionary lacks and the commands it was in, a part of a
// rule with every command that refers to the rule.
func TestStructuredJSGFDropped(t *testing.T) {
	lex := WordSet{}
	for _, w := range strings.Fields("turn on the kitchen light heat dim glow") {
		lex[w] = true
	}
	tests := []struct {
		name     string
		commands []grammar.Command
		rules    []grammar.Rule
		want     []string
	}{{
		name: "in a shared rule",
		commands: []grammar.Command{
			{Name: "light", Body: grammar.S(grammar.Words("turn on the"), grammar.RefTo("room"), grammar.W("light"))},
			{Name: "heat", Body: grammar.S(grammar.W("heat"), grammar.RefTo("place"))},
		},
		rules: []grammar.Rule{
			{Name: "room", Body: grammar.A(grammar.W("kitchen"), grammar.W("zorbroom"))},
			{Name: "place", Body: grammar.S(grammar.W("the"), grammar.RefTo("room"))},
		},
		want: []string{`"zorbroom": word "zorbroom" not in the dictionary [light heat]`},
	}, {
		name: "rule failed before",
		commands: []grammar.Command{
			{Name: "dim", Body: grammar.S(grammar.W("dim"), grammar.RefTo("lamp"))},
			{Name: "frob", Body: grammar.W("frobnicate")},
			{Name: "glow", Body: grammar.S(grammar.W("glow"), grammar.O(grammar.RefTo("lamp")))},
		},
		rules: []grammar.Rule{{Name: "lamp", Body: grammar.W("blarglamp")}},
		want: []string{
			`"dim": command left out: word "blarglamp" not in the dictionary [dim]`,
			`"frob": command left out: word "frobnicate" not in the dictionary [frob]`,
			`"<lamp>": word "blarglamp" not in the dictionary [glow]`,
		},
	}, {
		name: "every alternative",
		commands: []grammar.Command{
			{Name: "turn", Body: grammar.S(grammar.W("turn"), grammar.O(grammar.A(grammar.W("zorp"), grammar.W("blarg"))), grammar.W("on"))},
		},
		want: []string{`"zorp blarg": words "zorp", "blarg" not in the dictionary [turn]`},
	}, {
		name: "only an optional part",
		commands: []grammar.Command{
			{Name: "maybe", Body: grammar.O(grammar.W("zorp"))},
			{Name: "on", Body: grammar.W("on")},
		},
		want: []string{
			`"zorp": word "zorp" not in the dictionary [maybe]`,
			`"maybe": command left out: nothing left [maybe]`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := StructuredJSGF(&grammar.Grammar{Commands: tt.commands, Rules: tt.rules}, lex)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range s.Dropped {
				got = append(got, fmt.Sprintf("%s %v", d, d.Commands))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("dropped:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
