package lang

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// TestShippedPacks: every shipped pack loads, its numbers check out and
// round-trip from 0 to 9999 (value → every form → value).
func TestShippedPacks(t *testing.T) {
	for _, code := range Shipped() {
		t.Run(code, func(t *testing.T) {
			p, err := Load(code)
			if err != nil {
				t.Fatal(err)
			}
			if p.Code != code {
				t.Errorf("language %q in %s.yaml", p.Code, code)
			}
			if err := p.Numbers.Check(9999); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestTrickyNumbers: each language's own hard cases parse to their value,
// and forms no one uses are refused.
func TestTrickyNumbers(t *testing.T) {
	cases := map[string]map[string]float64{
		"en": {"twenty five": 25, "one hundred and two": 102, "one hundred two": 102, "a hundred and five": 105,
			"a hundred": 100, "a thousand": 1000, "two thousand and twenty": 2020, "minus four": -4,
			"three point one four": 3.14, "zero": 0},
		"de": {"einundzwanzig": 21, "ein und zwanzig": 21, "fünfundzwanzig": 25, "hunderteins": 101,
			"hundertundeins": 101, "hundert und eins": 101, "einhundert": 100, "zweitausend": 2000,
			"zwei tausend": 2000, "zweitausendzwanzig": 2020, "dreißig": 30, "dreissig": 30, "zwo": 2,
			"neunhundertneunundneunzig": 999, "eintausend": 1000, "null": 0, "drei komma fünf": 3.5},
		"fr": {"soixante et onze": 71, "soixante-dix": 70, "quatre-vingts": 80, "quatre-vingt-un": 81,
			"quatre vingt un": 81, "quatre-vingt-dix-neuf": 99, "cent un": 101, "deux cents": 200,
			"deux cent un": 201, "mille": 1000, "deux mille vingt": 2020, "vingt et un": 21, "dix-sept": 17,
			"quatre-vingt mille": 80000, "deux cent mille": 200000, "zéro": 0, "moins trois": -3},
	}
	refused := map[string][]string{
		"en": {"a hundred five", "five twenty", "and two", "hundred", "one hundred and", "twelve hundred"},
		"de": {"einsundzwanzig", "zwanzigeins", "und", "hundertein", "einstausend"},
		"fr": {"vingt-un", "quatre-vingt", "soixante-onze", "deux cent", "un mille", "un cent", "quatre-vingts-un"},
	}
	for code, want := range cases {
		p, err := Load(code)
		if err != nil {
			t.Fatal(err)
		}
		for text, v := range want {
			got, ok := p.Numbers.Parse(pattern.Split(text).Norms())
			if !ok || got != v {
				t.Errorf("%s: %q = %v, %v; want %v", code, text, got, ok, v)
			}
		}
		for _, text := range refused[code] {
			if got, ok := p.Numbers.Parse(pattern.Split(text).Norms()); ok {
				t.Errorf("%s: %q read as %v; want refused", code, text, got)
			}
		}
	}
}

// TestNumberParameterPerLanguage: a Number parameter of a pack's types
// reads the language's numbers inside a sentence and leaves the rest.
func TestNumberParameterPerLanguage(t *testing.T) {
	for _, tt := range []struct {
		code, pattern, text string
		want                float64
	}{
		{"de", "stelle die lautstärke auf $n:Number", "stelle die Lautstärke auf fünfundzwanzig", 25},
		{"de", "warte $n:Number sekunden", "warte hundert und eins sekunden", 101},
		{"fr", "règle le volume à $n:Number", "règle le volume à quatre-vingt-dix-neuf", 99},
		{"fr", "attends $n:Number secondes", "attends soixante et onze secondes", 71},
		{"en", "wait $n:Number seconds", "wait a hundred and five seconds", 105},
	} {
		p, _ := Load(tt.code)
		pat, err := pattern.Compile(tt.pattern, p.NewTypes())
		if err != nil {
			t.Fatal(err)
		}
		m, ok := pat.Find(pattern.Split(tt.text), 0, 1000)
		if !ok || m.Params.Number("n") != tt.want {
			t.Errorf("%s %q: %v %v, want n=%v", tt.code, tt.text, m.Params, ok, tt.want)
		}
	}
}

// TestGrammarHoldsTheLanguage: the number grammar of a pack accepts its
// spelt numbers and not other forms (no English "a hundred five").
func TestGrammarHoldsTheLanguage(t *testing.T) {
	for _, tt := range []struct {
		code     string
		accepted []string
		refused  []string
	}{
		{"en", []string{"one hundred five", "a hundred and five", "two thousand and twenty", "three point five", "minus four"},
			[]string{"a hundred five", "twelve hundred"}},
		{"de", []string{"einundzwanzig", "zweihundert fünfundzwanzig", "hundert und eins", "zweitausend zwanzig"},
			[]string{"zwanzig eins", "eins hundert"}},
		{"fr", []string{"soixante et onze", "quatre vingts", "quatre vingt un", "deux cents", "deux cent un", "deux mille vingt"},
			[]string{"deux cent", "un mille", "soixante onze"}},
	} {
		p, _ := Load(tt.code)
		g := &grammar.Grammar{Rules: p.Numbers.GrammarRules(), Commands: []grammar.Command{{Name: "n", Body: grammar.RefTo(pattern.NumberRule)}}}
		if err := g.Check(); err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		for _, s := range tt.accepted {
			if !g.Accepts(strings.Fields(s)) {
				t.Errorf("%s: grammar refuses %q", tt.code, s)
			}
		}
		for _, s := range tt.refused {
			if g.Accepts(strings.Fields(s)) {
				t.Errorf("%s: grammar accepts %q", tt.code, s)
			}
		}
	}
}

// TestBuiltinsMatchTheirSentences: every built-in command's pattern, in
// every shipped language, matches each sentence it expands to (and its
// example) as that command, ahead of the other built-ins.
func TestBuiltinsMatchTheirSentences(t *testing.T) {
	for _, code := range Shipped() {
		p, err := Load(code)
		if err != nil {
			t.Fatal(err)
		}
		types := p.NewTypes()
		var cmds []commands.Command
		for _, name := range Commands {
			if name == commands.RepeatCommand {
				continue // the manager's own
			}
			cmds = append(cmds, commands.Command{Name: name, Pattern: p.Commands[name].Pattern,
				Handler: func(*commands.Request) (commands.Response, error) { return commands.Response{}, nil }})
		}
		m, err := commands.NewManagerWith(types, commands.ManagerConfig{Connectors: p.Joiners, RepeatPattern: p.Commands["repeat"].Pattern}, cmds...)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		for _, name := range Commands {
			pat := pattern.MustCompile(p.Commands[name].Pattern, types)
			sentences := pat.Expand(5000).Phrases
			if name == "timer" {
				sentences = pat.Expand(100000).Phrases
			}
			if ex := p.Commands[name].Example; ex != "" {
				sentences = append(sentences, ex)
			}
			if len(sentences) == 0 {
				t.Errorf("%s: %s expands to no sentence", code, name)
			}
			for _, s := range sentences {
				got := m.Match(s, time.Now())
				if len(got) != 1 || got[0].Command != name {
					t.Errorf("%s: %q matched %v, want %s", code, s, names(got), name)
				}
			}
		}
		// Two commands joined by the language's joiner.
		two := p.Commands["time"].Example + " " + p.Joiners[0] + " " + p.Commands["date"].Example
		if got := m.Match(two, time.Now()); len(got) != 2 {
			t.Errorf("%s: %q matched %v, want time and date", code, two, names(got))
		}
	}
}

func names(ms []commands.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Command)
	}
	return out
}

// TestPackProblems: a pack file with mistakes is refused with each
// problem named at its line.
func TestPackProblems(t *testing.T) {
	base, err := packs.ReadFile("packs/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, from, to, want string }{
		{"unknown key", "joiners: [and, then]", "joiners: [and, then]\nvoices: x", "xx.yaml:9: field voices not found"},
		{"bad placeholder", `time: "It's {time}."`, `time: "It's {clock}."`, "replies: time: unknown placeholder {clock}"},
		{"missing reply", "  too_long: \"That was too long; I stopped listening.\"\n", "", "replies: too_long: missing"},
		{"tens without units", `tens: "{tens} {units}"`, `tens: "{tens}"`, "want both {tens} and {units}"},
		{"ambiguous number", "    19: nineteen", "    19: eighteen", "numbers"},
		{"bad pattern", `pattern: "(cancel|stop) the timer"`, `pattern: "(cancel|stop the timer"`, "commands: cancel_timer:"},
		{"six weekdays", "[Sunday, Monday,", "[Monday,", "time: weekdays: want 7"},
		{"yaml syntax", "joiners: [and, then]", "joiners: [and, then", "xx.yaml:"},
	} {
		text := strings.Replace(string(base), tt.from, tt.to, 1)
		if text == string(base) {
			t.Fatalf("%s: %q is not in en.yaml", tt.name, tt.from)
		}
		_, err := Parse([]byte(text), "xx.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to say %q", tt.name, err, tt.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "xx.yaml:") {
			t.Errorf("%s: %v: want file:line", tt.name, err)
		}
	}
}

// TestLoadByPath: a pack given by its path loads; an unknown code says
// which are shipped.
func TestLoadByPath(t *testing.T) {
	data, _ := packs.ReadFile("packs/de.yaml")
	path := filepath.Join(t.TempDir(), "nl.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "language: de", "language: nl", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil || p.Code != "nl" || p.Source != path {
		t.Fatalf("Load(%s) = %v, %v", path, p, err)
	}
	if _, err := Load("xx"); err == nil || !strings.Contains(err.Error(), "de, en, fr") {
		t.Errorf("Load(xx): %v", err)
	}
}

// TestReplies: times, dates and durations in each language.
func TestReplies(t *testing.T) {
	at := time.Date(2026, 1, 5, 15, 4, 0, 0, time.UTC) // a Monday
	for _, tt := range []struct{ code, got, want string }{
		{"en", Default().Reply("time", "time", Default().Clock(at)), "It's 3:04 PM."},
		{"en", Default().Reply("date", "date", Default().Date(at)), "Today is Monday, January 5."},
		{"en", Default().Duration(3900 * time.Second), "1 hour and 5 minutes"},
		{"de", must(Load("de")).Clock(at), "15 Uhr 4"},
		{"de", must(Load("de")).Clock(at.Add(56 * time.Minute)), "16 Uhr"},
		{"de", must(Load("de")).Date(at), "Montag, der 5. Januar"},
		{"de", must(Load("de")).Duration(90 * time.Second), "eine Minute und 30 Sekunden"},
		{"fr", must(Load("fr")).Reply("timer_left", "left", "une minute", "duration", "5 minutes"), "Il reste une minute sur votre minuteur de 5 minutes."},
		{"fr", must(Load("fr")).Date(at), "lundi 5 janvier"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.code, tt.got, tt.want)
		}
	}
}

func must(p *Pack, err error) *Pack {
	if err != nil {
		panic(err)
	}
	return p
}

// A ranged Number's grammar spells its values in the pack's language:
// before, Number(20..30) in a German command gave the recognizer
// "twenty five".
func TestRangeSpeaksTheLanguage(t *testing.T) {
	for _, tt := range []struct{ code, want, not string }{
		{"en", "twenty five", "fünfundzwanzig"},
		{"de", "fünfundzwanzig", "twenty"},
		{"fr", "vingt cinq", "twenty"},
	} {
		p, err := Load(tt.code)
		if err != nil {
			t.Fatal(err)
		}
		b := pattern.NewGrammarBuilder()
		pat := pattern.MustCompile("x $n:Number(20..30)", p.NewTypes())
		g := &grammar.Grammar{Commands: []grammar.Command{{Name: "c", Body: b.Node(pat)}}, Rules: b.Rules()}
		if err := g.Check(); err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		if !g.Accepts(strings.Fields("x " + tt.want)) {
			t.Errorf("%s: the range's grammar refuses %q", tt.code, tt.want)
		}
		if slices.Contains(g.Vocabulary(), strings.Fields(tt.not)[0]) {
			t.Errorf("%s: the range's vocabulary holds %q", tt.code, tt.not)
		}
	}
}
