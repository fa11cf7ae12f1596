package assistant

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// hostile are slot values an utterance over MQTT can carry: each tries to
// break out of where a template puts it.
var hostile = []string{
	`milk", "state": "OFF`,
	`back\slash\`,
	"new\nline",
	"tab\tbell\a\x01\x1f\x7f",
	`a/b`,
	`a+b`,
	`a#b`,
	"nul\x00byte",
	`<b>&amp;</b>`,
	`}{"x":1`,
	"café ☕",
	`{intent}`,
	``,
}

// TestPublishPayloadEscaping: a value in a JSON payload stays the one
// value its placeholder stands for, whatever it holds; a text payload
// takes it as it is.
func TestPublishPayloadEscaping(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		// want is the payload decoded as JSON for value v, or nil for a
		// text payload, which must be wantText.
		want     func(v string) any
		wantText func(v string) string
	}{
		{"in a JSON string", `{"note": "{item}", "state": "ON"}`,
			func(v string) any { return map[string]any{"note": v, "state": "ON"} }, nil},
		{"in the middle of a JSON string", `{"note":"buy {item} today"}`,
			func(v string) any { return map[string]any{"note": "buy " + v + " today"} }, nil},
		{"as a JSON key", `{"{item}": true}`,
			func(v string) any { return map[string]any{v: true} }, nil},
		{"in a JSON array", ` [ "{item}", "{item}" ]`,
			func(v string) any { return []any{v, v} }, nil},
		{"as a JSON value: not JSON, so a string", `{"level": {item}}`,
			func(v string) any { return map[string]any{"level": v} }, nil},
		{"next to the intent", `{"state":"{item}","by":{intent}}`,
			func(v string) any {
				return map[string]any{"state": v, "by": map[string]any{"command": "test", "text": "test", "params": map[string]any{"item": v}}}
			}, nil},
		{"the intent alone", `{intent}`,
			func(v string) any {
				return map[string]any{"command": "test", "text": "test", "params": map[string]any{"item": v}}
			}, nil},
		{"after escaped quotes", `{"quote": "\"{item}\"", "dir": "C:\\", "note": "{item}"}`,
			func(v string) any { return map[string]any{"quote": `"` + v + `"`, "dir": `C:\`, "note": v} }, nil},
		{"text payload", `{item}`, nil, func(v string) string { return v }},
		{"text payload in brackets", `[ALERT] {item}`, nil, func(v string) string { return "[ALERT] " + v }},
		{"text payload around it", `POWER {item}`, nil, func(v string) string { return "POWER " + v }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range hostile {
				pub := &fakePublisher{}
				c := CommandConfig{Name: "note", Publish: &PublishConfig{Topic: "home/notes", Payload: tt.payload}}
				if _, err := declared(context.Background(), c, stringIntent(map[string]string{"item": v}), pub, func(int) int { return 0 }); err != nil {
					t.Fatalf("%q: %v", v, err)
				}
				if len(pub.got) != 1 {
					t.Fatalf("%q: published %q", v, pub.got)
				}
				payload := strings.TrimPrefix(pub.got[0], "home/notes ")
				if tt.want == nil {
					if want := tt.wantText(v); payload != want {
						t.Errorf("%q: payload %q, want %q", v, payload, want)
					}
					continue
				}
				var got any
				if err := json.Unmarshal([]byte(payload), &got); err != nil {
					t.Errorf("%q: payload %q is not JSON: %v", v, payload, err)
					continue
				}
				if want := tt.want(v); !reflect.DeepEqual(got, want) {
					t.Errorf("%q: payload %s decodes as %#v, want %#v", v, payload, got, want)
				}
			}
		})
	}
}

// TestPublishJSONValues: where a JSON payload has a placeholder as a value,
// a value that is one whole JSON value (a number, a program's JSON output)
// goes in as that value.
func TestPublishJSONValues(t *testing.T) {
	for _, tt := range []struct{ level, want string }{
		{"40", `{"brightness": 40}`},
		{"-2.5e3", `{"brightness": -2.5e3}`},
		{"true", `{"brightness": true}`},
		{`{"r":1}`, `{"brightness": {"r":1}}`},
		{"40, \"state\": \"OFF\"", `{"brightness": "40, \"state\": \"OFF\""}`},
		{"forty", `{"brightness": "forty"}`},
		{"<&>", `{"brightness": "<&>"}`},
	} {
		pub := &fakePublisher{}
		c := CommandConfig{Name: "dim", Publish: &PublishConfig{Topic: "t", Payload: `{"brightness": {level}}`}}
		if _, err := declared(context.Background(), c, stringIntent(map[string]string{"level": tt.level}), pub, func(int) int { return 0 }); err != nil {
			t.Fatalf("%q: %v", tt.level, err)
		}
		if want := "t " + tt.want; len(pub.got) != 1 || pub.got[0] != want {
			t.Errorf("%q: published %q, want %q", tt.level, pub.got, want)
		}
	}
}

// TestPublishTopicRefusesLevels: a value that would add a topic level, a
// wildcard or a NUL to the topic is refused, naming the slot and what is
// wrong, and nothing is published.
func TestPublishTopicRefusesLevels(t *testing.T) {
	for _, v := range hostile {
		var wantErr string
		switch {
		case strings.Contains(v, "/"):
			wantErr = `slot "item": the value has '/'`
		case strings.Contains(v, "+"):
			wantErr = `slot "item": the value has '+'`
		case strings.Contains(v, "#"):
			wantErr = `slot "item": the value has '#'`
		case strings.Contains(v, "\x00"):
			wantErr = `slot "item": the value has a NUL`
		case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			wantErr = `slot "item": the value has a control character`
		}
		pub := &fakePublisher{}
		c := CommandConfig{Name: "note", Publish: &PublishConfig{Topic: "home/{item}/set", Payload: "ON"}}
		_, err := declared(context.Background(), c, stringIntent(map[string]string{"item": v}), pub, func(int) int { return 0 })
		switch {
		case wantErr == "" && (err != nil || len(pub.got) != 1 || pub.got[0] != "home/"+v+"/set ON"):
			t.Errorf("%q: %v; published %q", v, err, pub.got)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr) || !strings.HasPrefix(err.Error(), "note: publish topic: ")):
			t.Errorf("%q: err = %v, want one with %q", v, err, wantErr)
		case wantErr != "" && len(pub.got) != 0:
			t.Errorf("%q: published %q", v, pub.got)
		}
	}
	// {output} and {intent} are values like the others.
	c := CommandConfig{Name: "x", Run: []string{"/bin/echo", "a/b"}, Timeout: DefaultCommandTimeout, Publish: &PublishConfig{Topic: "home/{output}", Payload: "ON"}}
	pub := &fakePublisher{}
	if _, err := declared(context.Background(), c, stringIntent(nil), pub, func(int) int { return 0 }); err == nil || !strings.Contains(err.Error(), `slot "output": the value has '/'`) || len(pub.got) != 0 {
		t.Errorf("{output} in a topic: %v; published %q", err, pub.got)
	}
}

// chanPublisher hands what a command publishes to the test, from the
// command's worker.
type chanPublisher chan string

func (p chanPublisher) Publish(_ context.Context, topic, payload string, _ bool, _ byte) error {
	p <- topic + " " + payload
	return nil
}

// TestPublishInjectionThroughAnUtterance: an utterance (which MQTT's
// utterance topic makes network input) can neither add keys to a JSON
// payload nor levels to a topic; the refused command answers with an error
// that the log shows with the slot and the problem.
func TestPublishInjectionThroughAnUtterance(t *testing.T) {
	pub := make(chanPublisher, 4)
	h := newHarnessWith(t, &Config{Commands: []CommandConfig{
		{Name: "note", Pattern: "note $item:Rest", Publish: &PublishConfig{Topic: "home/notes", Payload: `{"note": "{item}", "state": "ON"}`}, Say: Says{"Noted."}},
		{Name: "light", Pattern: "light $where:Rest", Publish: &PublishConfig{Topic: "home/{where}/set", Payload: "ON"}, Say: Says{"Done."}},
	}}, Options{Publisher: pub})

	h.turn(`note milk", "state": "OFF`, "Noted.")
	var got map[string]string
	payload := strings.TrimPrefix(<-pub, "home/notes ")
	if err := json.Unmarshal([]byte(payload), &got); err != nil || !reflect.DeepEqual(got, map[string]string{"note": `milk", "state": "OFF`, "state": "ON"}) {
		t.Errorf("payload %s (%v): want the words as the note, state ON", payload, err)
	}

	h.turn("light kitchen/# everything", "Sorry, light failed.")
	if len(pub) != 0 {
		t.Errorf("published %q", <-pub)
	}
	rs := h.logs.records(t, "response")
	last := rs[len(rs)-1]
	if text, _ := last["text"].(string); last["status"] != "error" || !strings.Contains(text, `slot "where": the value has '/'`) {
		t.Errorf("logged %v", last)
	}
}
