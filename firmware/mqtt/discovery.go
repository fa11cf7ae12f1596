package mqtt

import (
	"encoding/json"
	"slices"

	"github.com/hark-assistant/hark/firmware/assistant"
)

// topics are a device's MQTT topics, made once from its prefix.
type topics struct {
	availability, state, event, transcript, command, mute string   // out
	say, utterance, muteSet, listen                       string   // in
	haStatus                                              []string // Home Assistant's birth and will (see haStatusTopics)
}

// haBirthTopic is where Home Assistant announces itself (its MQTT
// birth and last will, online and offline): its MQTT integration's
// default, a setting of its own that changing the discovery prefix does
// not change.
const haBirthTopic = "homeassistant/status"

// haStatusTopics are the topics on which Home Assistant coming online means
// publishing the discovery configs again: its default birth topic, and
// <discovery_prefix>/status, where a user who moved the discovery prefix
// usually moves the birth topic too. Never under Hark's own prefix.
func haStatusTopics(discoveryPrefix string) []string {
	ts := []string{haBirthTopic}
	if own := discoveryPrefix + "/status"; own != haBirthTopic {
		ts = append(ts, own)
	}
	return ts
}

func makeTopics(prefix, discoveryPrefix string) topics {
	return topics{
		availability: prefix + "/availability",
		state:        prefix + "/state",
		event:        prefix + "/event",
		transcript:   prefix + "/transcript",
		command:      prefix + "/command",
		mute:         prefix + "/mute",
		say:          prefix + "/say",
		utterance:    prefix + "/utterance",
		muteSet:      prefix + "/mute/set",
		listen:       prefix + "/listen",
		haStatus:     haStatusTopics(discoveryPrefix),
	}
}

// The payloads of the availability, mute and button topics: Home Assistant's
// defaults, also spelled out in the discovery configs.
const (
	online      = "online"
	offline     = "offline"
	switchOn    = "ON"
	switchOff   = "OFF"
	buttonPress = "PRESS"
)

// message is one MQTT publish.
type message struct {
	topic   string
	payload []byte
	retain  bool
	qos     byte
}

// discoveryDevice is the device block shared by every entity, so Home
// Assistant groups them under one device.
type discoveryDevice struct {
	Identifiers  []string `json:"identifiers"`
	Name         string   `json:"name"`
	Manufacturer string   `json:"manufacturer"`
	Model        string   `json:"model"`
	SWVersion    string   `json:"sw_version,omitempty"`
}

type discoveryOrigin struct {
	Name      string `json:"name"`
	SWVersion string `json:"sw_version,omitempty"`
}

// discoveryConfig holds the fields Home Assistant documents for MQTT sensor,
// event, switch and button discovery that Hark uses.
type discoveryConfig struct {
	Name                string          `json:"name"`
	UniqueID            string          `json:"unique_id"`
	Icon                string          `json:"icon,omitempty"`
	AvailabilityTopic   string          `json:"availability_topic"`
	PayloadAvailable    string          `json:"payload_available"`
	PayloadNotAvailable string          `json:"payload_not_available"`
	StateTopic          string          `json:"state_topic,omitempty"`
	CommandTopic        string          `json:"command_topic,omitempty"`
	EventTypes          []string        `json:"event_types,omitempty"` // event
	PayloadOn           string          `json:"payload_on,omitempty"`  // switch
	PayloadOff          string          `json:"payload_off,omitempty"`
	StateOn             string          `json:"state_on,omitempty"`
	StateOff            string          `json:"state_off,omitempty"`
	PayloadPress        string          `json:"payload_press,omitempty"` // button
	QoS                 int             `json:"qos"`
	Device              discoveryDevice `json:"device"`
	Origin              discoveryOrigin `json:"origin"`
}

// entity is one Home Assistant entity of a Hark device.
type entity struct {
	component, object string
	config            discoveryConfig
}

