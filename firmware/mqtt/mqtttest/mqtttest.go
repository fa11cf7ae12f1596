package mqtttest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

const (
	// startLimit bounds the wait for Mosquitto to accept connections.
	startLimit = 5 * time.Second
	// opLimit bounds each of the fixture's own MQTT operations (connect,
	// subscribe, publish) and a reload: long enough for a loaded machine
	// running -race, short enough to fail a hung test quickly.
	opLimit = 10 * time.Second
	// fixtureUser is the user Subscribe and Publish connect as.
	fixtureUser = "mqtttest"
	// clientUser is the generated user's name, for the code under test.
	clientUser = "hark"
)

// clientIDs numbers the fixture's clients, whose IDs must differ.
var clientIDs atomic.Uint64

// Broker is a Mosquitto process run for one test. Its methods may be called
// from any goroutine; those without a testing.TB fail the test given to
// Start, so call them from that test's goroutine.
type Broker struct {
	t       testing.TB
	dir     string
	port    int
	bin     string
	tls     *tls.Config // the fixture's clients' config; nil without TLS
	caFile  string
	logFile *os.File // Mosquitto's stdout and stderr, shown if the test fails

	clientPass  string // the generated user's password
	fixturePass string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	subs   []*Subscription // open, for Kill and Restart
	users  [][2]string     // as last given to SetUsers, for Restart

	pubMu sync.Mutex
	pub   paho.Client // Publish's client, connected on first use
}

// Start starts Mosquitto on a free port of 127.0.0.1, with authentication
// on and persistence off, and waits until it accepts connections. It is
// killed and its files removed when t ends; its log is shown if t failed.
// If Mosquitto is not installed, Start fails t saying how to install it.
func Start(t testing.TB) *Broker {
	t.Helper()
	return start(t, false)
}

// StartTLS is Start for a broker that speaks MQTT over TLS only, with a
// certificate for 127.0.0.1 from a CA made for it: URL is mqtts://… and
// CAFile names the CA's certificate.
func StartTLS(t testing.TB) *Broker {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withTLS bool) *Broker {
	t.Helper()
	b := &Broker{t: t, dir: t.TempDir(), bin: findTool(t, "mosquitto")}
	b.clientPass, b.fixturePass = rand.Text(), rand.Text()
	b.writePasswordFile(t, filepath.Join(b.dir, "client-password"), b.clientPass)
	b.SetUsers(t, [2]string{clientUser, b.clientPass})
	var err error
	if b.logFile, err = os.Create(filepath.Join(b.dir, "mosquitto.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.Kill()
		b.logFile.Close()
		if t.Failed() {
			t.Logf("mosquitto log:\n%s", b.log())
		}
	})
	var listener string
	if withTLS {
		listener = b.makeCertificates(t)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		b.port = freePort(t)
		// set_tcp_nodelay turns off Nagle's algorithm: with it, a small
		// packet (a PUBACK, a short PUBLISH) waits until the last one is
		// acknowledged, and the peer's delayed ACK makes that ~40 ms, so
		// tests would crawl and latency benchmarks would measure the kernel.
		// user matters when the tests run as root: Mosquitto would switch to
		// user mosquitto, which cannot read the test's files.
		conf := fmt.Sprintf(`listener %d 127.0.0.1
%sallow_anonymous false
password_file %s
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
set_tcp_nodelay true
user %s
`, b.port, listener, filepath.Join(b.dir, "passwd"), me.Username)
		if err := os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		b.mu.Lock()
		err := b.startLocked()
		b.mu.Unlock()
		if err == nil {
			return b
		}
		if attempt == 3 { // the free port may have been taken meanwhile: try others
			t.Fatalf("mqtttest: mosquitto did not start: %v\n%s", err, b.log())
		}
	}
}

// findTool finds a Mosquitto program, which may be in /usr/sbin, off a
// user's PATH. Tests that need a broker must not pass by skipping, so it
// fails t when the program is missing.
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
	t.Fatalf("mqtttest: %s is not installed: run scripts/setup-mqtt (or make setup), which installs the Debian packages mosquitto and mosquitto-clients", name)
	return ""
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

