package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"go.uber.org/goleak"
	"gopkg.in/yaml.v3"

	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

// childEnv, when set, makes the test binary run a Client with the config it
// holds (JSON) instead of the tests, so a test can SIGKILL a real Hark-like
// process and watch its last will.
const childEnv = "HARK_MQTT_TEST_CHILD"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(child(cfg))
	}
	os.Exit(m.Run())
}

func child(cfgJSON string) int {
	var cfg Config
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	c, err := New(cfg, newInputs(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	c.Publish(Event{Kind: State, State: StateIdle})
	if err := c.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// seqIs matches the event with sequence number seq.
func seqIs(seq uint64) func(mqtttest.Message) bool {
	return func(m mqtttest.Message) bool {
		var e Event
		return json.Unmarshal(m.Payload, &e) == nil && e.Seq == seq
	}
}

func TestUnauthenticatedClientRefused(t *testing.T) {
	b := mqtttest.Start(t)
	user := clientUser(t, b)
	for _, tc := range []struct{ name, user, pass string }{
		{"anonymous", "", ""},
		{"wrong password", user[0], "guess"},
		{"unknown user", "mallory", user[1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := paho.NewClientOptions().AddBroker("tcp://" + b.Addr()).SetClientID("intruder").
				SetUsername(tc.user).SetPassword(tc.pass).SetConnectTimeout(waitLimit)
			c := paho.NewClient(o)
			tok := c.Connect()
			if !tok.WaitTimeout(waitLimit) {
				t.Fatal("no answer to CONNECT")
			}
			if tok.Error() == nil {
				c.Disconnect(0)
				t.Fatal("the broker accepted a client without valid credentials")
			}
			t.Logf("refused: %v", tok.Error())
		})
	}
}

func TestAvailabilityOnlineThenOfflineOnStop(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "kitchen")
	w := watch(t, b, "hark/kitchen/availability")
	before := goleak.IgnoreCurrent()

	r := runClient(t, cfg)
	w.waitPayload(t, "hark/kitchen/availability", "online")
	r.stop(t)
	// Run must have joined every goroutine it (and Paho) started.
	goleak.VerifyNone(t, before)
	w.waitPayload(t, "hark/kitchen/availability", "offline")
	if s := r.Stats(); s.Connected || s.Connects != 1 {
		t.Errorf("after stop: %+v, want disconnected after 1 connect", s)
	}

	late := watch(t, b, "hark/kitchen/availability")
	if m := late.waitFor(t, "retained availability", func(mqtttest.Message) bool { return true }); string(m.Payload) != "offline" || !m.Retained {
		t.Errorf("retained availability = %q (retained %v), want offline", m.Payload, m.Retained)
	}
}

func TestLastWillWhenKilled(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "hall")
	js, _ := json.Marshal(cfg)
	w := watch(t, b, "hark/hall/availability", "hark/hall/state")

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Under qemu-user (make pi-test) the test binary is not native: it is
	// started through the emulator that HARK_TEST_EXEC names.
	cmd := exec.Command(exe)
	if wrap := strings.Fields(os.Getenv("HARK_TEST_EXEC")); len(wrap) > 0 {
		cmd = exec.Command(wrap[0], append(wrap[1:], exe)...)
	}
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("child output:\n%s", out.String())
		}
	})

	w.waitPayload(t, "hark/hall/availability", "online")
	w.waitPayload(t, "hark/hall/state", StateIdle)
	cmd.Process.Kill() // SIGKILL: no Disconnect, no "offline" of its own
	<-exited
	m := w.waitPayload(t, "hark/hall/availability", "offline")
	t.Logf("last will after kill: %q", m.Payload)

	late := watch(t, b, "hark/hall/availability")
	if m := late.waitFor(t, "retained availability", func(mqtttest.Message) bool { return true }); string(m.Payload) != "offline" {
		t.Errorf("retained availability after the will = %q, want offline", m.Payload)
	}
}

