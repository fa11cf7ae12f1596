package mqtt

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

// harksOwn are the command names Hark itself gives command events: the
// built-ins, "repeat that" and Home Assistant's conversation fallback.
var harksOwn = []string{"time", "date", "timer", "timer_status", "cancel_timer", "help", "stop", "repeat", "home_assistant"}

// TestEventTypesHaveHarksOwnCommands: whatever commands are declared, the
// event entity lists Hark's own commands too, so Home Assistant takes
// their events.
func TestEventTypesHaveHarksOwnCommands(t *testing.T) {
	for _, declared := range [][]string{nil, {"light"}, {"light", "time", "light"}} {
		cfg := Config{DeviceID: "kitchen", Commands: declared}
		cfg.ApplyDefaults()
		var types []string
		for _, e := range entities(&cfg, makeTopics(cfg.TopicPrefix, cfg.DiscoveryPrefix)) {
			if e.component == "event" {
				types = e.config.EventTypes
			}
		}
		want := slices.Concat(declared, harksOwn)
		slices.Sort(want)
		if want = slices.Compact(want); !slices.Equal(types, want) {
			t.Errorf("declared %q: event_types %q, want %q", declared, types, want)
		}
		for _, name := range want {
			if _, ok := haEvent(&Event{Kind: Command, Command: name}, types); !ok {
				t.Errorf("declared %q: no Home Assistant event for %q", declared, name)
			}
		}
		if p, ok := haEvent(&Event{Kind: Command, Command: "unknown"}, types); ok {
			t.Errorf("declared %q: an unknown command's event %s, which Home Assistant would reject", declared, p)
		}
	}
}

// TestHAEventKeepsItsOwnKeys: the parameters are nested under "params", so
// one named command or event_type cannot overwrite the event's own keys.
func TestHAEventKeepsItsOwnKeys(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		want   map[string]any
	}{
		{"no params", nil,
			map[string]any{"event_type": "light", "command": "light", "params": map[string]any{}}},
		{"params", map[string]string{"room": "kitchen"},
			map[string]any{"event_type": "light", "command": "light", "params": map[string]any{"room": "kitchen"}}},
		{"params named like the event's keys", map[string]string{"command": "stop", "event_type": "time", "params": "x"},
			map[string]any{"event_type": "light", "command": "light", "params": map[string]any{"command": "stop", "event_type": "time", "params": "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := haEvent(&Event{Kind: Command, Command: "light", Params: tt.params}, eventTypes([]string{"light"}))
			if !ok {
				t.Fatal("no event")
			}
			var got map[string]any
			if err := json.Unmarshal(p, &got); err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("payload %s (%v), want %v", p, err, tt.want)
			}
		})
	}
}

// TestBuiltinReachesHomeAssistant: with a declared command, a built-in's
// command event still reaches the event entity's topic.
func TestBuiltinReachesHomeAssistant(t *testing.T) {
	b := mqtttest.Start(t)
	cfg := configFor(b, "kitchen")
	cfg.Commands = []string{"light"}
	w := watch(t, b, "hark/kitchen/command", "hark/kitchen/availability")
	r := runClient(t, cfg)
	w.waitPayload(t, "hark/kitchen/availability", "online")
	r.Publish(Event{Kind: Command, Command: "timer", Params: map[string]string{"amount": "5", "unit": "minutes"}})
	m := w.waitFor(t, "the timer's event", mqtttest.Topic("hark/kitchen/command"))
	var got map[string]any
	want := map[string]any{"event_type": "timer", "command": "timer", "params": map[string]any{"amount": "5", "unit": "minutes"}}
	if err := json.Unmarshal(m.Payload, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("payload %s (%v), want %v", m.Payload, err, want)
	}
}
