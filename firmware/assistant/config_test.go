package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestListsSayOnlyAndVariants: a list parameter is its value; a command
// with only say answers, its variants in turn.
func TestListsSayOnlyAndVariants(t *testing.T) {
	hark, err := NewTextAssistant(Config{
		Lists: ValueLists(map[string][]ListValue{"room": {{Say: "kitchen"}, {Say: "living room"}, {Say: "lounge", Value: "living room"}}}),
		Commands: []CommandConfig{
			{Name: "light", Pattern: "turn (on|off) the $where:room light", Say: Says{"OK, the {where} light."}},
			{Name: "hello", Pattern: "hello there", Say: Says{"Hi.", "Hello.", "Hey."}},
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	for _, tt := range []struct{ text, want string }{
		{"turn on the lounge light", "OK, the living room light."},
		{"turn off the Kitchen light", "OK, the kitchen light."},
		{"hello there", "Hi."},
		{"hello there", "Hello."},
		{"hello there", "Hey."},
		{"hello there", "Hi."},
	} {
		answers, err := hark.Say(context.Background(), tt.text)
		if err != nil || len(answers) != 1 || answers[0].Text != tt.want {
			t.Errorf("%q: %+v, %v; want %q", tt.text, answers, err, tt.want)
		}
	}
}

func TestUnknownListIsAnError(t *testing.T) {
	_, err := NewTextAssistant(Config{Commands: []CommandConfig{{Pattern: "turn on the $where:room light", Say: Says{"ok"}}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown type room") {
		t.Errorf("err = %v", err)
	}
	if _, err := NewTypesWith(Config{Lists: ValueLists(map[string][]ListValue{"Number": {{Say: "x"}}})}); err == nil {
		t.Error("a list named like a built-in type was accepted")
	}
}

// TestProgramGetsIntent: the intent as JSON on stdin and in the
// environment; stdout is the answer.
func TestProgramGetsIntent(t *testing.T) {
	c := CommandConfig{Name: "light", Timeout: time.Minute, Run: []string{"/bin/sh", "-c",
		`read -r intent; printf '%s|%s|%s|%s|%s' "$intent" "$HARK_COMMAND" "$HARK_TEXT" "$HARK_PARAM_WHERE" "$HARK_PARAM_N_2"`}}
	hark, err := NewTextAssistant(Config{
		Lists:    ValueLists(map[string][]ListValue{"room": {{Say: "lounge", Value: "living room"}}}),
		Commands: []CommandConfig{{Name: "light", Pattern: "dim the $where:room light to $n-2:Number", Run: c.Run}},
	}, nil)
	if err == nil {
		hark.Close()
		t.Fatal("a parameter name with '-' compiled")
	}
	hark, err = NewTextAssistant(Config{
		Lists:    ValueLists(map[string][]ListValue{"room": {{Say: "lounge", Value: "living room"}}}),
		Commands: []CommandConfig{{Name: "light", Pattern: "dim the $where:room light to $n_2:Number", Run: c.Run}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	answers, err := hark.Say(context.Background(), "please dim the Lounge light to forty")
	if err != nil || len(answers) != 1 {
		t.Fatalf("%+v, %v", answers, err)
	}
	parts := strings.Split(answers[0].Text, "|")
	if len(parts) != 5 {
		t.Fatalf("answer %q", answers[0].Text)
	}
	var intent map[string]any
	if err := json.Unmarshal([]byte(parts[0]), &intent); err != nil {
		t.Fatalf("stdin %q: %v", parts[0], err)
	}
	want := map[string]any{"command": "light", "text": "dim the Lounge light to forty", "params": map[string]any{"where": "living room", "n_2": 40.0}}
	if !reflect.DeepEqual(intent, want) {
		t.Errorf("intent = %v, want %v", intent, want)
	}
	if got := parts[1:]; !reflect.DeepEqual(got, []string{"light", "dim the Lounge light to forty", "living room", "40"}) {
		t.Errorf("environment = %q", got)
	}
}

type fakePublisher struct {
	got []string
	err error
}

func (p *fakePublisher) Publish(_ context.Context, topic, payload string, retain bool, qos byte) error {
	p.got = append(p.got, topic+" "+payload)
	return p.err
}

func TestDeclaredPublishes(t *testing.T) {
	c := CommandConfig{Name: "light", Publish: &PublishConfig{Topic: "home/{where}/set", Payload: "{intent}"}, Say: Says{"Done."}}
	in := Intent{Command: "light", Text: "x", Params: stringIntent(map[string]string{"where": "hall"}).Params}
	pub := &fakePublisher{}
	out, err := declared(context.Background(), c, in, pub, func(int) int { return 0 })
	if err != nil || out != "Done." || len(pub.got) != 1 || pub.got[0] != `home/hall/set {"command":"light","text":"x","params":{"where":"hall"}}` {
		t.Errorf("%q, %v; published %q", out, err, pub.got)
	}
	pub.err = errors.New("broker down")
	if _, err := declared(context.Background(), c, in, pub, func(int) int { return 0 }); err == nil || !strings.Contains(err.Error(), "broker down") {
		t.Errorf("err = %v", err)
	}
	if _, err := declared(context.Background(), c, in, nil, func(int) int { return 0 }); err == nil || !strings.Contains(err.Error(), "needs the mqtt: section") {
		t.Errorf("err = %v", err)
	}
	a := &Assistant{types: NewTypes()}
	if _, err := a.commandSetFor(Config{Commands: []CommandConfig{c}}, Options{}); err == nil || !strings.Contains(err.Error(), "commands[0].publish needs the mqtt: section") {
		t.Errorf("commandSetFor without a Publisher: %v", err)
	}
}
