package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// TestRunRefusesBadInput: every refusal happens before any device is
// opened, with exit code 2.
func TestRunRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, fmt.Appendf(nil, "recognizer:\n  model: %s\nled:\n  backend: neon\n", dir), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		wantStderr string
	}{
		{[]string{"run", "--config", bad}, "bad.yaml:4: led.backend: \"neon\" is not one of gpio, apa102, terminal"},
		{[]string{"run", "--config", filepath.Join(dir, "absent.yaml")}, "no such file"},
		{[]string{"run", "--frobnicate"}, "flag provided but not defined"},
		{[]string{"run", "extra"}, `unexpected argument "extra"`},
		{[]string{"selftest", "--config", bad}, "led.backend"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), exitUsage, tt.wantStderr)
			}
		})
	}
}

// TestRunWithoutMicrophone: a microphone that cannot be opened at start
// fails `hark run` with exit 1 (the configuration is fine) and an error
// naming the device. The null backend needs no sound card; the Vosk test
// model stands in for a real one.
func TestRunWithoutMicrophone(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "hark.yaml")
	src := fmt.Sprintf("recognizer:\n  model: %s\naudio:\n  backend: \"null\"\n  device: USB mic\nled:\n  backend: terminal\n", model)
	if err := os.WriteFile(config, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--config", config}, &stdout, &stderr)
	want := `hark: cannot open the microphone, audio.device "USB mic" on audio.backend "null": no capture device named "USB mic"`
	if code != exitFailure || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), exitFailure, want)
	}
}

func TestSelfTestSimCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"selftest", "--sim"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
	}
	for _, check := range []string{"led", "audio", "model", "button", "watchdog"} {
		if !strings.Contains(stdout.String(), check) {
			t.Errorf("no %s row:\n%s", check, &stdout)
		}
	}
}