func TestRetainedStateMuteAndTranscript(t *testing.T) {
	b := mqtttest.Start(t)
	r := runClient(t, configFor(b, "kitchen"))
	w := watch(t, b, "hark/kitchen/#")
	w.waitPayload(t, "hark/kitchen/availability", "online")

	r.Publish(Event{Kind: State, State: StateListening})
	r.Publish(Event{Kind: Transcript, Text: "turn on the kitchen light"})
	w.waitPayload(t, "hark/kitchen/state", StateListening)
	w.waitPayload(t, "hark/kitchen/transcript", "turn on the kitchen light")
	w.waitPayload(t, "hark/kitchen/mute", "OFF")

	r.Publish(Event{Kind: State, State: StateMuted})
	w.waitPayload(t, "hark/kitchen/state", StateMuted)
	w.waitPayload(t, "hark/kitchen/mute", "ON")

	late := watch(t, b, "hark/kitchen/state", "hark/kitchen/mute", "hark/kitchen/transcript")
	for topic, want := range map[string]string{
		"hark/kitchen/state":      StateMuted,
		"hark/kitchen/mute":       "ON",
		"hark/kitchen/transcript": "turn on the kitchen light",
	} {
		m := late.waitFor(t, "retained "+topic, mqtttest.Topic(topic))
		if string(m.Payload) != want || !m.Retained {
			t.Errorf("%s: %q (retained %v), want retained %q", topic, m.Payload, m.Retained, want)
		}
	}
}

func TestEventJSONForEachKind(t *testing.T) {
	b := mqtttest.Start(t)
	r := runClient(t, configFor(b, "kitchen"))
	w := watch(t, b, "hark/kitchen/event", "hark/kitchen/availability")
	w.waitPayload(t, "hark/kitchen/availability", "online") // QoS 0: events before this are dropped
	events := []Event{
		{Kind: Pressed},
		{Kind: Released},
		{Kind: Transcript, Turn: 1, Text: "turn on the kitchen light"},
		{Kind: Command, Turn: 1, Command: "light", Params: map[string]string{"room": "kitchen", "state": "on"}},
		{Kind: Answer, Turn: 1, Text: "The kitchen light is on.", Status: "ok"},
		{Kind: State, State: StateSpeaking},
		{Kind: Blocked, Command: "slow", HeldMS: 1500},
		{Kind: Recovered, HeldMS: 2100},
		{Kind: MicLost, Text: "device unplugged"},
		{Kind: MicRestored},
	}
	for _, e := range events {
		r.Publish(e)
	}
	for i, want := range events {
		seq := uint64(i + 1)
		m := w.waitFor(t, fmt.Sprintf("event %d", seq), seqIs(seq))
		var raw map[string]any
		if err := json.Unmarshal(m.Payload, &raw); err != nil {
			t.Fatalf("event %d: %v: %s", seq, err, m.Payload)
		}
		var got Event
		json.Unmarshal(m.Payload, &got)
		if got.Time.IsZero() || time.Since(got.Time) > time.Hour {
			t.Errorf("%s: time %v", want.Kind, got.Time)
		}
		want.Seq, want.Time, got.Time = seq, time.Time{}, time.Time{}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("event %d:\n got %+v\nwant %+v\njson %s", seq, got, want, m.Payload)
		}
		if raw["kind"] != string(want.Kind) {
			t.Errorf("kind = %v, want %s", raw["kind"], want.Kind)
		}
		t.Logf("%s", m.Payload)
	}
	// Published counts acknowledged sends, which the client may tally just
	// after the watcher has the messages.
	waitUntil(t, "the events are counted", func() bool { return r.Stats().Published >= uint64(len(events)) })
	if w := r.Stats(); w.Published != uint64(len(events)) || w.Dropped != 0 {
		t.Errorf("stats %+v, want %d published, 0 dropped", w, len(events))
	}
}

