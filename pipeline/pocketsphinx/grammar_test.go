package pocketsphinx

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		phrase string
		want   []string
	}{
		{"Turn on the Kitchen light", []string{"turn", "on", "the", "kitchen", "light"}},
		{"  what's   the time?  ", []string{"what's", "the", "time"}},
		{"set a timer for 5 minutes", []string{"set", "a", "timer", "for", "five", "minutes"}},
		{"wake me at 7pm", []string{"wake", "me", "at", "seven", "pm"}},
		{"count to 21", []string{"count", "to", "twenty", "one"}},
		{"100", []string{"one", "hundred"}},
		{"1205", []string{"one", "thousand", "two", "hundred", "five"}},
		{"40000", []string{"forty", "thousand"}},
		{"0", []string{"zero"}},
		{"007", []string{"zero", "zero", "seven"}},
		{"1234567", []string{"one", "two", "three", "four", "five", "six", "seven"}},
		{"rock'n'roll", []string{"rock'n'roll"}},
		{"'quoted'", []string{"quoted"}},
		{"a-b/c", []string{"a", "b", "c"}},
		{"", nil},
		{"?!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			if got := Words(tt.phrase); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.phrase, got, tt.want)
			}
		})
	}
}

func TestJSGF(t *testing.T) {
	lex := WordSet{}
	for _, w := range strings.Fields("turn on off the light what time is it set a timer for five minutes stop") {
		lex[w] = true
	}
	tests := []struct {
		name        string
		phrases     []string
		wantKept    []string
		wantDropped []string // phrases
		wantErr     bool
	}{
		{"all known", []string{"turn on the light", "stop"}, []string{"turn on the light", "stop"}, nil, false},
		{"normalised and deduplicated", []string{"Turn ON the light!", "turn on the light", "set a timer for 5 minutes"},
			[]string{"turn on the light", "set a timer for five minutes"}, nil, false},
		{"unknown word dropped", []string{"turn on the flux capacitor", "stop"}, []string{"stop"}, []string{"turn on the flux capacitor"}, false},
		{"vosk unknown marker skipped", []string{"stop", "[unk]"}, []string{"stop"}, nil, false},
		{"empty phrase dropped", []string{"", "stop"}, []string{"stop"}, []string{""}, false},
		{"nothing usable", []string{"hello world"}, nil, []string{"hello world"}, true},
		{"no phrases", nil, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, kept, dropped, err := JSGF(tt.phrases, lex)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(kept, tt.wantKept) {
				t.Errorf("kept = %q, want %q", kept, tt.wantKept)
			}
			var gotDropped []string
			for _, d := range dropped {
				gotDropped = append(gotDropped, d.Phrase)
			}
			if !reflect.DeepEqual(gotDropped, tt.wantDropped) {
				t.Errorf("dropped = %v, want %q", dropped, tt.wantDropped)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(g, "#JSGF V1.0;\ngrammar hark;\npublic <utterance> = <phrase> ( ( and | then ) <phrase> )*;\n<phrase> = ") || !strings.HasSuffix(g, ";\n") {
				t.Errorf("grammar has the wrong frame:\n%s", g)
			}
			for _, p := range kept {
				if !strings.Contains(g, p) {
					t.Errorf("grammar lacks %q:\n%s", p, g)
				}
			}
			// One "|" joins the connectors "and | then"; the rest part phrases.
			if got := strings.Count(g, "|") - 1; got != len(kept)-1 {
				t.Errorf("grammar has %d alternatives, want %d:\n%s", got+1, len(kept), g)
			}
		})
	}
}

func TestJSGFDroppedReasonNamesWord(t *testing.T) {
	_, _, dropped, _ := JSGF([]string{"stop the flux", "stop"}, WordSet{"stop": true, "the": true})
	if len(dropped) != 1 || !strings.Contains(dropped[0].String(), `"flux"`) {
		t.Errorf("dropped = %v, want one naming \"flux\"", dropped)
	}
}

// FuzzJSGF checks that any phrase yields only JSGF-safe tokens: the
// grammar must never carry syntax from the input.
func FuzzJSGF(f *testing.F) {
	for _, s := range []string{"turn on the light", "set 5 timers", "a|b;<c>", "what's 007", "é9x", "''", "[unk]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, phrase string) {
		for _, w := range Words(phrase) {
			if w == "" || strings.ContainsAny(w, " \t\n;|<>()[]{}*+=/\"#") {
				t.Fatalf("Words(%q) produced unsafe token %q", phrase, w)
			}
		}
		g, kept, _, err := JSGF([]string{phrase, "stop"}, acceptAll{})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(g, "|")-1 != len(kept)-1 || strings.Count(g, ";") != 4 {
			t.Fatalf("phrase %q broke the grammar:\n%s", phrase, g)
		}
	})
}

type acceptAll struct{}

func (acceptAll) Has(string) bool { return true }