// writePasswordFile writes a client's password file, readable by its owner
// only, as Hark requires.
func (b *Broker) writePasswordFile(t testing.TB, path, password string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startLocked starts Mosquitto on b.port and waits until it accepts
// connections.
func (b *Broker) startLocked() error {
	cmd := exec.Command(b.bin, "-c", filepath.Join(b.dir, "mosquitto.conf"))
	cmd.Stdout, cmd.Stderr = b.logFile, b.logFile
	// A test binary that dies (a timeout, ^C) takes its broker with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	b.cmd, b.exited = cmd, exited
	deadline := time.Now().Add(startLimit)
	for {
		c, err := net.DialTimeout("tcp", b.Addr(), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			b.cmd = nil
			return fmt.Errorf("mosquitto exited: %v", cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.killLocked()
			return fmt.Errorf("mosquitto not listening on %s after %s", b.Addr(), startLimit)
		}
	}
}

func (b *Broker) killLocked() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Kill()
	<-b.exited
	b.cmd = nil
}

func (b *Broker) log() string {
	out, err := os.ReadFile(b.logFile.Name())
	if err != nil {
		return err.Error()
	}
	return string(out)
}

// Addr is the broker's address, "127.0.0.1:port".
func (b *Broker) Addr() string { return fmt.Sprintf("127.0.0.1:%d", b.port) }

// URL is the broker's URL as Hark's mqtt.broker takes it:
// "mqtt://127.0.0.1:port", or "mqtts://…" for StartTLS.
func (b *Broker) URL() string {
	if b.tls != nil {
		return "mqtts://" + b.Addr()
	}
	return "mqtt://" + b.Addr()
}

// CAFile is the path of the PEM certificate of the CA that signed a
// StartTLS broker's certificate; "" for Start.
func (b *Broker) CAFile() string { return b.caFile }

// User returns the generated user, for the code under test: its name and a
// file holding its password and a newline, readable by its owner only. A
// test that lists it in SetUsers reads its password there.
func (b *Broker) User() (name, passwordFile string) {
	return clientUser, filepath.Join(b.dir, "client-password")
}

// SetUsers replaces the users, given as {name, password}, that the broker
// accepts besides the fixture's own, which Subscribe and Publish use. The
// generated user (see User) is accepted only if listed, so SetUsers(t)
// locks out everyone but the fixture. A running broker reads the users
// again on Reload or Restart.
func (b *Broker) SetUsers(t testing.TB, users ...[2]string) {
	t.Helper()
	b.mu.Lock()
	b.users = slices.Clone(users)
	b.mu.Unlock()
	b.writeUsers(t, users)
}

// writeUsers writes the password file: the fixture's user and users.
func (b *Broker) writeUsers(t testing.TB, users [][2]string) {
	t.Helper()
	tool := findTool(t, "mosquitto_passwd")
	file, tmp := filepath.Join(b.dir, "passwd"), filepath.Join(b.dir, "passwd.new")
	os.Remove(tmp)
	for i, u := range append([][2]string{{fixtureUser, b.fixturePass}}, users...) {
		if u[0] == "" || strings.ContainsAny(u[0], ":\n") {
			t.Fatalf("mqtttest: user name %q: Mosquitto takes a name without ':' or a newline", u[0])
		}
		args := []string{"-b", tmp, u[0], u[1]}
		if i == 0 {
			args = append([]string{"-c"}, args...)
		}
		if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
			t.Fatalf("mqtttest: mosquitto_passwd: %v\n%s", err, out)
		}
	}
	// Mosquitto warns about, and will refuse, a password file others can read.
	if err := os.Chmod(tmp, 0o600); err != nil {
		t.Fatal(err)
	}
	// Renamed into place, so that a broker starting meanwhile reads either
	// file whole.
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
}