func TestInputsRoundTrip(t *testing.T) {
	b := mqtttest.Start(t)
	w := watch(t, b, "hark/kitchen/availability")
	// Retained before the client subscribes: the broker replays it on
	// subscribing, flagged retained, and the client must ignore it.
	b.Publish(t, "hark/kitchen/say", "retained text must not be spoken", true)
	r := runClient(t, configFor(b, "kitchen"))
	w.waitPayload(t, "hark/kitchen/availability", "online")

	b.Publish(t, "hark/kitchen/mute/set", "maybe", false) // ignored: not ON or OFF
	b.Publish(t, "hark/kitchen/say", "  hello from Home Assistant ", false)
	b.Publish(t, "hark/kitchen/utterance", "what time is it", false)
	b.Publish(t, "hark/kitchen/mute/set", "ON", false)
	b.Publish(t, "hark/kitchen/mute/set", "off", false)
	b.Publish(t, "hark/kitchen/listen", "PRESS", false)
	b.Publish(t, "hark/kitchen/say", "", false) // empty: ignored
	b.Publish(t, "hark/kitchen/say", "last", false)
	for _, want := range []string{
		"say:hello from Home Assistant",
		"utterance:what time is it",
		"mute:true",
		"mute:false",
		"listen",
		"say:last",
	} {
		if got := r.in.next(t); got != want {
			t.Errorf("Inputs got %q, want %q", got, want)
		}
	}
}

func TestDiscoveryPayloads(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "kitchen")
	cfg.Version = "1.2.3"
	cfg.Commands = []string{"light", "time"}
	w := watch(t, b, "homeassistant/#", "hark/kitchen/command")
	r := runClient(t, cfg)

	type config = map[string]any
	configs := map[string]config{}
	for _, object := range []string{"sensor/hark_kitchen/state", "sensor/hark_kitchen/transcript", "event/hark_kitchen/command", "switch/hark_kitchen/mute", "button/hark_kitchen/listen"} {
		topic := "homeassistant/" + object + "/config"
		m := w.waitFor(t, topic, mqtttest.Topic(topic))
		var c config
		if err := json.Unmarshal(m.Payload, &c); err != nil {
			t.Fatalf("%s: %v", topic, err)
		}
		configs[object] = c
		t.Logf("%s: %s", topic, m.Payload)
	}
	ids := map[any]bool{}
	for object, c := range configs {
		for _, key := range []string{"name", "unique_id", "availability_topic", "device"} {
			if c[key] == nil {
				t.Errorf("%s: no %s", object, key)
			}
		}
		if c["availability_topic"] != "hark/kitchen/availability" || c["payload_available"] != "online" || c["payload_not_available"] != "offline" {
			t.Errorf("%s: availability %v %v %v", object, c["availability_topic"], c["payload_available"], c["payload_not_available"])
		}
		dev, _ := c["device"].(map[string]any)
		if fmt.Sprint(dev["identifiers"]) != "[hark_kitchen]" || dev["manufacturer"] != "Hark" || dev["model"] != "Hark" || dev["sw_version"] != "1.2.3" || dev["name"] != "Hark kitchen" {
			t.Errorf("%s: device %v", object, dev)
		}
		ids[c["unique_id"]] = true
	}
	if len(ids) != 5 {
		t.Errorf("unique_ids not distinct: %v", ids)
	}
	check := func(object, key string, want any) {
		t.Helper()
		if got := configs[object][key]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %s = %v, want %v", object, key, got, want)
		}
	}
	check("sensor/hark_kitchen/state", "state_topic", "hark/kitchen/state")
	check("sensor/hark_kitchen/transcript", "state_topic", "hark/kitchen/transcript")
	check("event/hark_kitchen/command", "state_topic", "hark/kitchen/command")
	check("event/hark_kitchen/command", "event_types", []string{"cancel_timer", "date", "help", "home_assistant", "light", "repeat", "stop", "time", "timer", "timer_status"})
	check("switch/hark_kitchen/mute", "command_topic", "hark/kitchen/mute/set")
	check("switch/hark_kitchen/mute", "state_topic", "hark/kitchen/mute")
	check("switch/hark_kitchen/mute", "payload_on", "ON")
	check("switch/hark_kitchen/mute", "payload_off", "OFF")
	check("button/hark_kitchen/listen", "command_topic", "hark/kitchen/listen")
	check("button/hark_kitchen/listen", "payload_press", "PRESS")

	// The event entity's payload: JSON with event_type, params nested as an attribute.
	r.Publish(Event{Kind: Command, Command: "light", Params: map[string]string{"room": "kitchen"}})
	r.Publish(Event{Kind: Command, Command: "unknown"}) // not an event type: only on …/event
	m := w.waitFor(t, "command event", mqtttest.Topic("hark/kitchen/command"))
	var ev struct {
		EventType string            `json:"event_type"`
		Command   string            `json:"command"`
		Params    map[string]string `json:"params"`
	}
	if err := json.Unmarshal(m.Payload, &ev); err != nil || ev.EventType != "light" || ev.Command != "light" || len(ev.Params) != 1 || ev.Params["room"] != "kitchen" {
		t.Errorf("event entity payload %s (%v)", m.Payload, err)
	}

	// Home Assistant restarting announces itself; Hark publishes its configs again.
	before := len(w.on("homeassistant/switch/hark_kitchen/mute/config"))
	b.Publish(t, "homeassistant/status", "online", false)
	waitUntil(t, "discovery is published again", func() bool {
		return len(w.on("homeassistant/switch/hark_kitchen/mute/config")) > before
	})
	if n := len(w.on("hark/kitchen/command")); n != 1 {
		t.Errorf("%d messages on the event entity's topic, want 1 (the unknown command has no event type)", n)
	}
}

