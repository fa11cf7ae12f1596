package wyoming

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/internal/logbuf"
)

// syncBuffer is a log the test reads while the code under test writes it.
type syncBuffer = logbuf.Buffer

// A port taken by another program does not end Run (Hark would exit, and
// systemd restart it again and again): Run says so once and listens as
// soon as the port is free. Before, Run returned the error.
func TestRunWaitsForThePort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	s, err := New(Config{Listen: "tcp://" + taken.Addr().String()}, nopInputs{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.relisten = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	until := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			select {
			case err := <-done:
				t.Fatalf("Run returned %v while %s", err, what)
			case <-time.After(10 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("not %s within 10 s:\n%s", what, logs.String())
			}
		}
	}
	until("saying the port is taken", func() bool { return strings.Contains(logs.String(), "cannot listen") })
	time.Sleep(5 * s.relisten) // several tries fail meanwhile
	if n := strings.Count(logs.String(), "cannot listen"); n != 1 {
		t.Errorf("said %d times that it cannot listen, want once", n)
	}
	taken.Close()
	until("listening once the port is free", func() bool { return strings.Contains(logs.String(), "wyoming satellite listening") })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

type nopInputs struct{}

func (nopInputs) Announce(string)   {}
func (nopInputs) Transcript(string) {}
func (nopInputs) Timers(int)        {}