// Kill stops the broker at once, as a crash would: clients see their
// connection drop, without a DISCONNECT, and its sessions and retained
// messages are gone. Killing a killed broker does nothing.
func (b *Broker) Kill() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.killLocked()
	for _, s := range b.subs {
		s.down()
	}
}

// Restart starts the broker again on the same port, killing it first if it
// runs, and returns once it accepts connections and every open Subscription
// has subscribed again, so that none misses a message published after
// Restart returns.
//
// Until the Subscriptions are back, the broker lets in the fixture's user
// only; then it reloads the users of SetUsers. A client under test that
// reconnects at once would otherwise publish what it queued during the
// outage before anyone subscribed, and the broker, without persistence,
// would drop it. Such a client is refused (not authorised) meanwhile and
// must try again, as it would after any refusal.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Kill()
	b.writeUsers(b.t, nil)
	b.mu.Lock()
	err := b.startLocked()
	subs := slices.Clone(b.subs)
	users := b.users
	b.mu.Unlock()
	if err != nil {
		b.t.Fatalf("mqtttest: restarting mosquitto: %v\n%s", err, b.log())
	}
	ctx, cancel := context.WithTimeout(context.Background(), opLimit)
	defer cancel()
	for _, s := range subs {
		if err := s.waitUp(ctx); err != nil {
			b.t.Fatalf("mqtttest: after Restart: %v", err)
		}
	}
	b.writeUsers(b.t, users)
	b.Reload()
}

// Reload makes the running broker read its configuration and its users
// again (see SetUsers), as SIGHUP does, and returns once it has.
func (b *Broker) Reload() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		b.t.Fatal("mqtttest: Reload with the broker not running")
	}
	const reloading = "Reloading config."
	before := strings.Count(b.log(), reloading)
	if err := b.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		b.t.Fatalf("mqtttest: reloading mosquitto: %v", err)
	}
	deadline := time.Now().Add(opLimit)
	for strings.Count(b.log(), reloading) == before {
		if time.Now().After(deadline) {
			b.t.Fatalf("mqtttest: mosquitto did not reload within %s\n%s", opLimit, b.log())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Mosquitto logs that line, then reloads, on its one thread: once it
	// has answered a new connection, the reload is done.
	c := paho.NewClient(b.clientOptions("reload"))
	tok := c.Connect()
	if !tok.WaitTimeout(opLimit) || tok.Error() != nil {
		b.t.Fatalf("mqtttest: connecting after a reload: %v", tokenError(tok))
	}
	c.Disconnect(0)
}

// clientOptions are the options of the fixture's own clients.
func (b *Broker) clientOptions(role string) *paho.ClientOptions {
	scheme := "tcp://"
	if b.tls != nil {
		scheme = "ssl://"
	}
	return paho.NewClientOptions().
		AddBroker(scheme + b.Addr()).
		SetTLSConfig(b.tls).
		SetClientID(fmt.Sprintf("mqtttest-%s-%d-%d", role, os.Getpid(), clientIDs.Add(1))).
		SetUsername(fixtureUser).SetPassword(b.fixturePass).
		SetCleanSession(true).
		SetConnectTimeout(opLimit).
		SetWriteTimeout(opLimit)
}

func tokenError(tok paho.Token) error {
	if err := tok.Error(); err != nil {
		return err
	}
	return fmt.Errorf("no answer within %s", opLimit)
}

// Publish publishes payload on topic at QoS 1, as the fixture's user, and
// waits (for a bounded time) until the broker has it. Messages that one
// test's calls publish reach each subscriber in order.
func (b *Broker) Publish(t testing.TB, topic, payload string, retain bool) {
	t.Helper()
	b.pubMu.Lock()
	if b.pub == nil {
		c := paho.NewClient(b.clientOptions("pub").SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond))
		if tok := c.Connect(); !tok.WaitTimeout(opLimit) || tok.Error() != nil {
			b.pubMu.Unlock()
			t.Fatalf("mqtttest: publisher connect: %v", tokenError(tok))
		}
		b.pub = c
		// On the broker's test: Publish may be called from a subtest.
		b.t.Cleanup(func() { c.Disconnect(250) })
	}
	c := b.pub
	b.pubMu.Unlock()
	if tok := c.Publish(topic, 1, retain, payload); !tok.WaitTimeout(opLimit) || tok.Error() != nil {
		t.Fatalf("mqtttest: publish on %s: %v", topic, tokenError(tok))
	}
}

