package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateFixtures = flag.Bool("update", false, "rewrite the grammar fixtures of pipeline/pocketsphinx/testdata from the current code")

// grammarFixtures are the grammars pipeline/pocketsphinx's tests read, each
// the "rules" of `hark grammar --config` of a configuration beside it.
// pipeline may not import commands or firmware, so it gets them as files.
var grammarFixtures = []struct{ config, grammar string }{
	{"hark-de.yaml", "hark-grammar-de.json"},
	{"hark-fr.yaml", "hark-grammar-fr.json"},
}

// TestGrammarFixtures fails when a checked-in grammar fixture differs from
// what `hark grammar --config` exports today. To regenerate them:
//
//	go test ./firmware/cmd/hark -run TestGrammarFixtures -update
func TestGrammarFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "pipeline", "pocketsphinx", "testdata")
	for _, f := range grammarFixtures {
		t.Run(f.grammar, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runGrammar(context.Background(), []string{"--config", filepath.Join(dir, f.config)}, &stdout, &stderr); code != exitOK {
				t.Fatalf("hark grammar --config %s: exit %d\n%s", f.config, code, stderr.String())
			}
			var out struct {
				Rules json.RawMessage `json:"rules"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatalf("hark grammar printed no JSON: %v\n%s", err, stdout.String())
			}
			if len(out.Rules) == 0 || string(out.Rules) == "null" {
				t.Fatalf("hark grammar --config %s printed no rules:\n%s", f.config, stdout.String())
			}
			var want bytes.Buffer
			if err := json.Indent(&want, out.Rules, "", " "); err != nil {
				t.Fatal(err)
			}
			want.WriteByte('\n')
			path := filepath.Join(dir, f.grammar)
			if *updateFixtures {
				if err := os.WriteFile(path, want.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s is not the grammar `hark grammar --config %s` exports now; regenerate it with\n"+
					"\tgo test ./firmware/cmd/hark -run TestGrammarFixtures -update\n"+
					"and check pipeline/pocketsphinx's tests with it", path, f.config)
			}
		})
	}
}
