//go:build !nopocketsphinx

package pocketsphinx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// The grammars of a German and a French configuration, as `hark grammar
// --config` exports them: testdata/hark-grammar-de.json and -fr.json, of
// testdata/hark-de.yaml and -fr.yaml. pipeline knows nothing of commands
// or language packs, so they are files here; firmware/cmd/hark's
// TestGrammarFixtures fails when they differ from what the code exports
// now, and regenerates them:
//
//	go test ./firmware/cmd/hark -run TestGrammarFixtures -update

// everyWord is a lexicon with every word, as hark grammar exports with.
type everyWord struct{}

func (everyWord) Has(string) bool { return true }

// fixtureGrammar reads a grammar fixture of testdata.
func fixtureGrammar(tb testing.TB, name string) *grammar.Grammar {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	var g grammar.Grammar
	if err := json.Unmarshal(data, &g); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if len(g.Commands) == 0 {
		tb.Fatalf("%s holds no commands", name)
	}
	return &g
}

// leftOut is one "left out of the grammar" warning of SetGrammar.
type leftOut struct {
	Msg      string   `json:"msg"`
	Part     string   `json:"part"`
	Reason   string   `json:"reason"`
	Commands []string `json:"commands"`
}

const leftOutMsg = "pocketsphinx: left out of the grammar"