// Message is a message a Subscription received.
type Message struct {
	Topic    string
	Payload  []byte
	Retained bool      // sent by the broker from its retained store, while subscribing
	Received time.Time // when the Subscription received it
}

// String shows m in a test's log: topic, retained flag, quoted payload.
func (m Message) String() string {
	return fmt.Sprintf("%s retained=%v %.200q", m.Topic, m.Retained, m.Payload)
}

// Topic matches the messages on topic, for Wait.
func Topic(topic string) func(Message) bool {
	return func(m Message) bool { return m.Topic == topic }
}

// Payload matches the messages on topic with that payload, for Wait.
func Payload(topic, payload string) func(Message) bool {
	return func(m Message) bool { return m.Topic == topic && string(m.Payload) == payload }
}

// Subscription is a client of the fixture's that subscribed to some topic
// filters at QoS 1 and keeps every message it receives. It reconnects, and
// subscribes again, after losing the broker.
type Subscription struct {
	filters []string
	c       paho.Client

	mu       sync.Mutex
	msgs     []Message
	returned []bool        // by Next or Wait, index by index with msgs
	first    int           // no message before this one is left to return
	changed  chan struct{} // closed, and replaced, at every message
	up       bool          // subscribed on the current connection
	upCh     chan struct{} // closed while up
	subErr   error         // why the last subscription failed
}

// Subscribe connects a client as the fixture's user and subscribes to the
// filters at QoS 1; it returns once the broker has acknowledged, so every
// message published afterwards is received. The client disconnects when t
// ends.
func (b *Broker) Subscribe(t testing.TB, filters ...string) *Subscription {
	t.Helper()
	if len(filters) == 0 {
		t.Fatal("mqtttest: Subscribe without a topic filter")
	}
	s := &Subscription{filters: filters, upCh: make(chan struct{})}
	qos := map[string]byte{}
	for _, f := range filters {
		qos[f] = 1
	}
	o := b.clientOptions("sub").
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).
		SetConnectionLostHandler(func(paho.Client, error) { s.down() }).
		SetOnConnectHandler(func(c paho.Client) {
			// Paho calls this on a goroutine of its own: waiting is allowed.
			tok := c.SubscribeMultiple(qos, s.receive)
			var err error
			if !tok.WaitTimeout(opLimit) {
				err = fmt.Errorf("no SUBACK within %s", opLimit)
			} else if err = tok.Error(); err == nil {
				for f, q := range tok.(*paho.SubscribeToken).Result() {
					if q > 2 { // 0x80: refused
						err = fmt.Errorf("the broker refused %q", f)
					}
				}
			}
			s.subscribed(err)
		})
	s.c = paho.NewClient(o)
	b.mu.Lock()
	b.subs = append(b.subs, s)
	b.mu.Unlock()
	t.Cleanup(func() {
		b.mu.Lock()
		b.subs = slices.DeleteFunc(b.subs, func(x *Subscription) bool { return x == s })
		b.mu.Unlock()
		s.c.Disconnect(250)
	})
	if tok := s.c.Connect(); !tok.WaitTimeout(opLimit) || tok.Error() != nil {
		t.Fatalf("mqtttest: subscriber connect: %v", tokenError(tok))
	}
	ctx, cancel := context.WithTimeout(context.Background(), opLimit)
	defer cancel()
	if err := s.waitUp(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *Subscription) receive(_ paho.Client, m paho.Message) {
	msg := Message{Topic: m.Topic(), Payload: slices.Clone(m.Payload()), Retained: m.Retained(), Received: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, msg)
	s.returned = append(s.returned, false)
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

func (s *Subscription) subscribed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subErr = err
	if err == nil && !s.up {
		s.up = true
		close(s.upCh)
	}
}