// entities lists the Home Assistant entities of the device described by cfg
// (defaults applied).
func entities(cfg *Config, t topics) []entity {
	dev := discoveryDevice{
		Identifiers:  []string{"hark_" + cfg.DeviceID},
		Name:         "Hark " + cfg.DeviceID,
		Manufacturer: "Hark",
		Model:        "Hark",
		SWVersion:    cfg.Version,
	}
	base := func(name, object, icon string) discoveryConfig {
		return discoveryConfig{
			Name:                name,
			UniqueID:            "hark_" + cfg.DeviceID + "_" + object,
			Icon:                icon,
			AvailabilityTopic:   t.availability,
			PayloadAvailable:    online,
			PayloadNotAvailable: offline,
			QoS:                 1,
			Device:              dev,
			Origin:              discoveryOrigin{Name: "Hark", SWVersion: cfg.Version},
		}
	}
	state := base("State", "state", "mdi:account-voice")
	state.StateTopic = t.state
	transcript := base("Last transcript", "transcript", "mdi:text-box-outline")
	transcript.StateTopic = t.transcript
	command := base("Command", "command", "mdi:gesture-tap-button")
	command.StateTopic = t.command
	command.EventTypes = eventTypes(cfg.Commands)
	mute := base("Mute", "mute", "mdi:microphone-off")
	mute.StateTopic, mute.CommandTopic = t.mute, t.muteSet
	mute.PayloadOn, mute.PayloadOff = switchOn, switchOff
	mute.StateOn, mute.StateOff = switchOn, switchOff
	listen := base("Start listening", "listen", "mdi:microphone")
	listen.CommandTopic = t.listen
	listen.PayloadPress = buttonPress
	return []entity{
		{"sensor", "state", state},
		{"sensor", "transcript", transcript},
		{"event", "command", command},
		{"switch", "mute", mute},
		{"button", "listen", listen},
	}
}

// eventTypes is the event entity's event types: the declared commands'
// names and those of Hark's own, which Home Assistant would otherwise
// reject as events of no known type.
func eventTypes(declared []string) []string {
	types := slices.Concat(declared, assistant.CommandNames())
	slices.Sort(types)
	return slices.Compact(types)
}

// discoveryTopic is where Home Assistant looks for an entity's config:
// <discovery_prefix>/<component>/<node_id>/<object_id>/config.
func discoveryTopic(cfg *Config, e entity) string {
	return cfg.DiscoveryPrefix + "/" + e.component + "/hark_" + cfg.DeviceID + "/" + e.object + "/config"
}

// discoveryMessages are the retained configs announcing the device; with
// forget, the empty retained payloads that remove it.
func discoveryMessages(cfg *Config, t topics, forget bool) []message {
	var ms []message
	for _, e := range entities(cfg, t) {
		m := message{topic: discoveryTopic(cfg, e), retain: true, qos: 1}
		if !forget {
			m.payload, _ = json.Marshal(e.config) // plain structs: cannot fail
		}
		ms = append(ms, m)
	}
	return ms
}

// haEventPayload is the payload of the event entity's state topic: Home
// Assistant wants a JSON object with event_type; the other keys become the
// entity's attributes. The parameters are nested under params, as in the
// intent, so that none can overwrite event_type or command; command, the
// same as event_type, is kept for automations written against it.
type haEventPayload struct {
	EventType string            `json:"event_type"`
	Command   string            `json:"command"`
	Params    map[string]string `json:"params"`
}

// haEvent is e's payload for the event entity, if its command is one of
// types.
func haEvent(e *Event, types []string) ([]byte, bool) {
	if !slices.Contains(types, e.Command) {
		return nil, false // Home Assistant would reject it
	}
	params := e.Params
	if params == nil {
		params = map[string]string{} // an attribute templates can always index
	}
	b, _ := json.Marshal(haEventPayload{EventType: e.Command, Command: e.Command, Params: params}) // strings only: cannot fail
	return b, true
}
