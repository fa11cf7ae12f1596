package firmware

import (
	"context"
	"errors"
	"net"
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
	var sd systemd
	if err := sd.ready(); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "READY=1" {
		t.Errorf("got %q, want READY=1", got)
	}
	if err := sd.stopping(); err != nil {
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
		done <- systemd{}.keepAlive(ctx, ticks, func() error { i++; return health[i-1] })
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
		got, err := systemd{}.watchdogInterval()
		if err != nil || got != tt.want {
			t.Errorf("WATCHDOG_USEC=%q: got %v, %v; want %v", tt.usec, got, err, tt.want)
		}
	}
}

func TestSystemdSilentOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := (systemd{}).ready(); err != nil {
		t.Errorf("ready without NOTIFY_SOCKET: %v", err)
	}
}