// TestHomeAssistantStatusWhateverThePrefixes: Home Assistant announces a
// restart on its birth topic, homeassistant/status unless reconfigured in
// Home Assistant (its MQTT integration's default, not derived from the
// discovery prefix); Hark publishes its configs again on it whatever its
// own topic prefix and discovery prefix, and on <discovery_prefix>/status
// too, where a custom prefix's birth topic is usually moved.
func TestHomeAssistantStatusWhateverThePrefixes(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "hall")
	cfg.TopicPrefix = "home/hall/voice"
	cfg.DiscoveryPrefix = "ha"
	const config = "ha/switch/hark_hall/mute/config"
	w := watch(t, b, "ha/#", "home/hall/voice/#")
	r := runClient(t, cfg)
	w.waitFor(t, config, mqtttest.Topic(config))
	for _, status := range []string{"homeassistant/status", "ha/status"} {
		before := len(w.on(config))
		b.Publish(t, status, "online", false)
		waitUntil(t, "discovery is published again after online on "+status, func() bool {
			return len(w.on(config)) > before
		})
	}
	// Not on other topics: Hark's own prefix is not Home Assistant's.
	before := len(w.on(config))
	b.Publish(t, "home/hall/voice/status", "online", false)
	b.Publish(t, "home/hall/voice/say", "marker", false)
	if got := r.in.next(t); got != "say:marker" {
		t.Fatalf("Inputs got %q", got)
	}
	r.Publish(Event{Kind: Pressed})
	w.waitFor(t, "the event after the marker", func(m mqtttest.Message) bool {
		return m.Topic == "home/hall/voice/event" && seqIs(1)(m)
	})
	if n := len(w.on(config)); n != before {
		t.Errorf("%d configs published after online on Hark's own prefix, want none", n-before)
	}
}

