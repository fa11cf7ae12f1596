package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands/pattern"
)

// fakeRuntime runs everything at once, as for a blocking command.
type fakeRuntime struct{ ctx context.Context }

func (r fakeRuntime) OnLoop(fn func() error) error                     { return fn() }
func (r fakeRuntime) Offload(fn func(ctx context.Context) error) error { return fn(r.ctx) }
func (r fakeRuntime) Sleep(time.Duration) error                        { return r.ctx.Err() }
func (r fakeRuntime) Context() context.Context                         { return r.ctx }

func answer(text string) Handler {
	return func(*Request) (Response, error) { return Response{Text: text, Status: StatusSuccess}, nil }
}

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func newTestManager(t *testing.T, cmds ...Command) *Manager {
	t.Helper()
	m, err := NewManager(pattern.NewTypes(), cmds...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// summary renders matches as "command[text]{params}" for compact tables.
func summary(ms []Match) []string {
	var out []string
	for _, m := range ms {
		s := m.Command + "[" + m.Text + "]"
		if len(m.Params) > 0 {
			b, _ := json.Marshal(m.Params)
			s += string(b)
		}
		out = append(out, s)
	}
	return out
}

func TestMatchSeveralCommands(t *testing.T) {
	m := newTestManager(t,
		Command{Name: "light", Pattern: "turn (on|off) the $room:Word? light", Handler: answer("ok")},
		Command{Name: "time", Pattern: "what time is it", Handler: answer("noon")},
		Command{Name: "timer", Pattern: "set a timer (for)? $n:Number minutes", Handler: answer("set")},
		Command{Name: "note", Pattern: "note $text:String", Handler: answer("noted")},
		Command{Name: "any-light", Pattern: "turn ** light", Handler: answer("?")},
		Command{Name: "café", Pattern: "un café (s'il vous plaît)?", Handler: answer("☕")},
	)
	tests := []struct {
		text string
		want []string
	}{
		{"turn on the light", []string{"light[turn on the light]"}},
		{"please turn on the kitchen light now", []string{`light[turn on the kitchen light]{"room":"kitchen"}`}},
		{"turn on the light and what time is it", []string{"light[turn on the light]", "time[what time is it]"}},
		// Spoken order, whatever the declaration order.
		{"what time is it and turn off the light", []string{"time[what time is it]", "light[turn off the light]"}},
		{"set a timer for twenty five minutes then what time is it and turn on the hall light",
			[]string{`timer[set a timer for twenty five minutes]{"n":25}`, "time[what time is it]", `light[turn on the hall light]{"room":"hall"}`}},
		// Overlap: "light" is declared before "any-light" and wins the same words.
		{"turn off the light", []string{"light[turn off the light]"}},
		// Where "light" cannot match, the later command gets the words.
		{"turn the big red light", []string{"any-light[turn the big red light]"}},
		// The open slot stops before the next command and its connector.
		{"note buy milk and what time is it", []string{`note[note buy milk]{"text":"buy milk"}`, "time[what time is it]"}},
		{"note buy bread and butter", []string{`note[note buy bread and butter]{"text":"buy bread and butter"}`}},
		{"UN CAFÉ, s'il vous plaît", []string{"café[UN CAFÉ, s'il vous plaît]"}},
		{"what is the weather", nil},
		{"", nil},
		{"repeat that", []string{"repeat[repeat that]"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := summary(m.Match(tt.text, t0)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOpenSlotBeforeAnotherCommand: a trailing open slot declared first
// still leaves a following command alone.
func TestOpenSlotBeforeAnotherCommand(t *testing.T) {
	m := newTestManager(t,
		Command{Name: "remind", Pattern: "remind me to $what:Rest", Handler: answer("ok")},
		Command{Name: "note", Pattern: "note $text:String", Handler: answer("noted")},
		Command{Name: "search", Pattern: "search for **", Handler: answer("found")},
		Command{Name: "time", Pattern: "what time is it", Handler: answer("noon")},
		Command{Name: "light", Pattern: "turn on the light", Handler: answer("on")},
		Command{Name: "echo", Pattern: "$x:String please", Handler: answer("")},
	)
	tests := []struct {
		text string
		want []string
	}{
		// A String at the end yields to a command that follows, even
		// without a connector (STARK does the same)…
		{"note buy milk what time is it", []string{`note[note buy milk]{"text":"buy milk"}`, "time[what time is it]"}},
		{"search for cats turn on the light", []string{"search[search for cats]", "light[turn on the light]"}},
		// …but not to one that starts with an open slot, and Rest never yields.
		{"remind me to turn on the light what time is it", []string{`remind[remind me to turn on the light what time is it]{"what":"turn on the light what time is it"}`}},
		{"note buy milk and what time is it", []string{`note[note buy milk]{"text":"buy milk"}`, "time[what time is it]"}},
		{"note buy milk and then what time is it", []string{`note[note buy milk]{"text":"buy milk"}`, "time[what time is it]"}},
		{"note rock and roll", []string{`note[note rock and roll]{"text":"rock and roll"}`}},
		{"search for cats and note feed them", []string{"search[search for cats]", `note[note feed them]{"text":"feed them"}`}},
		{"note what time is it", []string{`note[note what time is it]{"text":"what time is it"}`}},
	}
	for _, tt := range tests {
		if got := summary(m.Match(tt.text, t0)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Match(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestNewManagerHealthCheck(t *testing.T) {
	ok := answer("ok")
	tests := []struct {
		name string
		cmds []Command
		want []string // every one must be in the error
	}{
		{"bad pattern", []Command{{Name: "a", Pattern: "turn (on", Handler: ok}}, []string{`command a: pattern "turn (on": position 5: unbalanced '('`}},
		{"unknown type", []Command{{Name: "a", Pattern: "set $x:Colour", Handler: ok}}, []string{"command a:", "unknown type Colour"}},
		{"same pattern", []Command{{Name: "a", Pattern: "turn on", Handler: ok}, {Name: "b", Pattern: "Turn  on", Handler: ok}}, []string{"commands a and b have the same pattern"}},
		{"same pattern, other spacing", []Command{{Name: "a", Pattern: "turn (on|off) the light", Handler: ok}, {Name: "b", Pattern: "turn ( on | off ) the light!", Handler: ok}}, []string{"commands a and b have the same pattern"}},
		{"same pattern, other parameter names", []Command{{Name: "a", Pattern: "dim the $room:Word light", Handler: ok}, {Name: "b", Pattern: "dim the $place:Word light", Handler: ok}}, []string{"commands a and b have the same pattern"}},
		{"same name", []Command{{Name: "a", Pattern: "x", Handler: ok}, {Name: "a", Pattern: "y", Handler: ok}}, []string{"command a is declared twice"}},
		{"builtin name", []Command{{Name: RepeatCommand, Pattern: "x", Handler: ok}}, []string{"command repeat is declared twice"}},
		{"no handler", []Command{{Name: "a", Pattern: "x"}}, []string{"command a has no handler"}},
		{"no name", []Command{{Pattern: "x", Handler: ok}}, []string{`command #1 (pattern "x") has no name`}},
		{"all problems at once", []Command{{Name: "a", Pattern: "(", Handler: ok}, {Name: "b", Pattern: "$", Handler: ok}},
			[]string{"command a:", "command b:", "'$' without a parameter name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewManager(pattern.NewTypes(), tt.cmds...)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestInvoke(t *testing.T) {
	tests := []struct {
		name    string
		handler Handler
		want    []Response
	}{
		{"answer", answer("done"), []Response{{Text: "done", Status: StatusSuccess, Command: "job"}}},
		{"progress then answer", func(r *Request) (Response, error) {
			r.Respond(Response{Text: "working on " + r.Params.Word("what")})
			return Response{Text: "done"}, nil
		}, []Response{{Text: "working on dishes", Command: "job"}, {Text: "done", Command: "job"}}},
		{"no final answer", func(r *Request) (Response, error) { return Response{}, nil }, nil},
		{"error", func(*Request) (Response, error) { return Response{}, errors.New("disk full") }, []Response{
			{Text: "The job command failed: disk full", Voice: "Sorry, job failed.", Status: StatusError, Command: "job"}}},
		{"panic", func(*Request) (Response, error) { panic("oops") }, []Response{
			{Text: "The job command failed: panic: oops", Voice: "Sorry, job failed.", Status: StatusError, Command: "job"}}},
		{"runtime", func(r *Request) (Response, error) {
			err := r.Offload(func(ctx context.Context) error { return ctx.Err() })
			return Response{Text: "offloaded"}, err
		}, []Response{{Text: "offloaded", Command: "job"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestManager(t, Command{Name: "job", Pattern: "do the $what:Word", Handler: tt.handler})
			ms := m.Match("do the dishes", t0)
			if len(ms) != 1 {
				t.Fatalf("matches = %v", summary(ms))
			}
			var got []Response
			ms[0].Invoke(fakeRuntime{context.Background()}, func(r Response) { got = append(got, r) })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("responses = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestRecordAndRepeat: Record stamps responses, repeat replays the last one.
func TestRecordAndRepeat(t *testing.T) {
	m := newTestManager(t, Command{Name: "hi", Pattern: "hello", Handler: answer("Hi there")})
	say := func(text string, now time.Time) []Response {
		var out []Response
		ms := m.Match(text, now)
		if len(ms) == 0 {
			return []Response{m.Record(NotFound(), now)}
		}
		for _, mt := range ms {
			mt.Invoke(fakeRuntime{context.Background()}, func(r Response) { out = append(out, m.Record(r, now)) })
		}
		return out
	}
	if _, ok := m.Last(); ok {
		t.Fatal("Last before any response")
	}
	if got := say("repeat that", t0); got[0].Text != "I haven't said anything yet" {
		t.Errorf("repeat with nothing said = %+v", got)
	}
	first := say("hello", t0.Add(time.Second))[0]
	if first.ID != 2 || !first.Time.Equal(t0.Add(time.Second)) || first.Command != "hi" {
		t.Errorf("recorded = %+v", first)
	}
	again := say("Say that again", t0.Add(2*time.Second))[0]
	if again.Text != "Hi there" || again.Status != StatusSuccess || again.ID != 3 || again.Command != RepeatCommand {
		t.Errorf("repeat = %+v", again)
	}
	nf := say("blah blah", t0.Add(3*time.Second))[0]
	if nf.Text != "Sorry, I didn't get that" || nf.Status != StatusNotFound || nf.Spoken() != nf.Text {
		t.Errorf("not found = %+v", nf)
	}
	if last, _ := m.Last(); last.ID != nf.ID {
		t.Errorf("Last = %+v, want the not-found response", last)
	}
}

func TestContexts(t *testing.T) {
	m := newTestManager(t,
		Command{Name: "light", Pattern: "turn on the light", Handler: answer("which room?")},
		Command{Name: "time", Pattern: "what time is it", Handler: answer("noon")},
		Command{Name: "kitchen", Pattern: "the kitchen", Handler: answer("root kitchen")},
	)
	// "cancel" comes first: declared later, $room:Word would win its words.
	room, err := m.NewContext(time.Minute,
		Command{Name: "cancel", Pattern: "never mind", Handler: answer("cancelled")},
		Command{Name: "room", Pattern: "(the)? $room:Word", Handler: answer("ok")},
	)
	if err != nil {
		t.Fatal(err)
	}
	confirm, err := m.NewContext(0, Command{Name: "yes", Pattern: "yes", Handler: answer("sure")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.NewContext(0, Command{Name: "bad", Pattern: "$x:Nope", Handler: answer("")}); err == nil {
		t.Error("NewContext accepted an unknown type")
	}

	type step struct {
		at     time.Duration // since t0
		text   string        // "" only records
		want   []string
		record *Response // recorded after matching
		open   int       // contexts open afterwards
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"innermost first", []step{
			{0, "turn on the light", []string{"light[turn on the light]"}, &Response{Text: "which room?", NeedsUserInput: true, Context: room.With(Params{"device": {Type: "Word", Text: "light", Value: "light"}})}, 1},
			// The context's $room:Word shadows the root's "the kitchen" and carries the context's params.
			{time.Second, "the kitchen", []string{`room[the kitchen]{"device":"light","room":"kitchen"}`}, nil, 1},
		}},
		{"fallback to root", []step{
			{0, "turn on the light", []string{"light[turn on the light]"}, &Response{Context: confirm}, 1},
			{time.Second, "what time is it", []string{"time[what time is it]"}, nil, 1},
			{2 * time.Second, "yes", []string{"yes[yes]"}, nil, 1},
		}},
		{"nested contexts fall back outward", []step{
			{0, "", nil, &Response{Context: room}, 1},
			{0, "", nil, &Response{Context: confirm}, 2},
			{time.Second, "yes", []string{"yes[yes]"}, nil, 2},
			{time.Second, "never mind", []string{"cancel[never mind]"}, &Response{CloseContext: true}, 1},
			{time.Second, "yes", []string{`room[yes]{"room":"yes"}`}, nil, 1},
		}},
		{"timeout", []step{
			{0, "", nil, &Response{Context: room}, 1},
			{59 * time.Second, "the kitchen", []string{`room[the kitchen]{"room":"kitchen"}`}, nil, 1},
			// Matching restarted the minute: still open at 1m58s, closed at 1m59s.
			{118 * time.Second, "the hall", []string{`room[the hall]{"room":"hall"}`}, nil, 1},
			{178 * time.Second, "the kitchen", []string{"kitchen[the kitchen]"}, nil, 0},
		}},
		{"explicit close", []step{
			{0, "", nil, &Response{Context: room}, 1},
			{0, "", nil, &Response{CloseContext: true}, 0},
			{0, "the kitchen", []string{"kitchen[the kitchen]"}, nil, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for len(m.open) > 0 {
				m.CloseContext()
			}
			for i, s := range tt.steps {
				now := t0.Add(s.at)
				if got := summary(m.Match(s.text, now)); !reflect.DeepEqual(got, s.want) {
					t.Errorf("step %d: Match(%q) = %q, want %q", i, s.text, got, s.want)
				}
				if s.record != nil {
					m.Record(*s.record, now)
				}
				if got := m.OpenContexts(now); got != s.open {
					t.Errorf("step %d: %d contexts open, want %d", i, got, s.open)
				}
			}
		})
	}
}

func TestAvailable(t *testing.T) {
	m := newTestManager(t,
		Command{Name: "light", Pattern: "turn on the light", Handler: answer("")},
		Command{Name: "debug", Pattern: "debug dump", Handler: answer(""), Hidden: true},
	)
	ctx, err := m.NewContext(0, Command{Name: "room", Pattern: "the $room:Word", Handler: answer("")})
	if err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		var out []string
		for _, c := range m.Available(t0) {
			out = append(out, c.Name)
		}
		return out
	}
	if got, want := names(), []string{"light", RepeatCommand}; !reflect.DeepEqual(got, want) {
		t.Errorf("Available = %v, want %v", got, want)
	}
	m.Record(Response{Context: ctx}, t0)
	if got, want := names(), []string{"room", "light", RepeatCommand}; !reflect.DeepEqual(got, want) {
		t.Errorf("Available in context = %v, want %v", got, want)
	}
	if got := summary(m.Match("debug dump", t0)); len(got) != 1 {
		t.Errorf("hidden command not usable: %v", got)
	}
}

func TestGrammar(t *testing.T) {
	m := newTestManager(t,
		Command{Name: "light", Pattern: "turn (on|off) the light", Handler: answer("")},
		Command{Name: "timer", Pattern: "wait $n:Number", Handler: answer("")},
	)
	ctx, err := m.NewContext(0, Command{Name: "name", Pattern: "call me $name:String", Handler: answer("")})
	if err != nil {
		t.Fatal(err)
	}
	g := m.Grammar(t0, 1000)
	for _, want := range []string{"turn on the light", "turn off the light", "wait twenty five", "wait a hundred", "repeat that", "what did you say"} {
		if !contains(g.Phrases, want) {
			t.Errorf("Phrases lack %q", want)
		}
	}
	if g.Open || len(g.OpenCommands) != 0 || !contains(g.Words, "light") || !contains(g.Words, "seven") {
		t.Errorf("Grammar = %+v", g)
	}
	// The structured grammar is what the recognizer gets.
	dec := g.RecognizerGrammar()
	if dec == nil || dec.Check() != nil || len(dec.Commands) != 3 {
		t.Fatalf("RecognizerGrammar = %+v", dec)
	}
	for _, utt := range []string{"turn on the light", "wait one hundred and five and turn off the light", "wait minus three point five"} {
		if !dec.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar refuses %q", utt)
		}
	}
	for _, utt := range []string{"turn and on the light", "wait and five", "turn on the light and"} {
		if dec.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar accepts %q", utt)
		}
	}
	// Past the limit a command is left to open decoding, alone.
	if g := m.Grammar(t0, 5); !reflect.DeepEqual(g.OpenCommands, []string{"timer", RepeatCommand}) || !contains(g.Phrases, "turn on the light") {
		t.Errorf("Grammar(5) = %+v, want timer and repeat open", g)
	}
	m.Record(Response{Context: ctx}, t0)
	g = m.Grammar(t0, 1000)
	if !g.Open || !reflect.DeepEqual(g.OpenCommands, []string{"name"}) || !contains(g.Words, "call") || !contains(g.Phrases, "turn on the light") {
		t.Errorf("Grammar with an open slot = %+v", g)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMatchJSON(t *testing.T) {
	m := newTestManager(t, Command{Name: "light", Pattern: "turn on the $room:Word light (at $level:Number percent)?", Handler: answer("")})
	ms := m.Match("turn on the Kitchen light at fifty percent", t0)
	// The pattern travels with the match, for blockage reports, but stays out of the JSON.
	if len(ms) != 1 || ms[0].Pattern != "turn on the $room:Word light (at $level:Number percent)?" {
		t.Fatalf("matches = %+v, want one carrying its pattern", ms)
	}
	b, err := json.Marshal(ms)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"command":"light","text":"turn on the Kitchen light at fifty percent","params":{"level":50,"room":"Kitchen"}}]`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(m.Match("turn on the hall light", t0))
	if want := `[{"command":"light","text":"turn on the hall light","params":{"room":"hall"}}]`; string(b) != want {
		t.Errorf("JSON = %s\nwant %s", b, want)
	}
}

func TestStatusAndKindStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{StatusNone.String(), "none"}, {StatusSuccess.String(), "success"}, {StatusInfo.String(), "info"},
		{StatusError.String(), "error"}, {StatusNotFound.String(), "not-found"}, {StatusFailed.String(), "failed"},
		{Status(42).String(), "Status(42)"}, {Blocking.String(), "blocking"}, {Async.String(), "async"}, {Kind(7).String(), "Kind(7)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	b, _ := json.Marshal(StatusNotFound)
	if string(b) != `"not-found"` {
		t.Errorf("JSON status = %s", b)
	}
}

// A panicking handler is reported with its stack to the Manager's logger,
// for matches in a follow-up context as for the root's.
func TestPanicLoggedToManagerLogger(t *testing.T) {
	explode := func(*Request) (Response, error) { panic("oops") }
	var logs bytes.Buffer
	m, err := NewManagerWith(pattern.NewTypes(), ManagerConfig{Logger: slog.New(slog.NewJSONHandler(&logs, nil))},
		Command{Name: "boom", Pattern: "blow up", Handler: explode})
	if err != nil {
		t.Fatal(err)
	}
	followUp, err := m.NewContext(0, Command{Name: "again", Pattern: "once more", Handler: explode})
	if err != nil {
		t.Fatal(err)
	}
	m.Record(Response{Text: "Blow up again?", Context: followUp}, t0)
	tests := []struct{ text, command string }{
		{"blow up", "boom"},
		{"once more", "again"},
	}
	for _, tt := range tests {
		logs.Reset()
		ms := m.Match(tt.text, t0)
		if len(ms) != 1 {
			t.Fatalf("Match(%q) = %v, want one match", tt.text, summary(ms))
		}
		var got []Response
		ms[0].Invoke(fakeRuntime{context.Background()}, func(r Response) { got = append(got, r) })
		if len(got) != 1 || got[0].Status != StatusError {
			t.Errorf("%s: responses %+v, want one error response", tt.command, got)
		}
		var rec struct {
			Level, Msg, Command, Panic, Stack string
		}
		if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
			t.Fatalf("%s: log %q: %v", tt.command, logs.String(), err)
		}
		if rec.Level != "ERROR" || rec.Msg != "command panicked" || rec.Command != tt.command || rec.Panic != "oops" || !strings.Contains(rec.Stack, "commands.TestPanicLoggedToManagerLogger") {
			t.Errorf("%s: logged %+v, want an error naming the command, the panic and the handler's stack", tt.command, rec)
		}
	}
}

// NewManager and a zero ManagerConfig discard instead of logging to the
// process-wide default.
func TestManagerNilLoggerDiscards(t *testing.T) {
	m := newTestManager(t)
	if h := m.log.Handler(); h != slog.DiscardHandler {
		t.Errorf("NewManager logs to %T, want slog.DiscardHandler", h)
	}
}
