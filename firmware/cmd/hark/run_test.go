package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	// good is a valid configuration whose model directory holds no model:
	// the WAV file is refused before the model is loaded.
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, fmt.Appendf(nil, "recognizer:\n  model: %s\nled:\n  backend: terminal\n", dir), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.wav")
	if err := os.WriteFile(garbage, []byte("not a wav"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Configuration problems exit with exitConfig, which the systemd unit
	// does not restart on; bad flags and input files with exitUsage.
	tests := []struct {
		args       []string
		code       int
		wantStderr string
	}{
		{[]string{"run", "--config", bad}, exitConfig, "bad.yaml:4: led.backend: \"neon\" is not one of gpio, apa102, terminal"},
		{[]string{"run", "--config", good, "--wav", garbage}, exitUsage, "WAV file " + garbage + ": truncated"},
		{[]string{"run", "--config", good, "--wav", filepath.Join(dir, "absent.wav")}, exitUsage, "absent.wav: no such file"},
		{[]string{"run", "--config", good, "--mic-wav", garbage}, exitUsage, "hark: --mic-wav: WAV file " + garbage + ": truncated"},
		{[]string{"run", "--sim", "--config", good, "--mic-wav", filepath.Join(dir, "absent.wav")}, exitUsage, "absent.wav: no such file"},
		{[]string{"run", "--config", good, "--wav", garbage, "--mic-wav", garbage}, exitUsage, "--wav and --mic-wav do not go together"},
		{[]string{"run", "--config", filepath.Join(dir, "absent.yaml")}, exitConfig, "no such file"},
		{[]string{"run", "--config", good}, exitConfig, dir}, // a model directory without a model
		{[]string{"run", "--frobnicate"}, exitUsage, "flag provided but not defined"},
		{[]string{"run", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"selftest", "--config", bad}, exitConfig, "led.backend"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.wantStderr)
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

// TestRunOverWAV runs `hark run --wav` end to end with the Vosk test model:
// the tone for "on" matches a declared command, its output is the answer,
// and the answer is spoken through the configured player.
func TestRunOverWAV(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	played := filepath.Join(dir, "played.wav")
	config := filepath.Join(dir, "hark.yaml")
	src := fmt.Sprintf(`recognizer:
  model: %s
led:
  backend: terminal
speech:
  player: [/bin/sh, -c, "cat > %s"]
commands:
  - name: switch
    pattern: "on"
    run: [/bin/echo, switched]
`, model, played)
	if err := os.WriteFile(config, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--config", config, "--wav", writeWAV(t, testmodel.Utterance("on"))}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, &stderr)
	}
	for _, want := range []string{`command=switch status=success text=switched`, `commands=[switch] outcome=idle`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, &stderr)
		}
	}
	wav, err := os.ReadFile(played)
	if err != nil || !bytes.HasPrefix(wav, []byte("RIFF")) {
		t.Errorf("the player got no WAV (%v): % x", err, wav[:min(len(wav), 16)])
	}
}

// TestRunSimOutOfTheBox: on a fresh clone (no configuration file, no Vosk
// model installed) `hark run --sim` runs, with the defaults and
// PocketSphinx, until it is stopped; it once exited 2.
func TestRunSimOutOfTheBox(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./hark.yaml
	if _, err := os.Stat("/etc/hark/hark.yaml"); err == nil {
		t.Fatal("this machine has /etc/hark/hark.yaml: the test needs a machine without one")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"run", "--sim"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, &stderr)
	}
	for _, want := range []string{"running with the defaults and PocketSphinx", "hark running"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, &stderr)
		}
	}
}
