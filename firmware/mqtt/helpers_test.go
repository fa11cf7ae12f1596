package mqtt

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/internal/logbuf"
	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

// Every wait in these tests ends after waitLimit: long enough for a loaded
// machine, short enough to fail a hung test quickly.
const waitLimit = 10 * time.Second

// configFor is a client config for the broker's generated user.
func configFor(b *mqtttest.Broker, device string) Config {
	name, pw := b.User()
	return Config{Broker: b.URL(), Username: name, PasswordFile: pw, DeviceID: device}
}

// clientUser is the broker's generated user, {name, password}, for
// SetUsers.
func clientUser(t testing.TB, b *mqtttest.Broker) [2]string {
	t.Helper()
	name, file := b.User()
	pw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return [2]string{name, strings.TrimSuffix(string(pw), "\n")}
}

// lockedBuffer is a log the test reads while the code under test writes it.
type lockedBuffer = logbuf.Buffer

// testLogger collects a client's log, shown when the test fails.
func testLogger(t testing.TB) *slog.Logger {
	buf := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client log:\n%s", buf.String())
		}
	})
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakeInputs records the calls a Client makes.
type fakeInputs struct{ calls chan string }

func newInputs() *fakeInputs { return &fakeInputs{calls: make(chan string, 100)} }

func (f *fakeInputs) record(s string) {
	select {
	case f.calls <- s:
	default: // a test that lets 100 pile up fails on what it expects anyway
	}
}
func (f *fakeInputs) Say(text string)       { f.record("say:" + text) }
func (f *fakeInputs) Utterance(text string) { f.record("utterance:" + text) }
func (f *fakeInputs) SetMuted(m bool)       { f.record(fmt.Sprintf("mute:%v", m)) }
func (f *fakeInputs) Listen()               { f.record("listen") }

func (f *fakeInputs) next(t testing.TB) string {
	t.Helper()
	select {
	case s := <-f.calls:
		return s
	case <-time.After(waitLimit):
		t.Fatalf("no call on Inputs within %s", waitLimit)
		return ""
	}
}

// running is a Client whose Run goroutine the test owns.
type running struct {
	*Client
	in     *fakeInputs
	cancel context.CancelFunc
	done   chan error
}

// runClient starts a client's Run; stop (also called at cleanup) joins it.
func runClient(t testing.TB, cfg Config) *running {
	t.Helper()
	in := newInputs()
	c, err := New(cfg, in, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Client: c, in: in, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- c.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok && err != nil {
			t.Errorf("Run: %v", err)
		}
		if ok {
			close(r.done)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Run did not return within %s of cancel", waitLimit)
	}
}

// waitUntil polls cond, failing the test after waitLimit.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s", waitLimit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// watcher is the test's view of what the client publishes: a Subscription
// whose waits fail the test after waitLimit.
type watcher struct{ *mqtttest.Subscription }

func watch(t testing.TB, b *mqtttest.Broker, filters ...string) watcher {
	t.Helper()
	return watcher{b.Subscribe(t, filters...)}
}

// waitFor returns the oldest message that matches, of those it and
// waitPayload have not returned yet.
func (w watcher) waitFor(t testing.TB, what string, match func(mqtttest.Message) bool) mqtttest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	m, err := w.Wait(ctx, match)
	if err != nil {
		t.Fatalf("watcher: no %s: %v", what, err)
	}
	return m
}

func (w watcher) waitPayload(t testing.TB, topic, payload string) mqtttest.Message {
	t.Helper()
	return w.waitFor(t, fmt.Sprintf("%q on %s", payload, topic), mqtttest.Payload(topic, payload))
}

// on is every message received on topic.
func (w watcher) on(topic string) []mqtttest.Message {
	var ms []mqtttest.Message
	for _, m := range w.Messages() {
		if m.Topic == topic {
			ms = append(ms, m)
		}
	}
	return ms
}

func (w watcher) dump() string {
	var b strings.Builder
	for _, m := range w.Messages() {
		fmt.Fprintf(&b, "  %s\n", m)
	}
	return b.String()
}
