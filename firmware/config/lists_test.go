package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/firmware/assistant"
)

// TestListsAndAnswers: lists: values and synonyms, say-only commands, say
// variants, publish; each problem at its key and line.
func TestListsAndAnswers(t *testing.T) {
	const good = `lists:
  room: [kitchen, bedroom, living room, {say: lounge, value: living room}]
commands:
  - name: light
    pattern: "turn (on|off) the $where:room light"
    say: "OK, the {where} light."
  - name: hello
    pattern: hello there
    say: [Hi., Hello., "Hello, {intent}"]
`
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+good))
	if err != nil {
		t.Fatal(err)
	}
	want := []assistant.ListValue{{Say: "kitchen"}, {Say: "bedroom"}, {Say: "living room"}, {Say: "lounge", Value: "living room"}}
	if !reflect.DeepEqual(cfg.Lists["room"].Values, want) {
		t.Errorf("lists.room = %+v", cfg.Lists["room"])
	}
	if got := cfg.Commands[1].Say; len(got) != 3 || got[1] != "Hello." {
		t.Errorf("say variants = %q", got)
	}
	if a := cfg.Assistant(); !reflect.DeepEqual(a.Lists, cfg.Lists) {
		t.Errorf("Assistant().Lists = %v", a.Lists)
	}

	tests := []configErrorCase{
		{"unknown list", "commands:\n  - pattern: \"turn on the $where:rooms light\"\n    say: ok\n", "commands[0].pattern", 4, "unknown type rooms"},
		{"list clashes with a type", "lists:\n  Number: [one]\n", "lists.Number", 4, "already registered"},
		{"list name", "lists:\n  my-room: [a]\n", "lists.my-room", 4, "want letters"},
		{"empty list", "lists:\n  room: []\n", "lists.room", 4, "no values"},
		{"synonym twice", "lists:\n  room: [{say: den, value: a}, {say: Den, value: b}]\n", "lists.room", 4, "said for two values"},
		{"list value key", "lists:\n  room: [{say: den, valeu: a}]\n", "lists.room[0].valeu", 4, `unknown key "valeu"`},
		{"list value without say", "lists:\n  room: [{value: a}]\n", "lists.room[0].value", 4, "needs say (or in)"},
		{"say placeholder in a variant", "commands:\n  - pattern: hi\n    say: [ok, \"{x}\"]\n", "commands[0].say[1]", 5, "{x} is neither"},
		{"output without run", "commands:\n  - pattern: hi\n    say: \"{output}\"\n", "commands[0].say", 5, "{output} is neither"},
		{"publish without mqtt", "commands:\n  - pattern: hi\n    publish: {topic: a/b}\n", "commands[0].publish", 5, "needs the mqtt: section"},
		{"publish qos 2", "mqtt:\n  broker: mqtt://127.0.0.1:1883\ncommands:\n  - pattern: hi\n    publish: {topic: a/b, qos: 2}\n", "commands[0].publish.qos", 7, "2: want 0 or 1"},
		{"publish qos out of a byte", "mqtt:\n  broker: mqtt://127.0.0.1:1883\ncommands:\n  - pattern: hi\n    publish: {topic: a/b, qos: 256}\n", "commands[0].publish.qos", 7, "want a whole number from 0 to 255"},
		{"mqtt qos 2", "mqtt:\n  broker: mqtt://127.0.0.1:1883\n  qos: 2\n", "mqtt.qos", 5, "2: want 0 or 1"},
		{"empty say", "commands:\n  - pattern: hi\n    say: \"\"\n", "commands[0].say", 5, "empty answer"},
	}
	checkConfigErrors(t, tests)
}

// configErrorCase is a configuration (src, after a valid recognizer
// section) whose first problem is placed at key and line, its message
// holding msgPart.
type configErrorCase struct {
	name, src, key string
	line           int
	msgPart        string
}

func checkConfigErrors(t *testing.T, tests []configErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("err = %v, want Errors", err)
			}
			e := errs[0]
			if e.Key != tt.key || e.Line != tt.line || !strings.Contains(e.Msg, tt.msgPart) {
				t.Errorf("got %v; want key %q line %d msg containing %q", e, tt.key, tt.line, tt.msgPart)
			}
		})
	}
}