// leftOuts reads the "left out of the grammar" warnings from JSON log lines.
func leftOuts(tb testing.TB, logs io.Reader) []leftOut {
	tb.Helper()
	var out []leftOut
	sc := bufio.NewScanner(logs)
	for sc.Scan() {
		var l leftOut
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if l.Msg == leftOutMsg {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// vocabulary is every dictionary-shaped word of g (see Words): its
// commands', its rules' and its connectors'.
func vocabulary(g *grammar.Grammar) []string {
	var out []string
	for _, phrase := range append(g.Vocabulary(), g.Connectors...) {
		for _, w := range Words(phrase) {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// commandVocabulary is the vocabulary of g's command named name, through
// the rules it refers to.
func commandVocabulary(g *grammar.Grammar, name string) []string {
	for _, c := range g.Commands {
		if c.Name == name {
			return vocabulary(&grammar.Grammar{Commands: []grammar.Command{c}, Rules: g.Rules})
		}
	}
	return nil
}

// jsgfWords are the words of a JSGF grammar's rule bodies: no rule
// names, operators, comments or header.
func jsgfWords(jsgf string) []string {
	var out []string
	for line := range strings.Lines(jsgf) {
		_, body, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		body, _, _ = strings.Cut(body, "//")
		for _, tok := range strings.Fields(body) {
			tok = strings.TrimRight(tok, ";")
			if tok == "" || strings.HasPrefix(tok, "<") || strings.ContainsAny(tok, "()[]|*+") {
				continue
			}
			if !slices.Contains(out, tok) {
				out = append(out, tok)
			}
		}
	}
	return out
}

// foreignGrammars are the fixtures with what Debian's English dictionary
// makes of them.
var foreignGrammars = []struct {
	lang, fixture string
	// closed are the commands kept, and kept words the JSGF must hold:
	// the ones the English dictionary has, in commands that keep enough.
	closed, kept []string
	// reported are words the dictionary lacks and the warning that must
	// cover each: its part (a command's name when the command was left
	// out), and whether the reason names the word. A part that has several
	// unknown words is reported with the first, so "wie spät ist es" is
	// left out for "wie", and "spät" only within the time command's.
	reported []struct {
		word, part string
		named      bool
	}
	// say is spoken in English and must come out as itself.
	say string
}{
	{
		lang: "de", fixture: "hark-grammar-de.json",
		closed: []string{"licht", "radio", "help", "stop"},
		kept:   []string{"mach", "das", "licht", "im", "in", "der", "bad", "an", "aus", "radio", "sender", "elf", "was", "kann", "ich", "sagen", "stop", "und", "dann"},
		reported: []struct {
			word, part string
			named      bool
		}{
			{"fünfundzwanzig", "fünfundzwanzig", true}, // a number of Number(1..30), in radio and lautstärke
			{"dreißig", "dreißig", true},
			{"küche", "küche", true}, // of the list raum
			{"schalte", "schalte", true},
			{"hilfe", "hilfe", true},
			{"kannst", "was kannst du", true},
			{"lautstärke", "lautstärke", true},
			{"uhrzeit", "time", true},
			{"spät", "time", false},
			{"wie", "time", true},
			{"minuten", "timer", false}, // the timer command falls on "auf" and "für" first
			{"fünf", "fünf", true},
			{"danke", "danke", true},
			{"prozent", "dimmen", false},
		},
		say: "stop",
	},
	{
		lang: "fr", fixture: "hark-grammar-fr.json",
		closed: []string{"radio", "merci", "date", "help", "stop"},
		kept:   []string{"mets", "la", "radio", "un", "deux", "dix", "quarante", "merci", "beaucoup", "quel", "jour", "on", "est", "aide", "stop", "silence", "et"},
		reported: []struct {
			word, part string
			named      bool
		}{
			{"vingt", "vingt", true},
			{"quatre", "quatre vingt dix", true}, // quatre-vingt-dix, 90
			{"huit", "dix huit", true},
			{"lumière", "variateur", true},
			{"éteins", "lumiere", true},
			{"l'heure", "time", true},
			{"quelle", "quelle est la date", true},
			{"qu'est", "qu'est ce que je peux dire", true},
			{"minuteur", "timer", true},
			{"à", "volume", true},
		},
		say: "stop",
	},
}

// TestForeignGrammarEnglishDictionary: the grammar Hark exports for a
// German (and a French) configuration, given to PocketSphinx with Debian's
// English model, is accepted; what holds words the English dictionary
// lacks is left out, each part with a warning, as for an English grammar
// (TestSetGrammarDropsUnknownPhrase); what the dictionary has stays in,
// and the grammar decodes.
func TestForeignGrammarEnglishDictionary(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range foreignGrammars {
		t.Run(tt.lang, func(t *testing.T) {
			g := fixtureGrammar(t, tt.fixture)
			var logs bytes.Buffer
			r := newRecognizer(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			if err := r.SetGrammar(g); err != nil {
				t.Fatalf("SetGrammar of the %s grammar: %v\nlog:\n%s", tt.lang, err, logs.String())
			}
			applied := r.current
			if applied.jsgf == "" || applied.structured == nil {
				t.Fatalf("no grammar in force after SetGrammar; log:\n%s", logs.String())
			}
			t.Logf("in force:\n%s", applied.jsgf)
			if got := applied.structured.Closed; !slices.Equal(got, tt.closed) {
				t.Errorf("commands kept = %q, want %q", got, tt.closed)
			}
			inJSGF := jsgfWords(applied.jsgf)
			for _, w := range tt.kept {
				if !slices.Contains(inJSGF, w) {
					t.Errorf("%q, which the dictionary has, is not in the grammar in force", w)
				}
			}
			lex := lexicon{r.ps}
			for _, w := range inJSGF {
				if !lex.Has(w) {
					t.Errorf("%q is in the grammar in force but not in the dictionary", w)
				}
			}

			reports := leftOuts(t, &logs)
			if len(reports) != len(applied.structured.Dropped) {
				t.Errorf("%d warnings for %d parts left out", len(reports), len(applied.structured.Dropped))
			}
			for _, want := range tt.reported {
				i := slices.IndexFunc(reports, func(l leftOut) bool { return l.Part == want.part })
				if i < 0 {
					t.Errorf("%q: no warning for the part %q", want.word, want.part)
					continue
				}
				if named := strings.Contains(reports[i].Reason, fmt.Sprintf("%q", want.word)); named != want.named {
					t.Errorf("%q: warning for %q names it: %v, want %v (reason %q)", want.word, want.part, named, want.named, reports[i].Reason)
				}
				if !slices.Contains(commandVocabulary(g, want.part), want.word) && !slices.Contains(Words(want.part), want.word) {
					t.Errorf("%q is neither in the part %q nor in a command of that name", want.word, want.part)
				}
			}
			// Every word the dictionary lacks is out of the grammar and
			// covered by a warning: named in its reason, in its part, or
			// in the command it left out. A connector is the exception:
			// StructuredJSGF leaves an unknown one out without a warning
			// (French "puis"), as it does for English grammars.
			var missing []string
			for _, w := range vocabulary(g) {
				if lex.Has(w) {
					continue
				}
				missing = append(missing, w)
				if slices.Contains(inJSGF, w) {
					t.Errorf("%q, not in the dictionary, is in the grammar in force", w)
				}
				if !slices.ContainsFunc(reports, func(l leftOut) bool {
					return strings.Contains(l.Reason, fmt.Sprintf("%q", w)) || slices.Contains(Words(l.Part), w) ||
						(strings.HasPrefix(l.Reason, "command left out") && slices.Contains(commandVocabulary(g, l.Part), w))
				}) && !slices.Contains(g.Connectors, w) {
					t.Errorf("%q, not in the dictionary, is left out without a warning", w)
				}
			}
			t.Logf("%d of %d words not in the English dictionary; %d warnings", len(missing), len(vocabulary(g)), len(reports))

			if got := recognise(t, r, speak(t, dir, tt.say)); got != tt.say {
				t.Errorf("%q under the %s grammar recognised as %q", tt.say, tt.lang, got)
			}
		})
	}
}

// TestForeignGrammarParsedWhole: with a dictionary that has every word of
// the German (and the French) grammar, nothing is left out, and
// PocketSphinx's JSGF parser accepts the whole of what Hark exports, as
// `hark grammar --format jsgf` prints it: umlauts, ß, accents, elisions
// (l'heure), numbers as one word (fünfundzwanzig) and as several
// (quatre vingt dix).
func TestForeignGrammarParsedWhole(t *testing.T) {
	for _, tt := range foreignGrammars {
		t.Run(tt.lang, func(t *testing.T) {
			g := fixtureGrammar(t, tt.fixture)
			m, err := FindModel(DefaultModelDir)
			if err != nil {
				t.Fatalf("%v: install pocketsphinx-en-us (run `make setup`)", err)
			}
			dict, err := os.ReadFile(m.Dictionary)
			if err != nil {
				t.Fatal(err)
			}
			english := WordSet{}
			for line := range strings.Lines(string(dict)) {
				if f := strings.Fields(line); len(f) > 0 {
					english[f[0]] = true
				}
			}
			// What is tested is that the parser takes the text, not how
			// the words sound: each added word is a single vowel.
			var added []string
			for _, w := range vocabulary(g) {
				if !english.Has(w) {
					dict = fmt.Appendf(dict, "%s AH\n", w)
					added = append(added, w)
				}
			}
			if len(added) == 0 {
				t.Fatal("the English dictionary has every word; the test would not tell the grammar from an English one")
			}
			for _, w := range []string{"fünfundzwanzig", "dreißig", "l'heure", "éteins", "quatre"} {
				if slices.Contains(vocabulary(g), w) && !slices.Contains(added, w) {
					t.Errorf("%q should be among the words added to the dictionary", w)
				}
			}
			m.Dictionary = filepath.Join(t.TempDir(), "with-"+tt.lang+".dict")
			writeFile(t, m.Dictionary, string(dict))

			var logs bytes.Buffer
			r := newRecognizer(t, Config{Model: m, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			if err := r.SetGrammar(g); err != nil {
				t.Fatalf("PocketSphinx refused the whole %s grammar: %v\nlog:\n%s", tt.lang, err, logs.String())
			}
			if reports := leftOuts(t, &logs); len(reports) > 0 {
				t.Errorf("with every word in the dictionary, %d parts were left out, first %q: %s", len(reports), reports[0].Part, reports[0].Reason)
			}
			exported, err := StructuredJSGF(g, everyWord{})
			if err != nil {
				t.Fatal(err)
			}
			if r.current.jsgf != exported.JSGF {
				t.Errorf("the grammar in force is not the one hark grammar exports:\n%s\nwant:\n%s", r.current.jsgf, exported.JSGF)
			}
			if got, want := len(r.current.structured.Closed), len(g.Commands); got != want {
				t.Errorf("%d commands in force, want all %d", got, want)
			}
			t.Logf("%d words added to the dictionary; the %d-byte JSGF was accepted", len(added), len(r.current.jsgf))
		})
	}
}