func TestForgetEmptiesDiscovery(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "attic")
	w := watch(t, b, "homeassistant/#")
	r := runClient(t, cfg)
	r.Publish(Event{Kind: State, State: StateIdle})
	w.waitFor(t, "a config", func(m mqtttest.Message) bool { return strings.HasSuffix(m.Topic, "/listen/config") })
	r.stop(t)

	// As `hark run --mqtt-forget` would: a client that is not running.
	c, err := New(cfg, newInputs(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := c.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range entities(&c.cfg, c.t) {
		topic := discoveryTopic(&c.cfg, e)
		w.waitFor(t, "empty "+topic, mqtttest.Payload(topic, ""))
	}

	// The broker keeps none: a new subscriber receives retained messages
	// while subscribing, so before the marker published after it.
	late := watch(t, b, "homeassistant/#", "hark/attic/#", "marker")
	b.Publish(t, "marker", "x", false)
	late.waitPayload(t, "marker", "x")
	for _, m := range late.Messages() {
		if m.Topic != "marker" {
			t.Errorf("still retained after Forget: %s %q", m.Topic, m.Payload)
		}
	}
}

func TestForgetWhileRunning(t *testing.T) {
	b := mqtttest.Start(t)
	w := watch(t, b, "homeassistant/#", "hark/hall/event")
	r := runClient(t, configFor(b, "hall"))
	w.waitFor(t, "a config", func(m mqtttest.Message) bool { return strings.HasSuffix(m.Topic, "/listen/config") })
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := r.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	// Home Assistant coming online must not bring the device back. The
	// client handles incoming messages in order, and announces before it
	// sends later events: once the event is in, so would the configs be.
	b.Publish(t, "homeassistant/status", "online", false)
	b.Publish(t, "hark/hall/say", "after the status", false)
	if got := r.in.next(t); got != "say:after the status" {
		t.Fatalf("Inputs got %q", got)
	}
	r.Publish(Event{Kind: Pressed})
	w.waitFor(t, "the event", seqIs(1))
	if n := len(w.on("homeassistant/button/hark_hall/listen/config")); n != 2 {
		t.Errorf("%d messages on the button's config topic, want 2 (announce, forget):\n%s", n, w.dump())
	}

	late := watch(t, b, "homeassistant/#", "marker")
	b.Publish(t, "marker", "x", false)
	late.waitPayload(t, "marker", "x")
	for _, m := range late.Messages() {
		if m.Topic != "marker" {
			t.Errorf("still retained after Forget: %s %q", m.Topic, m.Payload)
		}
	}
}

func TestConfigYAML(t *testing.T) {
	const doc = `
broker: mqtts://broker.local:8883
ca_file: /etc/hark/ca.pem
username: hark
password_file: /etc/hark/mqtt-password
device_id: kitchen
client_id: hark-kitchen-pi
topic_prefix: home/kitchen/hark
qos: 1
keep_alive: 45s
discovery_prefix: ha
queue_size: 500
`
	var c Config
	d := yaml.NewDecoder(strings.NewReader(doc))
	d.KnownFields(true)
	if err := d.Decode(&c); err != nil {
		t.Fatal(err)
	}
	want := Config{Broker: "mqtts://broker.local:8883", CAFile: "/etc/hark/ca.pem", Username: "hark",
		PasswordFile: "/etc/hark/mqtt-password", DeviceID: "kitchen", ClientID: "hark-kitchen-pi",
		TopicPrefix: "home/kitchen/hark", QoS: 1, KeepAlive: 45 * time.Second, DiscoveryPrefix: "ha", QueueSize: 500}
	if fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("decoded\n %+v\nwant\n %+v", c, want)
	}
	if err := yaml.Unmarshal([]byte("commands: [x]"), &Config{}); err != nil {
		t.Fatal(err) // a program-set field is not read from the file...
	}
	d = yaml.NewDecoder(strings.NewReader("commands: [x]"))
	d.KnownFields(true)
	if err := d.Decode(&Config{}); err == nil {
		t.Error("commands: accepted in the file") // ...and the strict decoder calls it unknown
	}
}

func TestPublishCommand(t *testing.T) {
	b := mqtttest.Start(t)
	r := runClient(t, configFor(b, "kitchen"))
	w := watch(t, b, "zigbee2mqtt/#", "hark/kitchen/availability")
	w.waitPayload(t, "hark/kitchen/availability", "online")

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	topic, payload := "zigbee2mqtt/kitchen_light/set", `{"state":"ON","by":{"name":"light"}}`
	if err := r.PublishCommand(ctx, topic, payload, false, 1); err != nil {
		t.Fatal(err)
	}
	m := w.waitFor(t, "the command's message", mqtttest.Topic("zigbee2mqtt/kitchen_light/set"))
	if string(m.Payload) != `{"state":"ON","by":{"name":"light"}}` {
		t.Errorf("payload %s", m.Payload)
	}
	if err := r.PublishCommand(ctx, "zigbee2mqtt/+/set", "x", false, 0); err == nil {
		t.Error("a wildcard topic was accepted")
	}

	b.Kill()
	waitUntil(t, "the client notices the broker is gone", func() bool { return !r.Stats().Connected })
	err := r.PublishCommand(ctx, topic, payload, false, 1)
	if !errors.Is(err, ErrNotConnected) {
		t.Errorf("with the broker down: %v, want ErrNotConnected", err)
	}
}

