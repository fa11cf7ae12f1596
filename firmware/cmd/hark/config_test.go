package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, fmt.Appendf(nil, "recognizer:\n  model: %s\n", dir), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, fmt.Appendf(nil, "recognizer:\n  model: %s\nbutton:\n  pin: GPIO99\n", dir), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("#\n"), 1<<19+1), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{[]string{"config", "check", good}, exitOK, "good.yaml: ok", ""},
		{[]string{"config", "check", bad}, exitConfig, "", "bad.yaml:4: button.pin: GPIO99 is not on the Raspberry Pi header"},
		{[]string{"config", "check", filepath.Join(dir, "absent.yaml")}, exitConfig, "", "no such file"},
		{[]string{"config", "check", "/dev/null"}, exitConfig, "", "/dev/null is a character device, not a regular file"},
		{[]string{"config", "check", huge}, exitConfig, "", "huge.yaml is larger than 1 MiB"},
		{[]string{"config"}, exitUsage, "", "usage: hark config check"},
		{[]string{"config", "lint"}, exitUsage, "", "usage: hark config check"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stdout.String(), tt.wantStdout) || !stderrMatches(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout.String(), stderr.String(), tt.code, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// TestConfigExitStatusDocumented: the status a bad configuration exits
// with is the one the systemd unit does not restart on, and the one the
// README gives (it once said 2, which Go itself exits with on a panic).
func TestConfigExitStatusDocumented(t *testing.T) {
	unit, err := os.ReadFile("../../hark.service")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RestartPreventExitStatus=(\d+)$`).FindSubmatch(unit)
	if m == nil || string(m[1]) != strconv.Itoa(exitConfig) {
		t.Errorf("hark.service: RestartPreventExitStatus %q, want %d", m, exitConfig)
	}
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Every sentence about a bad configuration or config check that gives
	// an exit status.
	said := regexp.MustCompile(`(?:configuration|config check)[^.]*?\bexit(?:s with status)? (\d+)`).FindAllSubmatch(readme, -1)
	if len(said) == 0 {
		t.Fatal("README.md gives no exit status for a bad configuration")
	}
	for _, m := range said {
		if string(m[1]) != strconv.Itoa(exitConfig) {
			t.Errorf("README.md: %q, want exit %d", m[0], exitConfig)
		}
	}
}
