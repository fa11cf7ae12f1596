package firmware

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fakeNotifySocket listens where NOTIFY_SOCKET points and returns a
// function reading the next datagram.
func fakeNotifySocket(t *testing.T) func() string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return func() string {
		buf := make([]byte, 256)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	}
}

func TestSystemdReadyAndStopping(t *testing.T) {
	next := fakeNotifySocket(t)
	if err := notifyReady(); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "READY=1" {
		t.Errorf("got %q, want READY=1", got)
	}
	if err := notifyStopping(); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "STOPPING=1" {
		t.Errorf("got %q, want STOPPING=1", got)
	}
}

func TestSystemdKeepAliveWithheldWhileUnhealthy(t *testing.T) {
	next := fakeNotifySocket(t)
	blocked := errors.New("main loop blocked")
	health := []error{nil, blocked, blocked, blocked, nil, nil}
	ticks := make(chan time.Time)
	i := 0
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- sendKeepAlives(ctx, ticks, func() error { i++; return health[i-1] }, slog.New(slog.DiscardHandler))
	}()
	for range health {
		ticks <- time.Time{}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Datagrams on a unix socket keep their order; three unhealthy ticks
	// must have sent no WATCHDOG=1 between the two status lines.
	want := []string{"WATCHDOG=1", "STATUS=unhealthy: main loop blocked", "STATUS=running", "WATCHDOG=1", "WATCHDOG=1"}
	var got []string
	for range want {
		got = append(got, next())
	}
	if !slices.Equal(got, want) {
		t.Errorf("datagrams = %q, want %q", got, want)
	}
}

func TestSystemdWatchdogInterval(t *testing.T) {
	tests := []struct {
		usec string
		want time.Duration
	}{
		{"", 0},
		{"10000000", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Setenv("WATCHDOG_USEC", tt.usec)
		t.Setenv("WATCHDOG_PID", "")
		got, err := watchdogInterval()
		if err != nil || got != tt.want {
			t.Errorf("WATCHDOG_USEC=%q: got %v, %v; want %v", tt.usec, got, err, tt.want)
		}
	}
}

func TestSystemdSilentOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := notifyReady(); err != nil {
		t.Errorf("ready without NOTIFY_SOCKET: %v", err)
	}
}

// TestSystemdKeepAliveSurvivesAFailedNotify: a notify that fails (here the
// socket is not there yet) is retried at the next tick; keep-alives once
// stopped for good at the first failure, and systemd then killed a healthy
// Hark.
func TestSystemdKeepAliveSurvivesAFailedNotify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify")
	t.Setenv("NOTIFY_SOCKET", path) // nothing listens yet: sending fails
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	logged := &signalWriter{wrote: make(chan struct{}, 8)}
	log := slog.New(slog.NewTextHandler(logged, nil))
	go func() { done <- sendKeepAlives(ctx, ticks, func() error { return nil }, log) }()
	tick := func() {
		select {
		case ticks <- time.Time{}:
		case err := <-done:
			t.Fatalf("keep-alive stopped: %v", err)
		case <-time.After(5 * time.Second):
			t.Fatal("keep-alive did not take the tick")
		}
	}
	tick()
	select { // the failure is logged: the notify has been tried
	case <-logged.wrote:
	case err := <-done:
		t.Fatalf("keep-alive stopped at the first failed notify: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the failed notify was not logged")
	}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tick()
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != "WATCHDOG=1" {
		t.Fatalf("after a failed notify: read %q, %v; want WATCHDOG=1", buf[:n], err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logged.buf.Bytes(), []byte("systemd notify failed")) {
		t.Errorf("the failure was not logged: %s", &logged.buf)
	}
	_ = os.Remove(path)
}

// signalWriter keeps what is written and signals each write.
type signalWriter struct {
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}