// down notes that the subscription is gone with the connection. (Kill
// calls it too, not to wait for Paho to notice.)
func (s *Subscription) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.up {
		s.up = false
		s.upCh = make(chan struct{})
	}
}

func (s *Subscription) waitUp(ctx context.Context) error {
	s.mu.Lock()
	up := s.upCh
	s.mu.Unlock()
	select {
	case <-up:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.subErr != nil {
			return fmt.Errorf("mqtttest: subscribing to %v: %w", s.filters, s.subErr)
		}
		return fmt.Errorf("mqtttest: not subscribed to %v: %w", s.filters, ctx.Err())
	}
}

// Messages returns every message received so far, oldest first, whether or
// not Next or Wait returned it.
func (s *Subscription) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Next returns the oldest message that Next and Wait have not returned
// yet, waiting for one until ctx is done. ctx must have a deadline: a
// message that never comes should fail the test, not hang it.
func (s *Subscription) Next(ctx context.Context) (Message, error) {
	m, err := s.await(ctx, nil)
	if err != nil {
		return Message{}, fmt.Errorf("mqtttest: no new message on %v: %w", s.filters, err)
	}
	return m, nil
}

// Wait returns the oldest message that Next and Wait have not returned yet
// and that match accepts, waiting for one until ctx is done. Unlike Next,
// it leaves the messages it passes over for later calls. ctx must have a
// deadline; when it is done, the error lists the messages received.
func (s *Subscription) Wait(ctx context.Context, match func(Message) bool) (Message, error) {
	m, err := s.await(ctx, match)
	if err != nil {
		return Message{}, fmt.Errorf("mqtttest: no matching message on %v: %w; %s", s.filters, err, s.describe())
	}
	return m, nil
}

var errNoDeadline = errors.New("the context has no deadline")

// await is Wait; a nil match takes any message.
func (s *Subscription) await(ctx context.Context, match func(Message) bool) (Message, error) {
	if _, ok := ctx.Deadline(); !ok {
		return Message{}, errNoDeadline
	}
	checked := 0 // messages before this one did not match
	for {
		s.mu.Lock()
		i := max(s.first, checked)
		for ; i < len(s.msgs); i++ {
			if s.returned[i] {
				continue
			}
			m := s.msgs[i]
			if match != nil {
				// match runs unlocked: it may call Messages.
				s.mu.Unlock()
				ok := match(m)
				s.mu.Lock()
				if !ok {
					checked = i + 1
					continue
				}
				if s.returned[i] { // by another call, while match ran
					continue
				}
			}
			s.returned[i] = true
			for s.first < len(s.msgs) && s.returned[s.first] {
				s.first++
			}
			s.mu.Unlock()
			return m, nil
		}
		checked = i
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return Message{}, ctx.Err()
		}
	}
}

// describe lists the last messages received, for an error.
func (s *Subscription) describe() string {
	const show = 20
	ms := s.Messages()
	if len(ms) == 0 {
		return "no message received"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d messages received", len(ms))
	if len(ms) > show {
		fmt.Fprintf(&b, ", the last %d", show)
		ms = ms[len(ms)-show:]
	}
	b.WriteString(":")
	for _, m := range ms {
		b.WriteString("\n  ")
		b.WriteString(m.String())
	}
	return b.String()
}

// makeCertificates writes a CA and a certificate it signs for 127.0.0.1,
// sets up the fixture's clients to trust the CA, and returns the lines
// that make the listener speak TLS with that certificate.
func (b *Broker) makeCertificates(t testing.TB) string {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(b.dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mqtttest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	b.caFile = write("ca.pem", "CERTIFICATE", caDER)
	srvKey := key()
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	b.tls = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return fmt.Sprintf("certfile %s\nkeyfile %s\n",
		write("server.pem", "CERTIFICATE", srvDER), write("server.key", "EC PRIVATE KEY", keyDER))
}
