package mqtt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Every wait in these tests ends after waitLimit: long enough for a loaded
// machine, short enough to fail a hung test quickly.
const waitLimit = 10 * time.Second

const (
	harkUser, harkPass   = "hark", "hark-secret"
	watchUser, watchPass = "watcher", "watcher-secret"
)

// testBroker is a real Mosquitto on a free loopback port, with
// authentication on and persistence off.
type testBroker struct {
	t      testing.TB
	dir    string
	port   int
	bin    string
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	log    *lockedBuffer
}

// findTool finds a Mosquitto program, failing the test with what to do when
// it is missing: these tests must not pass by skipping.
func findTool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s is not installed: run scripts/setup-mqtt (it installs the Debian packages mosquitto and mosquitto-clients)", name)
	return ""
}

// startBroker starts Mosquitto and stops it when the test ends.
func startBroker(t testing.TB) *testBroker {
	t.Helper()
	return startBrokerWith(t, "")
}

// startBrokerWith starts Mosquitto with extra lines for its listener.
func startBrokerWith(t testing.TB, listener string) *testBroker {
	t.Helper()
	b := &testBroker{t: t, dir: t.TempDir(), bin: findTool(t, "mosquitto"), log: &lockedBuffer{}}
	b.setUsers(t, [2]string{harkUser, harkPass}, [2]string{watchUser, watchPass})
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.kill()
		if t.Failed() {
			t.Logf("mosquitto log:\n%s", b.log.String())
		}
	})
	for attempt := 0; ; attempt++ {
		b.port = freePort(t)
		conf := fmt.Sprintf(`listener %d 127.0.0.1
%s
allow_anonymous false
password_file %s
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
set_tcp_nodelay true
user %s
`, b.port, listener, filepath.Join(b.dir, "passwd"), me.Username)
		if err := os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := b.start(); err == nil {
			return b
		} else if attempt == 2 { // the free port may have been taken meanwhile: try others
			t.Fatalf("mosquitto did not start: %v\n%s", err, b.log.String())
		}
	}
}

// setUsers rewrites the password file with mosquitto_passwd. A running
// broker reads it again on SIGHUP.
func (b *testBroker) setUsers(t testing.TB, users ...[2]string) {
	t.Helper()
	tool := findTool(t, "mosquitto_passwd")
	file := filepath.Join(b.dir, "passwd")
	os.Remove(file)
	for i, u := range users {
		args := []string{"-b", file, u[0], u[1]}
		if i == 0 {
			args = append([]string{"-c"}, args...)
		}
		if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_passwd: %v\n%s", err, out)
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start starts Mosquitto on b.port and waits until it accepts connections.
func (b *testBroker) start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	cmd := exec.Command(b.bin, "-c", filepath.Join(b.dir, "mosquitto.conf"))
	cmd.Stdout, cmd.Stderr = b.log, b.log
	// A test binary that dies (a timeout, ^C) takes its broker with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	b.cmd, b.exited = cmd, exited
	deadline := time.Now().Add(waitLimit)
	for {
		c, err := net.DialTimeout("tcp", b.addr(), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("mosquitto exited: %v", cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("mosquitto not listening on %s after %s", b.addr(), waitLimit)
		}
	}
}

// restart starts Mosquitto again on the same port.
func (b *testBroker) restart() {
	b.t.Helper()
	if err := b.start(); err != nil {
		b.t.Fatalf("restarting mosquitto: %v\n%s", err, b.log.String())
	}
}

// kill stops Mosquitto at once, as a crash would.
func (b *testBroker) kill() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Kill()
	<-b.exited
	b.cmd = nil
}

// reload makes Mosquitto read its password file again.
func (b *testBroker) reload() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		b.t.Fatal(err)
	}
}

func (b *testBroker) addr() string { return fmt.Sprintf("127.0.0.1:%d", b.port) }
func (b *testBroker) url() string  { return "mqtt://" + b.addr() }

// config is a client config for this broker, with a password file.
func (b *testBroker) config(t testing.TB, device string) Config {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte(harkPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return Config{Broker: b.url(), Username: harkUser, PasswordFile: pw, DeviceID: device}
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

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

// watcher is a test's own MQTT client, connecting as the watcher user. It
// keeps every message it receives and subscribes again after reconnecting.
type watcher struct {
	c          paho.Client
	mu         sync.Mutex
	got        []received
	notify     chan struct{}
	subscribed chan struct{}
}

type received struct {
	topic, payload string
	retained       bool
	at             time.Time
}

func watch(t testing.TB, b *testBroker, filters ...string) *watcher {
	t.Helper()
	w := &watcher{notify: make(chan struct{}, 1), subscribed: make(chan struct{}, 10)}
	subs := map[string]byte{}
	for _, f := range filters {
		subs[f] = 1
	}
	o := paho.NewClientOptions().AddBroker("tcp://" + b.addr()).
		SetClientID(fmt.Sprintf("watcher-%d", time.Now().UnixNano())).
		SetUsername(watchUser).SetPassword(watchPass).
		SetCleanSession(true).
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).
		SetConnectTimeout(waitLimit).
		SetOnConnectHandler(func(c paho.Client) {
			// Paho calls this on its own goroutine; waiting here is allowed.
			if tok := c.SubscribeMultiple(subs, w.handle); tok.WaitTimeout(waitLimit) && tok.Error() == nil {
				w.subscribed <- struct{}{}
			}
		})
	w.c = paho.NewClient(o)
	if tok := w.c.Connect(); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("watcher connect: %v", tok.Error())
	}
	t.Cleanup(func() { w.c.Disconnect(250) })
	w.waitSubscribed(t)
	return w
}

func (w *watcher) waitSubscribed(t testing.TB) {
	t.Helper()
	select {
	case <-w.subscribed:
	case <-time.After(waitLimit):
		t.Fatalf("watcher not subscribed within %s", waitLimit)
	}
}

func (w *watcher) handle(_ paho.Client, m paho.Message) {
	w.mu.Lock()
	w.got = append(w.got, received{m.Topic(), string(m.Payload()), m.Retained(), time.Now()})
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// waitFor returns the first message received, from the start, that
// matches.
func (w *watcher) waitFor(t testing.TB, what string, match func(received) bool) received {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		w.mu.Lock()
		for _, m := range w.got {
			if match(m) {
				w.mu.Unlock()
				return m
			}
		}
		w.mu.Unlock()
		select {
		case <-w.notify:
		case <-deadline:
			t.Fatalf("watcher: no %s within %s; got:\n%s", what, waitLimit, w.dump())
		}
	}
}

func (w *watcher) waitPayload(t testing.TB, topic, payload string) received {
	t.Helper()
	return w.waitFor(t, fmt.Sprintf("%q on %s", payload, topic), func(m received) bool {
		return m.topic == topic && m.payload == payload
	})
}

func (w *watcher) all() []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.got)
}

func (w *watcher) on(topic string) []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ms []received
	for _, m := range w.got {
		if m.topic == topic {
			ms = append(ms, m)
		}
	}
	return ms
}

func (w *watcher) dump() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, m := range w.got {
		fmt.Fprintf(&b, "  %s retained=%v %.200q\n", m.topic, m.retained, m.payload)
	}
	return b.String()
}

// publish sends a message as the watcher user and waits for the broker.
func (w *watcher) publish(t testing.TB, topic, payload string, retain bool) {
	t.Helper()
	tok := w.c.Publish(topic, 1, retain, payload)
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}
