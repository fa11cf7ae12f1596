package main

import (
	"bytes"
	"context"
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
