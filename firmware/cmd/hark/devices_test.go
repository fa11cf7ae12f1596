package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDevices(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		wantStdout []string
		wantStderr string
	}{
		// The null backend works on any machine, sound card or not.
		{[]string{"devices", "-backend", "null"}, exitOK, []string{"Audio backend: null", "Capture devices", "0  NULL Capture Device", "Playback devices"}, ""},
		{[]string{"devices", "-backend", "bogus"}, exitUsage, nil, `unknown audio backend "bogus"`},
		{[]string{"devices", "extra"}, exitUsage, nil, "usage: hark devices"},
		{[]string{"devices", "-h"}, exitOK, nil, "-backend"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout = %q, want it to contain %q", stdout.String(), w)
				}
			}
			if !stderrMatches(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

// On the alsa backend, hark devices prints the ALSA names to paste into
// audio.device and speech.device, with their descriptions, as `arecord -L`
// lists them; the null backend has none.
func TestDevicesALSANames(t *testing.T) {
	home := t.TempDir()
	// A user PCM, and a default that works without a sound card.
	conf := `pcm.harktest { type file; slave.pcm "null"; file "/dev/null"; infile "/dev/zero"; format "raw"; hint { show on description "Hark test PCM" } }
pcm.!default { type file; slave.pcm "null"; file "/dev/null"; infile "/dev/zero"; format "raw" }
`
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"devices", "-backend", "alsa"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code = %d, want %d (stderr %q)", code, exitOK, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Audio backend: alsa",
		"ALSA capture devices (audio.device:",
		"ALSA playback devices (speech.device:",
		"  harktest\n      Hark test PCM\n",
		"Playback devices (speech.device:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout = %q, want it to contain %q", out, want)
		}
	}
	if n := strings.Count(out, "  harktest\n"); n != 2 {
		t.Errorf("harktest listed %d times, want once for capture and once for playback", n)
	}

	stdout.Reset()
	if code := run(context.Background(), []string{"devices", "-backend", "null"}, &stdout, &stderr); code != exitOK || strings.Contains(stdout.String(), "ALSA") {
		t.Errorf("null backend: exit %d, stdout %q; want no ALSA names", code, stdout.String())
	}
}
