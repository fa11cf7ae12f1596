//go:build !nopocketsphinx

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// TestPocketsphinxWithoutModel: `recognizer.engine: pocketsphinx` and no
// model, as the README tells Pi Zero users to write, is checked and decoded
// with Debian's en-us model. It once took the Vosk model's path: config
// check refused it and transcribe failed.
func TestPocketsphinxWithoutModel(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "hark.yaml")
	if err := os.WriteFile(cfg, []byte("recognizer:\n  engine: pocketsphinx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"config", "check", cfg}, &stdout, &stderr)
	if want := "ok (pocketsphinx, model " + pocketsphinx.DefaultModelDir + ","; code != exitOK || !strings.Contains(stdout.String(), want) {
		t.Errorf("config check: exit %d, stdout %q, stderr %q; want %d and %q", code, stdout.String(), stderr.String(), exitOK, want)
	}
	code, out, errs := transcribe(t, "--config", cfg, espeakWAV(t, "what time is it"))
	if code != exitOK || out.Text != "what time is it" || out.Engine != "pocketsphinx" {
		t.Errorf("transcribe: exit %d, %+v, stderr %q; want \"what time is it\" from pocketsphinx", code, out, errs)
	}
}