func TestBrokerOutage(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "kitchen")
	cfg.QoS, cfg.QueueSize = 1, 20
	w := watch(t, b, "hark/kitchen/event")
	r := runClient(t, cfg)

	r.Publish(Event{Kind: Pressed})
	w.waitFor(t, "event 1", seqIs(1))
	waitUntil(t, "event 1 is acknowledged", func() bool { return r.Stats().Published == 1 })

	b.Kill()
	waitUntil(t, "the client notices the broker is gone", func() bool { return !r.Stats().Connected })

	// Publish must return at once with the broker down, queue full or not.
	published := make(chan struct{})
	go func() {
		defer close(published)
		for i := range 30 {
			r.Publish(Event{Kind: Transcript, Text: fmt.Sprint("during outage ", i)})
		}
	}()
	select {
	case <-published:
	case <-time.After(waitLimit):
		t.Fatal("Publish blocked with the broker down")
	}
	if s := r.Stats(); s.Queued != 20 || s.Dropped != 10 {
		t.Errorf("during the outage: %+v, want 20 queued, 10 dropped", s)
	}

	// Restart lets the client in only once the watcher has subscribed
	// again, so the watcher sees the queue delivered.
	b.Restart()
	waitUntil(t, "the client reconnects", func() bool { return r.Stats().Connects == 2 })

	r.Publish(Event{Kind: Released}) // seq 32: events resume after the queue
	w.waitFor(t, "event 32", seqIs(32))
	count := map[uint64]int{}
	for _, m := range w.on("hark/kitchen/event") {
		var e Event
		if err := json.Unmarshal(m.Payload, &e); err != nil {
			t.Fatal(err)
		}
		count[e.Seq]++
	}
	for seq := uint64(1); seq <= 32; seq++ {
		want := 1
		if seq > 21 && seq < 32 { // beyond the bound of 20: dropped
			want = 0
		}
		if count[seq] != want {
			t.Errorf("event %d delivered %d times, want %d", seq, count[seq], want)
		}
	}
	waitUntil(t, "event 32 is acknowledged", func() bool { return r.Stats().Published >= 22 })
	if s := r.Stats(); s.Dropped != 10 || s.Published != 22 || s.Queued != 0 {
		t.Errorf("after the outage: %+v, want 22 published, 10 dropped", s)
	}
}

func TestRoomsOnOneBroker(t *testing.T) {
	b := mqtttest.Start(t)
	w := watch(t, b, "homeassistant/#", "hark/+/availability")
	rooms := map[string]*running{}
	for _, room := range []string{"kitchen", "hall", "attic"} {
		rooms[room] = runClient(t, configFor(b, room))
	}
	ids := map[string]string{}
	for room := range rooms {
		w.waitPayload(t, "hark/"+room+"/availability", "online")
		for _, object := range []string{"sensor/hark_%s/state", "sensor/hark_%s/transcript", "event/hark_%s/command", "switch/hark_%s/mute", "button/hark_%s/listen"} {
			topic := "homeassistant/" + fmt.Sprintf(object, room) + "/config"
			m := w.waitFor(t, topic, mqtttest.Topic(topic))
			var c struct {
				UniqueID string `json:"unique_id"`
				Device   struct{ Identifiers []string }
			}
			json.Unmarshal(m.Payload, &c)
			if other, dup := ids[c.UniqueID]; dup {
				t.Errorf("unique_id %s used by %s and %s", c.UniqueID, other, room)
			}
			ids[c.UniqueID] = room
			if !slices.Equal(c.Device.Identifiers, []string{"hark_" + room}) {
				t.Errorf("%s: device identifiers %v", topic, c.Device.Identifiers)
			}
		}
	}
	if len(ids) != 15 {
		t.Errorf("%d distinct unique_ids, want 15", len(ids))
	}

	b.Publish(t, "hark/kitchen/say", "only the kitchen", false)
	if got := rooms["kitchen"].in.next(t); got != "say:only the kitchen" {
		t.Errorf("kitchen got %q", got)
	}
	// The broker routed the kitchen's message before the marker (same
	// publisher, in order), so a room that got it would see it first.
	for _, room := range []string{"hall", "attic"} {
		b.Publish(t, "hark/"+room+"/say", "marker", false)
		if got := rooms[room].in.next(t); got != "say:marker" {
			t.Errorf("%s got %q before its marker", room, got)
		}
	}
}

