package firmware

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// recordingSpeaker keeps what Hark says, at once.
type recordingSpeaker struct{ said chan string }

func (s *recordingSpeaker) Say(_ context.Context, text string) error {
	s.said <- text
	return nil
}

// watchdogIndicator counts the watchdog's alerts.
type watchdogIndicator struct {
	mu      sync.Mutex
	blocked int
}

func (w *watchdogIndicator) Show(assistant.State) {}
func (w *watchdogIndicator) Blocked(scheduler.BlockInfo) {
	w.mu.Lock()
	w.blocked++
	w.mu.Unlock()
}
func (w *watchdogIndicator) Recovered(time.Duration) {}

// brokerHark is Hark over a scripted microphone (the generated Vosk model,
// whose tones say "two on") with the MQTT bridge wired by Run's own code,
// against a real Mosquitto.
type brokerHark struct {
	*Scripted
	speaker *recordingSpeaker
	ind     *watchdogIndicator
	pcm     []byte // "two on", spoken in tones
	stop    func()
}

func startBrokerHark(t *testing.T, broker *mqtttest.Broker, qos int) *brokerHark {
	t.Helper()
	return startRoomHark(t, broker, qos, "test", "")
}

// startRoomHark is startBrokerHark for the device id room.
func startRoomHark(t *testing.T, broker *mqtttest.Broker, qos int, room, extraYAML string) *brokerHark {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	user, pass := broker.User()
	cfg, err := config.Parse("hark.yaml", fmt.Appendf(nil, `recognizer: {engine: vosk, model: %s}
mqtt:
  broker: %s
  username: %s
  password_file: %s
  device_id: %s
  qos: %d
%s`, dir, broker.URL(), user, pass, room, qos, extraYAML))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	rec, err := OpenRecognizer(cfg.Recognizer, log)
	if err != nil {
		t.Fatal(err)
	}
	in, err := openIntegrations(cfg, "test", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	h := &brokerHark{speaker: &recordingSpeaker{said: make(chan string, 16)}, ind: &watchdogIndicator{}, pcm: testmodel.Utterance("two", "on")}
	two := commands.Command{Name: "two", Pattern: "two on", Handler: func(*commands.Request) (commands.Response, error) {
		return commands.Response{Text: "Two is on.", Status: commands.StatusSuccess}, nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := StartScripted(ctx, cfg, rec, h.speaker, h.ind, in.options(assistant.Options{Commands: []commands.Command{two}, Logger: log}))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	h.Scripted = s
	done := make(chan error, 1)
	go func() { done <- in.run(ctx, s.Assistant()) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("integrations: %v", err)
			}
			if err := s.Stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
			rec.Close()
		})
	}
	t.Cleanup(h.stop)
	// Online is announced once Hark has subscribed to its inputs.
	if _, err := broker.Subscribe(t, "hark/"+room+"/availability").Wait(waitCtx(t), mqtttest.Payload("hark/"+room+"/availability", "online")); err != nil {
		t.Fatalf("%s did not come online: %v", room, err)
	}
	return h
}

// said waits for Hark to say want.
func (h *brokerHark) expectSaid(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-h.speaker.said:
		if got != want {
			t.Fatalf("Hark said %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Hark did not say %q", want)
	}
}

// event is the JSON Hark publishes on …/event.
type event struct {
	Kind    string            `json:"kind"`
	Seq     uint64            `json:"seq"`
	Text    string            `json:"text"`
	Command string            `json:"command"`
	Params  map[string]string `json:"params"`
	Status  string            `json:"status"`
	State   string            `json:"state"`
}

func eventWhere(match func(event) bool) func(mqtttest.Message) bool {
	return func(m mqtttest.Message) bool {
		var e event
		return m.Topic == "hark/test/event" && json.Unmarshal(m.Payload, &e) == nil && match(e)
	}
}

