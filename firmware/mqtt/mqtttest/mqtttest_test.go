package mqtttest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

const limit = 10 * time.Second

func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	return ctx
}

// connect connects as the generated user, or with user and pass if given,
// and returns the CONNECT's error.
func connect(t *testing.T, b *mqtttest.Broker, cfg *tls.Config, creds ...string) error {
	t.Helper()
	name, file := b.User()
	pw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pass := strings.TrimSuffix(string(pw), "\n")
	if len(creds) == 2 {
		name, pass = creds[0], creds[1]
	}
	scheme := "tcp://"
	if cfg != nil {
		scheme = "ssl://"
	}
	c := paho.NewClient(paho.NewClientOptions().AddBroker(scheme + b.Addr()).SetTLSConfig(cfg).
		SetClientID("mqtttest-test").SetUsername(name).SetPassword(pass).SetConnectTimeout(limit))
	tok := c.Connect()
	if !tok.WaitTimeout(limit) {
		t.Fatal("no answer to CONNECT")
	}
	if tok.Error() == nil {
		c.Disconnect(0)
	}
	return tok.Error()
}

func TestNextAndWait(t *testing.T) {
	b := mqtttest.Start(t)
	if !strings.HasPrefix(b.URL(), "mqtt://127.0.0.1:") || !strings.HasSuffix(b.URL(), b.Addr()) {
		t.Errorf("URL %s, Addr %s", b.URL(), b.Addr())
	}
	s := b.Subscribe(t, "a/#")
	b.Publish(t, "a/1", "x", false)
	b.Publish(t, "a/2", "y", false)
	b.Publish(t, "a/3", "z", false)
	ctx := deadline(t)
	if m, err := s.Wait(ctx, mqtttest.Payload("a/2", "y")); err != nil || m.Topic != "a/2" || m.Received.IsZero() {
		t.Fatalf("Wait: %v, %v", m, err)
	}
	// Wait left a/1 for later; a/2 is returned only once.
	for _, want := range []string{"a/1", "a/3"} {
		if m, err := s.Next(ctx); err != nil || m.Topic != want {
			t.Fatalf("Next: %v, %v; want %s", m, err, want)
		}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.Wait(short, mqtttest.Topic("a/2")); err == nil || !strings.Contains(err.Error(), "a/3") {
		t.Errorf("Wait for a message already returned: %v, want a timeout listing the messages", err)
	}
	start := time.Now()
	if _, err := s.Next(context.Background()); err == nil || time.Since(start) > time.Second {
		t.Errorf("Next without a deadline: %v after %s, want an error at once", err, time.Since(start))
	}
	if n := len(s.Messages()); n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
}

func TestRetained(t *testing.T) {
	b := mqtttest.Start(t)
	b.Publish(t, "r", "kept", true)
	m, err := b.Subscribe(t, "r").Next(deadline(t))
	if err != nil || string(m.Payload) != "kept" || !m.Retained {
		t.Errorf("Next: %v, %v; want retained \"kept\"", m, err)
	}
}

func TestUsers(t *testing.T) {
	b := mqtttest.Start(t)
	_, file := b.User()
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if err := connect(t, b, nil); err != nil {
		t.Fatalf("the generated user: %v", err)
	}
	if err := connect(t, b, nil, "", ""); err == nil {
		t.Error("an anonymous client was accepted")
	}

	s := b.Subscribe(t, "x")
	b.SetUsers(t, [2]string{"other", "pw"})
	b.Reload()
	if err := connect(t, b, nil); err == nil {
		t.Error("the generated user was accepted after SetUsers without it")
	}
	if err := connect(t, b, nil, "other", "pw"); err != nil {
		t.Errorf("a user set: %v", err)
	}
	b.Publish(t, "x", "still in", false) // the fixture's own user stays
	if _, err := s.Wait(deadline(t), mqtttest.Payload("x", "still in")); err != nil {
		t.Error(err)
	}
}

func TestKillRestart(t *testing.T) {
	b := mqtttest.Start(t)
	addr := b.Addr()
	s := b.Subscribe(t, "x")
	b.Kill()
	if err := connect(t, b, nil); err == nil {
		t.Fatal("connected to a killed broker")
	}
	b.Restart()
	if b.Addr() != addr {
		t.Errorf("restarted on %s, want %s", b.Addr(), addr)
	}
	// Restart waited for s to subscribe again.
	b.Publish(t, "x", "after", false)
	if _, err := s.Wait(deadline(t), mqtttest.Payload("x", "after")); err != nil {
		t.Error(err)
	}
}

func TestTLS(t *testing.T) {
	b := mqtttest.StartTLS(t)
	if !strings.HasPrefix(b.URL(), "mqtts://127.0.0.1:") {
		t.Errorf("URL %s", b.URL())
	}
	pem, err := os.ReadFile(b.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in CAFile")
	}
	if err := connect(t, b, &tls.Config{RootCAs: pool}); err != nil {
		t.Fatalf("over TLS: %v", err)
	}
	if err := connect(t, b, &tls.Config{}); err == nil {
		t.Error("connected without trusting the CA")
	}
	s := b.Subscribe(t, "x")
	b.Publish(t, "x", "y", false)
	if _, err := s.Next(deadline(t)); err != nil {
		t.Error(err)
	}
}

// TestRestartSubscriptionsFirst: a client that reconnects the moment the
// broker is back, and publishes at once what it queued meanwhile, finds the
// Subscriptions there: Restart lets it in only after them.
func TestRestartSubscriptionsFirst(t *testing.T) {
	b := mqtttest.Start(t)
	s := b.Subscribe(t, "queued")
	name, file := b.User()
	pw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	o := paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("mqtttest-eager").
		SetUsername(name).SetPassword(strings.TrimSuffix(string(pw), "\n")).SetConnectTimeout(limit)
	b.Kill()

	ctx := deadline(t)
	published := make(chan error, 1)
	go func() {
		refused := 0
		for {
			c := paho.NewClient(o)
			if tok := c.Connect(); tok.WaitTimeout(limit) && tok.Error() == nil {
				tok := c.Publish("queued", 1, false, "sent on reconnecting")
				err := errors.New("no PUBACK")
				if tok.WaitTimeout(limit) {
					err = tok.Error()
				}
				c.Disconnect(250)
				t.Logf("in after %d refused attempts", refused)
				published <- err
				return
			}
			refused++
			select {
			case <-ctx.Done():
				published <- ctx.Err()
				return
			case <-time.After(5 * time.Millisecond): // knock again soon, as an eager client does
			}
		}
	}()
	b.Restart()
	if err := <-published; err != nil {
		t.Fatalf("the eager client: %v", err)
	}
	if _, err := s.Wait(ctx, mqtttest.Payload("queued", "sent on reconnecting")); err != nil {
		t.Error(err)
	}
}