func TestNewRefusesWorldReadablePassword(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "password")
	os.WriteFile(pw, []byte("secret-value\n"), 0o644)
	_, err := New(Config{Broker: "mqtt://localhost", Username: "hark", PasswordFile: pw}, newInputs(), nil)
	if err == nil || !strings.Contains(err.Error(), "world-readable") {
		t.Fatalf("New: %v, want a world-readable error", err)
	}
	if strings.Contains(err.Error(), "secret-value") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("pw\n"), 0o600)
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("pw\n"), 0o644)
	for _, tc := range []struct {
		name string
		cfg  Config
		keys []string
	}{
		{"minimal", Config{Broker: "mqtt://broker.local"}, nil},
		{"full", Config{Broker: "mqtts://broker.local:8883", Username: "u", PasswordFile: good, DeviceID: "kitchen-1", QoS: 1, KeepAlive: time.Minute}, nil},
		{"no broker", Config{}, []string{"broker"}},
		{"bad scheme", Config{Broker: "http://broker"}, []string{"broker"}},
		{"credentials in URL", Config{Broker: "mqtt://u:p@broker"}, []string{"broker"}},
		{"credentials, bad scheme", Config{Broker: "http://u:p@broker"}, []string{"broker"}},
		{"path", Config{Broker: "mqtt://broker/x"}, []string{"broker"}},
		{"ca without tls", Config{Broker: "mqtt://broker", CAFile: good}, []string{"ca_file", "ca_file"}},
		{"password without user", Config{Broker: "mqtt://b", PasswordFile: good}, []string{"password_file"}},
		{"world-readable", Config{Broker: "mqtt://b", Username: "u", PasswordFile: open}, []string{"password_file"}},
		{"missing password file", Config{Broker: "mqtt://b", Username: "u", PasswordFile: filepath.Join(dir, "none")}, []string{"password_file"}},
		{"device id", Config{Broker: "mqtt://b", DeviceID: "kitchen light"}, []string{"device_id"}},
		{"prefix wildcard", Config{Broker: "mqtt://b", TopicPrefix: "hark/#"}, []string{"topic_prefix"}},
		{"discovery slash", Config{Broker: "mqtt://b", DiscoveryPrefix: "homeassistant/"}, []string{"discovery_prefix"}},
		{"qos 2", Config{Broker: "mqtt://b", QoS: 2}, []string{"qos"}},
		{"keep alive", Config{Broker: "mqtt://b", KeepAlive: time.Second}, []string{"keep_alive"}},
		{"queue", Config{Broker: "mqtt://b", QueueSize: -1}, []string{"queue_size"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.ApplyDefaults()
			var keys []string
			for _, p := range tc.cfg.Check() {
				keys = append(keys, p.Key)
				if strings.Contains(p.Msg, "pw\n") || strings.Contains(p.Msg, ":p@") {
					t.Errorf("problem shows a password: %s", p)
				}
			}
			if !slices.Equal(keys, tc.keys) {
				t.Errorf("problems at %v, want %v: %v", keys, tc.keys, tc.cfg.Check())
			}
		})
	}
}

func TestApplyDefaults(t *testing.T) {
	c := Config{Broker: "mqtt://b", DeviceID: "kitchen"}
	c.ApplyDefaults()
	if c.ClientID != "hark-kitchen" || c.TopicPrefix != "hark/kitchen" || c.DiscoveryPrefix != "homeassistant" ||
		c.KeepAlive != DefaultKeepAlive || c.QueueSize != DefaultQueueSize || c.QoS != 0 {
		t.Errorf("defaults: %+v", c)
	}
	var h Config
	h.ApplyDefaults()
	if !validID(h.DeviceID) {
		t.Errorf("device id from the host name %q is not valid", h.DeviceID)
	}
}
