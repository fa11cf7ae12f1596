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
