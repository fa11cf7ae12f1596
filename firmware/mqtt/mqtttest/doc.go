// Package mqtttest is meant to be used to test code that talks MQTT, like
// periph's gpiotest for pins: [Start] runs a real Mosquitto broker for one
// test, and [Broker.Subscribe] lets the test read, under its own deadline,
// what the code under test publishes.
//
// The broker listens on 127.0.0.1 on a free port, with authentication on
// (no anonymous clients) and persistence off. It accepts one generated user,
// for the code under test ([Broker.User] gives its name and a password file
// such as Hark's mqtt.password_file), and the fixture's own user, with which
// Subscribe and [Broker.Publish] connect. It is killed, and its files
// removed, when the test ends:
//
//	b := mqtttest.Start(t)
//	user, passwordFile := b.User()
//	cfg := mqtt.Config{Broker: b.URL(), Username: user, PasswordFile: passwordFile}
//	// … start Hark with cfg …
//	s := b.Subscribe(t, "hark/+/state")
//	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//	defer cancel()
//	if _, err := s.Wait(ctx, mqtttest.Payload("hark/kitchen/state", "listening")); err != nil {
//		t.Fatal(err)
//	}
//
// A Subscription keeps every message it receives. Next and Wait return each
// at most once; Wait leaves the messages it does not match for later calls,
// since messages on different topics arrive in no order a test should rely
// on. Messages returns them all at any time. Neither Next nor Wait waits
// without a deadline: they refuse a context that has none.
//
// [Broker.Kill], [Broker.Restart] and [Broker.Reload] play a broker crash,
// its return on the same port, and a configuration reload (after
// [Broker.SetUsers]); [StartTLS] starts a broker that speaks MQTT over TLS.
// Restart lets the code under test in only once every Subscription is back,
// so that what it sends on reconnecting is not lost.
//
// Mosquitto must be installed (scripts/setup-mqtt, or make setup): without it
// Start fails the test rather than skipping it. The package imports
// "testing"; only tests may import it, never the hark binary.
package mqtttest
