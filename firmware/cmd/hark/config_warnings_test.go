package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckWarnings: hark config check prints each warning as
// file:line: key: warning: ... and still exits 0 when there are only
// warnings; a template of Home Assistant's syntax draws none.
func TestConfigCheckWarnings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hark.yaml")
	src := fmt.Sprintf(`recognizer:
  model: %s
commands:
  - pattern: "turn on [the] light"
    say: ok
  - template: "turn off [the] light"
    say: ok
`, dir)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"config", "check", path}, &stdout, &stderr)
	want := path + `:4: commands[0].pattern: warning: pattern "turn on [the] light": in Hark's syntax [ ] are punctuation and dropped`
	if code != exitOK || !strings.Contains(stdout.String(), "hark.yaml: ok") || !strings.HasPrefix(stderr.String(), want) ||
		strings.Count(stderr.String(), "warning:") != 1 {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d and a warning %q", code, stdout.String(), stderr.String(), exitOK, want)
	}
}
