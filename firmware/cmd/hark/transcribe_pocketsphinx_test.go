//go:build !nopocketsphinx

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// espeakWAV speaks text into a WAV file with espeak-ng (22 kHz; transcribe
// resamples it).
func espeakWAV(t *testing.T, text string) string {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatalf("espeak-ng not found (%v): run `make setup`", err)
	}
	path := filepath.Join(t.TempDir(), "said.wav")
	if out, err := exec.Command("espeak-ng", "-w", path, text).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v\n%s", err, out)
	}
	return path
}

func TestTranscribePocketSphinx(t *testing.T) {
	patterns := writePatterns(t, "my_light = turn on the kitchen light\nmy_timer = set a timer for five minutes\nmy_repeat = repeat that\nmy_help = what can i say\n")
	tests := []struct {
		said string
		args []string
	}{
		{"set a timer for five minutes", []string{"--patterns", patterns}},
		{"what can i say", []string{"--patterns", patterns}},
		{"turn on the kitchen light", []string{"--patterns", patterns, "--model", pocketsphinx.DefaultModelDir}},
	}
	for _, tt := range tests {
		t.Run(tt.said, func(t *testing.T) {
			args := append(append([]string{"--engine", "pocketsphinx"}, tt.args...), espeakWAV(t, tt.said))
			code, out, stderr := transcribe(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if out.Text != tt.said || out.Engine != "pocketsphinx" {
				t.Errorf("transcript = %+v, want %q from pocketsphinx", out, tt.said)
			}
		})
	}
}

func TestTranscribePocketSphinxBrokenModel(t *testing.T) {
	wav := espeakWAV(t, "stop")
	broken := filepath.Join(t.TempDir(), "model")
	if err := os.CopyFS(broken, os.DirFS(pocketsphinx.DefaultModelDir)); err != nil {
		t.Fatal(err)
	}
	sendump := filepath.Join(broken, "en-us", "sendump")
	if err := os.Truncate(sendump, 4096); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	for _, tt := range []struct{ model, want string }{{broken, sendump}, {missing, missing}} {
		code, _, stderr := transcribe(t, "--engine", "pocketsphinx", "--model", tt.model, wav)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("model %s: exit %d, stderr %q; want %d naming %s", tt.model, code, stderr, exitUsage, tt.want)
		}
	}
}

// TestTranscribeOpenCommand: with --config, an open command is heard as hark
// run hears it (the open pass on, as the configuration says), and not with
// recognizer.open_pass false.
func TestTranscribeOpenCommand(t *testing.T) {
	wav := espeakWAV(t, "take a note buy some milk")
	for _, openPass := range []bool{true, false} {
		cfg := filepath.Join(t.TempDir(), "hark.yaml")
		text := fmt.Sprintf("recognizer:\n  engine: pocketsphinx\n  model: \"\"\n  open_pass: %v\ncommands:\n  - name: note\n    pattern: \"take a note $what:String\"\n    say: Noted.\n", openPass)
		if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, stderr := transcribe(t, "--config", cfg, wav)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if heard := strings.HasPrefix(out.Text, "take a note "); heard != openPass {
			t.Errorf("open_pass %v: transcript %q", openPass, out.Text)
		}
	}
}
