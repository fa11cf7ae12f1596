package speech

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeScript(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestCommandPlayerSendsWAV(t *testing.T) {
	out := filepath.Join(t.TempDir(), "played.wav")
	a := Audio{PCM: []byte{1, 0, 2, 0, 3, 0}, SampleRate: 16000}
	if err := (CommandPlayer{Path: "sh", Args: []string{"-c", `cat > "$0"`, out}}).Play(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseWAV(data)
	if err != nil || string(got.PCM) != string(a.PCM) || got.SampleRate != a.SampleRate {
		t.Errorf("player got %+v, %v; want %+v", got, err, a)
	}
}

func TestCommandPlayerFailure(t *testing.T) {
	err := CommandPlayer{Path: "sh", Args: []string{"-c", "echo no device >&2; exit 1"}}.Play(context.Background(), Audio{SampleRate: 16000})
	if err == nil || !strings.Contains(err.Error(), "player sh") || !strings.Contains(err.Error(), "no device") {
		t.Errorf("err = %v, want it to name the player and carry its stderr", err)
	}
}

// The player runs a shell whose child sleeps; cancelling must kill both,
// or Play would wait a minute for the sleep.
func TestCommandPlayerCancel(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "started")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- CommandPlayer{Path: "sh", Args: []string{"-c", `cat >/dev/null; echo up > "$0"; sleep 60; echo`, fifo}}.Play(ctx, Audio{PCM: make([]byte, 1000), SampleRate: 16000})
	}()
	up := make(chan error, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the player is up
		if err == nil {
			// Read its "up" to the end: closing before the shell wrote it
			// would kill the shell with SIGPIPE, not the cancel.
			_, err = io.ReadAll(f)
			f.Close()
		}
		up <- err
	}()
	if err := recv(t, up, "player up"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := recv(t, done, "return from the cancelled Play"); !errors.Is(err, context.Canceled) {
		t.Errorf("Play = %v, want context.Canceled", err)
	}
}
