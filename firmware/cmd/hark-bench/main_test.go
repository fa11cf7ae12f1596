package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunBench(t *testing.T) {
	noModel := t.TempDir()
	tests := []struct {
		args       []string
		code       int
		wantStdout []string
		wantStderr string
	}{
		{[]string{"--runs", "3", "--engine", "vosk", "--model", noModel}, exitOK,
			[]string{"release→command p50", "vosk/testmodel (tones)", "3/3", "skipped: no Vosk model in " + noModel}, ""},
		{[]string{"--accuracy", "--engine", "vosk", "--model", noModel}, exitOK,
			[]string{"vosk not measured: no Vosk speech model in " + noModel}, ""},
		{[]string{"--setting", "g-lw 6.5"}, exitUsage, nil, "--setting needs --accuracy"},
		{[]string{"--accuracy", "--setting", "lw 6.5"}, exitUsage, nil, `key "lw"`},
		{[]string{"--runs", "0"}, exitUsage, nil, "--runs 0"},
		{[]string{"--engine", "julius"}, exitUsage, nil, `--engine "julius"`},
		{[]string{"--runs", "many"}, exitUsage, nil, "invalid value"},
		{[]string{"extra"}, exitUsage, nil, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit code = %d, want %d; stderr %s", code, tt.code, &stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}
