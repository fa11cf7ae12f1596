package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testPatterns = `# lights and clocks
light = turn (on|off) the $room:Word? light
time  = what time is it

volume = set (the)? volume to $level:Number
`

func writePatterns(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "patterns.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMatchCommand(t *testing.T) {
	file := writePatterns(t, testPatterns)
	bad := writePatterns(t, "ok = hello\nbroken = turn (on the light\n")
	noEquals := writePatterns(t, "just words\n")
	badConfig := writePatterns(t, "commands:\n  - name: x\n    pattern: hello\n    sya: hi\n")
	// As in the configuration, a pattern is at most 4096 characters.
	longest := writePatterns(t, "# at the limit\nlongest = "+strings.Repeat("é", 4096)+"\n")
	tooLong := writePatterns(t, "# past the limit\ntoo_long = "+strings.Repeat("é", 4097)+"\n")
	german := writePatterns(t, "language: de\ncommands:\n  - name: licht\n    pattern: schalte das licht $state:(an=1|aus=0)\n    say: ok\n")
	french := writePatterns(t, "language: fr\n")
	noLanguage := writePatterns(t, "language: xx\n")
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStdout string // exact, when the command succeeds or finds nothing
		wantStderr string
	}{
		{"inline", []string{"--pattern", "light=turn on the $room:Word light", "turn on the kitchen light"}, exitOK,
			`[{"command":"light","text":"turn on the kitchen light","params":{"room":"kitchen"}}]` + "\n", ""},
		{"file, several commands in order", []string{"--patterns", file, "what time is it and turn off the Hall light"}, exitOK,
			`[{"command":"time","text":"what time is it","params":{}},{"command":"light","text":"turn off the Hall light","params":{"room":"Hall"}}]` + "\n", ""},
		{"number as JSON number", []string{"--patterns", file, "set", "volume", "to", "twenty", "five"}, exitOK,
			`[{"command":"volume","text":"set volume to twenty five","params":{"level":25}}]` + "\n", ""},
		{"file and inline", []string{"--patterns", file, "--pattern", "hi=hello", "hello, what time is it"}, exitOK,
			`[{"command":"hi","text":"hello","params":{}},{"command":"time","text":"what time is it","params":{}}]` + "\n", ""},
		{"nothing matched", []string{"--patterns", file, "make me a sandwich"}, exitFailure, "[]\n", ""},
		{"bad pattern", []string{"--pattern", "x=set $n:Colour", "set red"}, exitUsage, "",
			`--pattern: command x: pattern "set $n:Colour": position 7: unknown type Colour`},
		{"bad pattern in file", []string{"--patterns", bad, "hello"}, exitUsage, "",
			`patterns.txt:2: command broken: pattern "turn (on the light": position 5: unbalanced '('`},
		{"line without =", []string{"--patterns", noEquals, "hello"}, exitUsage, "", `patterns.txt:1: want NAME = PATTERN`},
		{"inline without =", []string{"--pattern", "hello", "hello"}, exitUsage, "", `--pattern "hello": want NAME=PATTERN`},
		{"duplicate pattern", []string{"--pattern", "a=hello", "--pattern", "b=hello", "hello"}, exitUsage, "", "same pattern"},
		{"no patterns", []string{"hello"}, exitUsage, "", "no patterns"},
		{"no text", []string{"--pattern", "a=hello"}, exitUsage, "", "no TEXT"},
		{"longest pattern", []string{"--patterns", longest, "hello"}, exitFailure, "[]\n", ""},
		{"pattern too long in file", []string{"--patterns", tooLong, "hello"}, exitUsage, "",
			"patterns.txt:2: command too_long: the pattern is 4097 characters long; at most 4096"},
		{"pattern too long inline", []string{"--pattern", "x=" + strings.Repeat("é", 4097), "hello"}, exitUsage, "",
			"--pattern: command x: the pattern is 4097 characters long; at most 4096"},
		{"missing file", []string{"--patterns", "/nonexistent/p.txt", "hello"}, exitUsage, "", "/nonexistent/p.txt"},
		{"bad flag", []string{"--frob", "hello"}, exitUsage, "", "flag provided but not defined"},
		// The example configuration names a Vosk model this machine need
		// not have: matching does not use it.
		{"config whose model is absent", []string{"--config", "../../hark.yaml", "what time is it"}, exitOK,
			`[{"command":"time","text":"what time is it","params":{}}]` + "\n", ""},
		{"bad config", []string{"--config", badConfig, "hello"}, exitUsage, "", "patterns.txt:4: commands[0].sya"},
		// language: picks the built-ins, numbers and joiners.
		{"german built-ins, numbers and joiners", []string{"--config", german, "stelle einen timer auf fünfundzwanzig minuten und schalte das licht aus"}, exitOK,
			`[{"command":"timer","text":"stelle einen timer auf fünfundzwanzig minuten","params":{"amount":25,"unit":60000000000}},{"command":"licht","text":"schalte das licht aus","params":{"state":"0"}}]` + "\n", ""},
		{"french built-ins", []string{"--config", french, "quelle heure est-il puis mets un minuteur de quatre-vingt-dix secondes"}, exitOK,
			`[{"command":"time","text":"quelle heure est-il","params":{}},{"command":"timer","text":"mets un minuteur de quatre-vingt-dix secondes","params":{"amount":90,"unit":1000000000}}]` + "\n", ""},
		{"unknown language", []string{"--config", noLanguage, "hello"}, exitUsage, "", "patterns.txt:1: language: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"match"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if stdout.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
			if !stderrMatches(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestGrammarCommand(t *testing.T) {
	file := writePatterns(t, "light = turn (on|off) the (kitchen|hall) light\ntime = what time is it\n")
	open := writePatterns(t, "note = note $text:String\n")
	tests := []struct {
		name    string
		args    []string
		code    int
		phrases []string // must all be listed
		open    bool
	}{
		{"closed", []string{"--patterns", file}, exitOK, []string{"turn on the kitchen light", "turn off the hall light", "what time is it", "repeat that"}, false},
		{"open slot", []string{"--patterns", open}, exitOK, []string{"repeat that"}, true},
		{"command over the limit", []string{"--patterns", file, "--limit", "3"}, exitOK, []string{"what time is it"}, false},
		{"bad file", []string{"--patterns", "/nonexistent"}, exitUsage, nil, false},
		{"stray argument", []string{"--patterns", file, "extra"}, exitUsage, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"grammar"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit code = %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if code != exitOK {
				return
			}
			var g struct {
				Phrases, Words []string
				Open           bool
				OpenCommands   []string `json:"open_commands"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &g); err != nil {
				t.Fatalf("output %q: %v", stdout.String(), err)
			}
			for _, p := range tt.phrases {
				if !strings.Contains("\n"+strings.Join(g.Phrases, "\n")+"\n", "\n"+p+"\n") {
					t.Errorf("phrases %q lack %q", g.Phrases, p)
				}
			}
			if g.Open != tt.open {
				t.Errorf("open = %v, want %v", g.Open, tt.open)
			}
			wantOpen := map[string]string{"open slot": "note", "command over the limit": "light"}[tt.name]
			if (wantOpen == "") != (len(g.OpenCommands) == 0) || (wantOpen != "" && !slices.Contains(g.OpenCommands, wantOpen)) {
				t.Errorf("open commands %q, want %q among them", g.OpenCommands, wantOpen)
			}
		})
	}
}
