package assistant

import (
	"context"
	"errors"
	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunDeclared(t *testing.T) {
	tests := []struct {
		name    string
		cmd     CommandConfig
		params  map[string]string
		want    string
		wantErr string
	}{
		{"output is the answer", CommandConfig{Run: []string{"/bin/echo", "{room}", "on"}}, map[string]string{"room": "kitchen"}, "kitchen on", ""},
		{"say with output", CommandConfig{Run: []string{"/bin/echo", " 42 "}, Say: Says{"{room} is at {output} percent"}}, map[string]string{"room": "hall"}, "hall is at 42 percent", ""},
		{"parameter with spaces stays one argument", CommandConfig{Run: []string{"/bin/sh", "-c", `printf '%s|' "$@"`, "sh", "{what}"}}, map[string]string{"what": "living room"}, "living room|", ""},
		{"no output, no say", CommandConfig{Run: []string{"/bin/true"}}, nil, "", ""},
		{"bad exit names status and stderr", CommandConfig{Name: "lights", Run: []string{"/bin/sh", "-c", "echo bulb gone >&2; exit 3"}}, nil, "", "lights: /bin/sh exited with status 3: bulb gone"},
		{"bad exit without stderr", CommandConfig{Name: "x", Run: []string{"/bin/false"}}, nil, "", "x: /bin/false exited with status 1"},
		{"program missing", CommandConfig{Name: "x", Run: []string{"/nonexistent/lights"}}, nil, "", "x: fork/exec /nonexistent/lights: no such file"},
		{"timeout kills the whole group", CommandConfig{Name: "slow", Run: []string{"/bin/sh", "-c", "sleep 30 & sleep 30; echo never"}, Timeout: 100 * time.Millisecond}, nil, "", "slow: /bin/sh timed out after 100ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cmd.Timeout == 0 {
				tt.cmd.Timeout = time.Minute
			}
			got, err := declared(context.Background(), tt.cmd, stringIntent(tt.params), nil, func(int) int { return 0 })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestRunDeclaredCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := runDeclared(ctx, CommandConfig{Run: []string{"/bin/sleep", "30"}, Timeout: time.Minute}, Intent{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestRunDeclaredCapsOutput(t *testing.T) {
	got, err := runDeclared(context.Background(), CommandConfig{Run: []string{"/bin/sh", "-c", "yes | head -c 100000"}, Timeout: time.Minute}, Intent{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > maxOutput {
		t.Errorf("kept %d bytes, want at most %d", len(got), maxOutput)
	}
}

// TestRunDeclaredTimeoutKillsGrandchildren: the timeout kills what the
// program started too, not only the program (a background child would
// otherwise run on, unseen).
func TestRunDeclaredTimeoutKillsGrandchildren(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	c := CommandConfig{Name: "slow", Run: []string{"/bin/sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"}, Timeout: 200 * time.Millisecond}
	if _, err := runDeclared(context.Background(), c, Intent{}); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	// Killed processes are reaped by init shortly after; give it seconds.
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the program's child %d still runs after the timeout", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeclaredDefaultsFromGo: a declared command built in Go with no
// timeout gets the default one, as from YAML (it once timed out "after 0s").
func TestDeclaredDefaultsFromGo(t *testing.T) {
	hark, err := NewTextAssistant(Config{Commands: []CommandConfig{
		{Pattern: "say hello", Run: []string{"/bin/echo", "hello"}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := hark.Say(ctx, "say hello")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "hello" || got[0].Command != "command 1" {
		t.Errorf("answers %+v, want command 1 saying hello", got)
	}
}

// stringIntent is an intent whose parameters are the given words.
func stringIntent(params map[string]string) Intent {
	p := commands.Params{}
	for k, v := range params {
		p[k] = pattern.Value{Type: pattern.TypeString, Text: v, Value: v}
	}
	return Intent{Command: "test", Text: "test", Params: p}
}
