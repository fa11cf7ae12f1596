package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args     []string
		code     int
		graph    string // file that must exist afterwards
		inStderr string // "" means stderr stays empty
	}{
		{[]string{filepath.Join(dir, "open")}, 0, filepath.Join(dir, "open", "graph", "HCLG.fst"), ""},
		{[]string{"-grammar", filepath.Join(dir, "grammar")}, 0, filepath.Join(dir, "grammar", "graph", "Gr.fst"), ""},
		{[]string{"-grammar", filepath.Join(dir, "open")}, 1, "", "HCLG.fst already exists"},
		{nil, 2, "", "usage"},
		{[]string{"a", "b"}, 2, "", "usage"},
		{[]string{"-bogus", "x"}, 2, "", "bogus"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if code := run(tt.args, &stderr); code != tt.code {
			t.Errorf("run(%q) = %d, want %d; stderr %q", tt.args, code, tt.code, stderr.String())
		}
		if tt.graph != "" {
			if _, err := os.Stat(tt.graph); err != nil {
				t.Errorf("run(%q): %v", tt.args, err)
			}
		}
		// Contains with "" would accept anything: a success must be silent.
		if tt.inStderr == "" && stderr.Len() != 0 || !strings.Contains(stderr.String(), tt.inStderr) {
			t.Errorf("run(%q): stderr %q, want %q", tt.args, stderr.String(), tt.inStderr)
		}
	}
}