// awaitState waits for Hark's state to be want, from now on: a new
// subscription gets the retained state, then what follows (an older
// message skipped by another subscription's Wait could be stale).
func awaitState(t *testing.T, broker *mqtttest.Broker, want string) {
	t.Helper()
	if _, err := broker.Subscribe(t, "hark/test/state").Wait(waitCtx(t), mqtttest.Payload("hark/test/state", want)); err != nil {
		t.Fatalf("state %s: %v", want, err)
	}
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestMQTTRoundTrips: through a real broker, Hark's availability, state and
// events come out; an utterance sent in runs a command, a say is spoken,
// mute switches the state; a spoken turn is published as transcript,
// command and answer; a clean stop leaves it offline.
func TestMQTTRoundTrips(t *testing.T) {
	// After every cleanup, the broker's included.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	broker := mqtttest.Start(t)
	sub := broker.Subscribe(t, "hark/test/#")
	h := startBrokerHark(t, broker, 1)
	ctx := waitCtx(t)
	if _, err := sub.Wait(ctx, mqtttest.Payload("hark/test/availability", "online")); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Wait(ctx, mqtttest.Payload("hark/test/state", "idle")); err != nil {
		t.Fatal(err)
	}

	broker.Publish(t, "hark/test/utterance", "two on", false)
	h.expectSaid(t, "Two is on.")
	if _, err := sub.Wait(ctx, eventWhere(func(e event) bool { return e.Kind == "command" && e.Command == "two" })); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Wait(ctx, eventWhere(func(e event) bool { return e.Kind == "answer" && e.Text == "Two is on." })); err != nil {
		t.Fatal(err)
	}

	broker.Publish(t, "hark/test/say", "dinner is ready", false)
	h.expectSaid(t, "dinner is ready")

	broker.Publish(t, "hark/test/mute/set", "ON", false)
	awaitState(t, broker, "muted")
	broker.Publish(t, "hark/test/mute/set", "OFF", false)
	awaitState(t, broker, "idle")

	ctx = waitCtx(t)
	if err := h.Say(ctx, h.pcm); err != nil {
		t.Fatal(err)
	}
	h.expectSaid(t, "Two is on.")
	if _, err := sub.Wait(ctx, eventWhere(func(e event) bool { return e.Kind == "transcript" && e.Text == "two on" })); err != nil {
		t.Fatal(err)
	}

	h.stop()
	if _, err := sub.Wait(ctx, mqtttest.Payload("hark/test/availability", "offline")); err != nil {
		t.Fatal(err)
	}
}

// TestMQTTBrokerOutage: with the broker killed, Hark goes on answering
// local commands and the watchdog stays silent; once it is back, the QoS 1
// events queued meanwhile arrive, each once, and new events follow.
func TestMQTTBrokerOutage(t *testing.T) {
	broker := mqtttest.Start(t)
	h := startBrokerHark(t, broker, 1)
	sub := broker.Subscribe(t, "hark/test/event")
	ctx := waitCtx(t)
	if err := h.Say(ctx, h.pcm); err != nil {
		t.Fatal(err)
	}
	h.expectSaid(t, "Two is on.")
	answer := func(after uint64) func(mqtttest.Message) bool {
		return eventWhere(func(e event) bool { return e.Kind == "answer" && e.Seq > after })
	}
	m, err := sub.Wait(ctx, answer(0))
	if err != nil {
		t.Fatal(err)
	}
	// QoS 1 is at least once: what was in flight when the broker died (this
	// answer, if its acknowledgement was lost) may come again. What was
	// queued during the outage must come exactly once.
	var before event
	_ = json.Unmarshal(m.Payload, &before)

	broker.Kill()
	for range 3 {
		if err := h.Say(ctx, h.pcm); err != nil {
			t.Fatal(err)
		}
		h.expectSaid(t, "Two is on.")
	}
	broker.Restart()
	ctx = waitCtx(t)
	var last uint64
	for i := range 3 {
		m, err := sub.Wait(ctx, answer(before.Seq))
		if err != nil {
			t.Fatalf("after the outage, %d of the 3 answers queued meanwhile arrived: %v", i, err)
		}
		var e event
		_ = json.Unmarshal(m.Payload, &e)
		last = max(last, e.Seq)
	}
	if err := h.Say(ctx, h.pcm); err != nil {
		t.Fatal(err)
	}
	h.expectSaid(t, "Two is on.")
	if _, err := sub.Wait(ctx, answer(last)); err != nil {
		t.Fatalf("no event after the reconnect: %v", err)
	}
	answers := map[uint64]int{}
	for _, m := range sub.Messages() {
		var e event
		if json.Unmarshal(m.Payload, &e) == nil && e.Kind == "answer" && e.Seq > before.Seq {
			answers[e.Seq]++
		}
	}
	if len(answers) != 4 {
		t.Errorf("%d distinct answer events after the first, want 4 (three during the outage, one after)", len(answers))
	}
	for seq, n := range answers {
		if n > 1 {
			t.Errorf("event %d, queued during the outage, delivered %d times", seq, n)
		}
	}
	h.ind.mu.Lock()
	defer h.ind.mu.Unlock()
	if h.ind.blocked != 0 {
		t.Errorf("the watchdog reported %d blockages during the outage", h.ind.blocked)
	}
}

// TestMQTTSeveralRooms: three Harks on one broker have their own ids and
// discovery, and a say to one reaches only that one.
func TestMQTTSeveralRooms(t *testing.T) {
	broker := mqtttest.Start(t)
	discovery := broker.Subscribe(t, "homeassistant/#")
	rooms := map[string]*brokerHark{}
	for _, room := range []string{"kitchen", "hall", "attic"} {
		rooms[room] = startRoomHark(t, broker, 1, room, "")
	}
	ctx := waitCtx(t)
	for room := range rooms {
		if _, err := discovery.Wait(ctx, func(m mqtttest.Message) bool {
			return strings.Contains(m.Topic, room) && strings.Contains(string(m.Payload), `"hark/`+room+`/availability"`)
		}); err != nil {
			t.Fatalf("no discovery for %s: %v", room, err)
		}
	}
	broker.Publish(t, "hark/hall/say", "hello hall", false)
	rooms["hall"].expectSaid(t, "hello hall")
	for _, room := range []string{"kitchen", "attic"} {
		select {
		case got := <-rooms[room].speaker.said:
			t.Errorf("%s said %q, meant for the hall", room, got)
		case <-time.After(300 * time.Millisecond): // the hall has answered: the others would have by now
		}
	}
}

// TestMQTTCommandPublishes: a declared command that publishes (to drive a
// Zigbee2MQTT light, say) reaches a subscriber, with its parameters filled
// in; with the broker down it answers with an error.
func TestMQTTCommandPublishes(t *testing.T) {
	broker := mqtttest.Start(t)
	lights := broker.Subscribe(t, "zigbee2mqtt/#")
	h := startRoomHark(t, broker, 1, "test", `lists:
  room: [kitchen, {say: lounge, value: living room}]
commands:
  - name: light
    pattern: "switch (on|off) the $where:room lamp"
    publish: {topic: "zigbee2mqtt/{where}/set", payload: '{"state": "ON"}'}
    say: "The {where} lamp is on."
  - name: porch
    pattern: "one on"
    publish: {topic: "zigbee2mqtt/porch/set", payload: "ON"}
    say: "The porch lamp is on."
`)
	broker.Publish(t, "hark/test/utterance", "switch on the lounge lamp", false)
	h.expectSaid(t, "The living room lamp is on.")
	if _, err := lights.Wait(waitCtx(t), mqtttest.Payload("zigbee2mqtt/living room/set", `{"state": "ON"}`)); err != nil {
		t.Fatal(err)
	}

	broker.Kill()
	if err := h.Say(waitCtx(t), testmodel.Utterance("one", "on")); err != nil {
		t.Fatal(err)
	}
	h.expectSaid(t, "Sorry, porch failed.")
}

// TestHomeAssistantFallback: through Run's wiring, what no local command
// matched goes to Home Assistant's conversation API (here a server that
// answers as Home Assistant documents it) and its answer is spoken; a
// Home Assistant that does not answer in time gets a "Sorry", never
// silence; local commands never reach it.
func TestHomeAssistantFallback(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var asked []string
	var mu sync.Mutex
	ha := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Text string }
		if r.URL.Path != "/api/conversation/process" || r.Header.Get("Authorization") != "Bearer s3cret" || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		asked = append(asked, req.Text)
		mu.Unlock()
		if req.Text == "two off" { // a slow Home Assistant
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		fmt.Fprint(w, `{"conversation_id": "c1", "response": {"response_type": "action_done", "language": "en",
			"speech": {"plain": {"speech": "Turned on the porch light", "extra_data": null}}}}`)
	}))
	defer ha.Close()
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("hark.yaml", fmt.Appendf(nil, "recognizer: {engine: vosk, model: %s}\nhome_assistant: {url: %s, token_file: %s, timeout: 300ms}\n", dir, ha.URL, token))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	in, err := openIntegrations(cfg, "test", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	speaker := &recordingSpeaker{said: make(chan string, 8)}
	h := &brokerHark{speaker: speaker}
	rec, err := OpenRecognizer(cfg.Recognizer, log)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := StartScripted(ctx, cfg, rec, speaker, &watchdogIndicator{}, in.options(assistant.Options{Logger: log}))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	defer func() {
		cancel()
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	a := s.Assistant()
	a.Send(assistant.Input{Kind: assistant.Heard, Text: "turn on the porch light"})
	h.expectSaid(t, "Turned on the porch light")
	a.Send(assistant.Input{Kind: assistant.Heard, Text: "two off"})
	h.expectSaid(t, "Sorry, Home Assistant did not answer.")
	a.Send(assistant.Input{Kind: assistant.Heard, Text: "what time is it"})
	select {
	case got := <-speaker.said:
		if !strings.HasPrefix(got, "It's ") {
			t.Errorf("the time: %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer to a local command")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 {
		t.Errorf("Home Assistant was asked %q, want only the two unmatched texts", asked)
	}
}
