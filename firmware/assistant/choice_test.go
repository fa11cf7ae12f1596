package assistant

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands/pattern"
)

// TestChoiceValuesReachCommands: the value of $state:(on=ON|off=OFF), and
// of a template's (on:1|off:0){state}, reaches the program ({state} in
// its arguments, its environment and the intent on its standard input),
// the publish payload and the strings MQTT events carry (ParamStrings).
func TestChoiceValuesReachCommands(t *testing.T) {
	pub := &fakePublisher{}
	cfg := Config{
		Lists:          ValueLists(map[string][]ListValue{"room": {{Say: "kitchen"}, {Say: "lounge", Value: "living room"}}}),
		ExpansionRules: map[string]string{"turn": "(turn | switch)"},
		Commands: []CommandConfig{
			{Name: "light", Pattern: "turn $state:(on=ON|off=OFF) the $where:room light", Timeout: time.Minute,
				Run:     []string{"/bin/sh", "-c", `read -r intent; printf '%s|%s|%s' "$1" "$HARK_PARAM_STATE" "$intent"`, "sh", "{state}"},
				Publish: &PublishConfig{Topic: "home/{where}/light", Payload: `{"state": "{state}", "seen": {intent}}`}},
			{Name: "fan", Template: "<turn> (on:1 | off:0){state} [the] fan", Say: Says{"fan {state}"},
				Publish: &PublishConfig{Topic: "home/fan", Payload: "{state}"}},
			{Name: "blind", Pattern: "$move:(open|close) the blind", Say: Says{"{move}"}},
		},
	}
	types, err := NewTypesWith(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := cfg.ResolveTemplates(types)
	if err != nil {
		t.Fatal(err)
	}
	if got := resolved.Commands[1].Pattern; got != "(turn|switch) $state:(on=1|off=0) (the)? fan" {
		t.Errorf("the fan's template as a pattern: %q", got)
	}
	hark, err := NewTextAssistantWith(resolved, Options{Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	answers, err := hark.Say(ctx, "please turn off the lounge light")
	if err != nil || len(answers) != 1 {
		t.Fatalf("%+v, %v", answers, err)
	}
	parts := strings.SplitN(answers[0].Text, "|", 3)
	if len(parts) != 3 || parts[0] != "OFF" || parts[1] != "OFF" || !strings.Contains(parts[2], `"state":"OFF"`) {
		t.Errorf("the program got %q", answers[0].Text)
	}
	if len(pub.got) != 1 || !strings.HasPrefix(pub.got[0], `home/living room/light {"state": "OFF", "seen": {"command":"light"`) {
		t.Errorf("published %q", pub.got)
	}

	answers, err = hark.Say(ctx, "switch on the fan")
	if err != nil || len(answers) != 1 || answers[0].Text != "fan 1" {
		t.Errorf("fan: %+v, %v", answers, err)
	}
	if len(pub.got) != 2 || pub.got[1] != "home/fan 1" {
		t.Errorf("published %q", pub.got)
	}
	answers, err = hark.Say(ctx, "Close the blind")
	if err != nil || len(answers) != 1 || answers[0].Text != "Close" {
		t.Errorf("blind: %+v, %v", answers, err)
	}

	// The strings of MQTT events.
	m, err := MatchManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for said, want := range map[string]string{
		"turn on the kitchen light": "state=ON where=kitchen",
		"turn off the fan":          "state=0",
		"open the blind":            "move=open",
	} {
		ms := m.Match(said, time.Time{})
		if len(ms) == 0 {
			t.Errorf("%q matched nothing", said)
			continue
		}
		values := ParamStrings(ms[0].Params)
		var got []string
		for _, name := range []string{"move", "state", "where"} {
			if v, ok := values[name]; ok {
				got = append(got, name+"="+v)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q: ParamStrings %v, want %s", said, values, want)
		}
		if v := ms[0].Params["state"]; v.Text != "" && v.Type != pattern.TypeChoice {
			t.Errorf("%q: state is a %s", said, v.Type)
		}
	}
}

// TestResolveTemplatesErrors: a template that does not compile is an
// error naming its command, for MatchManager and CheckCommands alike.
func TestResolveTemplatesErrors(t *testing.T) {
	cfg := Config{Commands: []CommandConfig{{Name: "x", Template: "turn on {nothing}", Say: Says{"ok"}}}}
	if _, err := MatchManager(cfg); err == nil || !strings.Contains(err.Error(), "commands[0].template") || !strings.Contains(err.Error(), "unknown list {nothing}") {
		t.Errorf("MatchManager: %v", err)
	}
	if err := CheckCommands(cfg, NewTypes()); err == nil || !strings.Contains(err.Error(), "unknown list {nothing}") {
		t.Errorf("CheckCommands: %v", err)
	}
}
