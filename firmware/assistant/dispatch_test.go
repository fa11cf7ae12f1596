package assistant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
)

func TestDispatchBuiltins(t *testing.T) {
	h := newHarness(t, nil)
	h.turn("what time is it", "It's 3:04 PM.")
	h.turn("what's the date", "Today is Sunday, November 29.")
	h.turn("what time is it and what's the date", "It's 3:04 PM.", "Today is Sunday, November 29.")
	h.turn("repeat that", "Today is Sunday, November 29.")
	h.turn("open the pod bay doors", "Sorry, I didn't get that")
	h.turn("how long is left", "No timer is running.")
}

func TestDispatchTimer(t *testing.T) {
	h := newHarness(t, nil)
	h.turn("set a timer for five minutes", "Timer set for 5 minutes.")
	h.clock.Advance(100 * time.Second)
	h.turn("how much time is left", "3 minutes and 20 seconds left on your timer for 5 minutes.")
	h.clock.Advance(200 * time.Second)
	// The ring is an announcement: spoken with no press.
	h.expectStates(Speaking, Idle)
	if got := h.said(); len(got) != 1 || got[0] != "Your timer for 5 minutes is done." {
		t.Fatalf("announced %q", got)
	}
	h.turn("set a timer for ninety seconds", "Timer set for 1 minute and 30 seconds.")
	h.turn("cancel the timer", "Your timer for 1 minute and 30 seconds is cancelled.")
	h.turn("set a timer for thirty hours", "I can set a timer from one second to one day.")
}

func TestDispatchHelpListsVisibleCommands(t *testing.T) {
	cfg := Config{Grammar: true}
	cfg.Builtins.Hide = []string{"date"}
	cfg.Builtins.Disable = []string{"timer_status"}
	h := newHarness(t, &cfg, commands.Command{
		Name: "lights", Pattern: "turn (on|off) the light",
		Handler: func(*commands.Request) (commands.Response, error) { return commands.Response{Text: "ok"}, nil },
	})
	h.utter("what can I say")
	h.untilRest()
	got := h.said()
	if len(got) != 1 {
		t.Fatalf("said %q", got)
	}
	for _, want := range []string{"turn on the light", "what time is it", "set a timer for five minutes", "what can I say"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("help %q lacks %q", got[0], want)
		}
	}
	for _, hidden := range []string{"date", "how long is left"} {
		if strings.Contains(got[0], hidden) {
			t.Errorf("help %q lists %q", got[0], hidden)
		}
	}
	h.turn("how long is left", "Sorry, I didn't get that")     // disabled
	h.turn("what's the date", "Today is Sunday, November 29.") // hidden, still usable
}

func TestDispatchOverrideBuiltin(t *testing.T) {
	h := newHarness(t, nil, commands.Command{
		Name: "time", Pattern: "what time is it",
		Handler: func(*commands.Request) (commands.Response, error) { return commands.Response{Text: "Time to go."}, nil },
	})
	h.turn("what time is it", "Time to go.")
}

func TestDispatchFollowUpContext(t *testing.T) {
	var room *commands.Context
	light := commands.Command{
		Name: "light", Pattern: "turn on the light",
		Handler: func(*commands.Request) (commands.Response, error) {
			return commands.Response{Text: "Which room?", Context: room}, nil
		},
	}
	h := newHarness(t, nil, light)
	var err error
	room, err = h.a.manager.NewContext(time.Minute, commands.Command{
		Name: "room", Pattern: "the $room:Word",
		Handler: func(req *commands.Request) (commands.Response, error) {
			return commands.Response{Text: fmt.Sprintf("The %s light is on.", req.Params.Word("room")), CloseContext: true}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.turn("turn on the light", "Which room?")
	h.turn("the kitchen", "The kitchen light is on.")
	h.turn("the kitchen", "Sorry, I didn't get that") // the context closed
}

func TestDispatchDeclaredCommands(t *testing.T) {
	cfg := Config{Grammar: true}
	cfg.Commands = []CommandConfig{
		{Name: "echo", Pattern: "echo $what:String", Run: []string{"/bin/echo", "{what}"}, Timeout: time.Minute},
		{Name: "count", Pattern: "count to $n:Number", Run: []string{"/bin/echo", "{n}"}, Say: Says{"Counted to {output}."}, Timeout: time.Minute},
		{Name: "broken", Pattern: "break it", Run: []string{"/bin/false"}, Timeout: time.Minute},
	}
	h := newHarness(t, &cfg)
	h.turn("echo hello world", "hello world")
	h.turn("count to twenty five", "Counted to 25.")
	h.turn("break it", "Sorry, broken failed.")
}

func TestDispatchEmptyTranscriptIsSilent(t *testing.T) {
	h := newHarness(t, nil)
	h.turn("")
}

func TestDispatchSilentLongHoldMutes(t *testing.T) {
	h := newHarness(t, nil)
	h.listener.say("")
	h.a.Send(Input{Kind: Pressed})
	h.a.Send(Input{Kind: LongPressed})
	h.a.Send(Input{Kind: Released})
	h.expectStates(Listening, Thinking, Muted)
	h.a.Send(Input{Kind: Pressed}) // ignored while muted
	h.a.Send(Input{Kind: LongPressed})
	h.expectStates(Idle)
	h.a.Send(Input{Kind: Released})
	h.turn("what time is it", "It's 3:04 PM.")
	if h.listener.downs != 2 {
		t.Errorf("listened %d times, want 2 (not while muted)", h.listener.downs)
	}
}

// TestDispatchBargeIn presses while a blocking command runs: the command is
// cancelled and its late answer never spoken.
func TestDispatchBargeIn(t *testing.T) {
	started := make(chan struct{})
	cancelled := make(chan error)
	slow := commands.Command{
		Name: "slow", Pattern: "think hard",
		Handler: func(req *commands.Request) (commands.Response, error) {
			close(started)
			<-req.Context().Done()
			cancelled <- req.Context().Err()
			return commands.Response{Text: "too late"}, nil
		},
	}
	h := newHarness(t, nil, slow)
	h.utter("think hard")
	h.expectStates(Listening, Thinking)
	<-started
	h.listener.say("what time is it")
	h.a.Send(Input{Kind: Pressed})
	h.expectStates(Listening)
	if err := <-cancelled; err != context.Canceled {
		t.Errorf("slow command ended with %v, want context.Canceled", err)
	}
	h.a.Send(Input{Kind: Released})
	states := h.untilRest()
	if got := h.said(); len(got) != 1 || got[0] != "It's 3:04 PM." {
		t.Fatalf("said %q (states %v)", got, states)
	}
}

// TestDispatchLaterAnswerIsAnnouncement: a command that answers, keeps
// running and answers again lets its turn finish after the first answer.
func TestDispatchLaterAnswerIsAnnouncement(t *testing.T) {
	proceed := make(chan struct{})
	download := commands.Command{
		Name: "download", Pattern: "download it",
		Handler: func(req *commands.Request) (commands.Response, error) {
			req.Respond(commands.Response{Text: "Downloading."})
			<-proceed
			return commands.Response{Text: "Download done."}, nil
		},
	}
	h := newHarness(t, nil, download)
	h.turn("download it", "Downloading.")
	close(proceed)
	h.expectStates(Speaking, Idle)
	if got := h.said(); len(got) != 1 || got[0] != "Download done." {
		t.Fatalf("announced %q", got)
	}
}

// TestDispatchStopCancelsRunningCommands: "stop" cancels commands of
// earlier turns still running.
func TestDispatchStop(t *testing.T) {
	cancelled := make(chan error, 1)
	download := commands.Command{
		Name: "download", Pattern: "download it",
		Handler: func(req *commands.Request) (commands.Response, error) {
			req.Respond(commands.Response{Text: "Downloading."})
			<-req.Context().Done()
			cancelled <- req.Context().Err()
			return commands.Response{Text: "never said"}, nil
		},
	}
	h := newHarness(t, nil, download)
	h.turn("download it", "Downloading.")
	h.turn("stop")
	if err := <-cancelled; err != context.Canceled {
		t.Errorf("download ended with %v", err)
	}
	h.turn("what time is it", "It's 3:04 PM.")
}

func TestDispatchGrammar(t *testing.T) {
	cfg := Config{Grammar: true}
	h := newHarness(t, &cfg, commands.Command{
		Name: "lights", Pattern: "turn (on|off) the light",
		Handler: func(*commands.Request) (commands.Response, error) { return commands.Response{Text: "ok"}, nil },
	})
	h.turn("turn on the light", "ok")
	h.listener.mu.Lock()
	defer h.listener.mu.Unlock()
	if len(h.listener.grammars) != 1 {
		t.Fatalf("grammar set %d times, want once (it did not change)", len(h.listener.grammars))
	}
	// The listener gets the structured grammar; the phrases are what a
	// phrase-list engine (Vosk) expands it to.
	dec := h.listener.grammars[0]
	if dec == nil || dec.Check() != nil {
		t.Fatalf("listener grammar %+v is not a valid grammar", dec)
	}
	g := dec.PhraseList(GrammarLimit, GrammarLimit).Phrases
	for _, want := range []string{"turn on the light", "turn off the light", "what time is it", "repeat that",
		"set a timer for twenty five minutes", "start a timer for one hour"} {
		if !slices.Contains(g, want) {
			t.Errorf("grammar lacks %q: %q", want, g)
		}
	}
}

// TestDispatchGrammarRefusedIsSentAgain: a grammar the listener refused is
// not taken as in force; the next update sends it again.
func TestDispatchGrammarRefusedIsSentAgain(t *testing.T) {
	var room *commands.Context
	light := commands.Command{
		Name: "light", Pattern: "turn on the light",
		Handler: func(*commands.Request) (commands.Response, error) {
			return commands.Response{Text: "Which room?", Context: room}, nil
		},
	}
	h := newHarness(t, nil, light)
	var err error
	room, err = h.a.manager.NewContext(time.Minute, commands.Command{
		Name: "room", Pattern: "the $room:Word",
		Handler: func(*commands.Request) (commands.Response, error) {
			// Asks again: the context closed and opened, the grammar the same.
			return commands.Response{Text: "Which room?", CloseContext: true, Context: room}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The listener is given grammars on the main loop, before the turn's
	// press: after a turn, they have been set.
	h.turn("what time is it", "It's 3:04 PM.")
	h.listener.mu.Lock()
	h.listener.refuse = errors.New("refused")
	h.listener.mu.Unlock()
	h.turn("turn on the light", "Which room?")
	h.turn("the attic", "Which room?")
	h.turn("what time is it", "It's 3:04 PM.")
	h.listener.mu.Lock()
	defer h.listener.mu.Unlock()
	if got := h.listener.grammars; len(got) != 3 || !got[1].Equal(got[2]) || got[0].Equal(got[1]) {
		t.Fatalf("grammars set %d times, want 3: at the start, with the context (refused), and the same again", len(got))
	}
}

// TestTelemetry: one log line per utterance, with the time of each stage.
func TestTelemetry(t *testing.T) {
	h := newHarness(t, nil)
	h.turn("what time is it and what's the date", "It's 3:04 PM.", "Today is Sunday, November 29.")
	h.turn("open the pod bay doors", "Sorry, I didn't get that")
	h.turn("")
	h.stop() // the last line is written before the loop stops
	recs := h.logs.records(t, "utterance")
	if len(recs) != 3 {
		t.Fatalf("%d utterance lines, want 3: %v", len(recs), recs)
	}
	wants := []struct {
		text     string
		commands []any
		outcome  string
	}{
		{"what time is it and what's the date", []any{"time", "date"}, "idle"},
		{"open the pod bay doors", []any{}, "idle"},
		{"", nil, "idle"},
	}
	for i, r := range recs {
		w := wants[i]
		if r["text"] != w.text || r["outcome"] != w.outcome || r["turn"] != float64(i+1) {
			t.Errorf("line %d: %v", i, r)
		}
		if got, _ := r["commands"].([]any); !slices.Equal(got, w.commands) {
			t.Errorf("line %d: commands %v, want %v", i, r["commands"], w.commands)
		}
		for _, stage := range []string{"capture_ms", "decode_ms", "match_ms", "command_ms", "speech_ms", "total_ms"} {
			if _, ok := r[stage]; !ok {
				t.Errorf("line %d lacks %s: %v", i, stage, r)
			}
		}
	}
}

// TestDispatchBargeInDuringDecode: a press while the last utterance is still
// being decoded means its commands never run.
func TestDispatchBargeInDuringDecode(t *testing.T) {
	ran := make(chan string, 2)
	lights := commands.Command{
		Name: "lights", Pattern: "lights $state:Word",
		Handler: func(req *commands.Request) (commands.Response, error) {
			ran <- req.Params.Word("state")
			return commands.Response{Text: "ok"}, nil
		},
	}
	h := newHarness(t, nil, lights)
	gate := h.listener.holdUps()
	h.listener.say("lights on")
	h.a.Send(Input{Kind: Pressed})
	h.a.Send(Input{Kind: Released})
	h.expectStates(Listening, Thinking)
	h.a.Send(Input{Kind: Pressed}) // while "lights on" is decoded
	h.expectStates(Listening)
	h.listener.say("lights off")
	close(gate)
	h.a.Send(Input{Kind: Released})
	h.untilRest()
	if got := h.said(); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("said %q", got)
	}
	if got := <-ran; got != "off" {
		t.Errorf("ran lights %q, want only off", got)
	}
	select {
	case got := <-ran:
		t.Errorf("lights also ran with %q", got)
	default:
	}
}

// TestBuiltinNames: the names the configuration may disable or hide are
// exactly the built-ins.
func TestBuiltinNames(t *testing.T) {
	var names []string
	for _, b := range (&Assistant{}).builtins() {
		names = append(names, b.Name)
	}
	if !slices.Equal(names, BuiltinNames()) {
		t.Errorf("built-ins %v, BuiltinNames %v", names, BuiltinNames())
	}
}

// TestDispatchRecognizerFailure: a failed decode shows the error, which
// clears by itself.
func TestDispatchRecognizerFailure(t *testing.T) {
	h := newHarness(t, nil)
	h.a.Send(Input{Kind: Pressed})
	h.a.Send(Input{Kind: Released}) // nothing scripted: Up fails
	h.expectStates(Listening, Thinking, Failed)
	if err := h.clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(errorShown)
	h.expectStates(Idle)
	recs := h.logs.records(t, "failure")
	if len(recs) != 1 || recs[0]["err"] != "nothing scripted" {
		t.Errorf("failure log %v", recs)
	}
	h.turn("what time is it", "It's 3:04 PM.")
}

// TestDispatchUtteranceTooLong: push-to-talk ending an utterance at the
// maximum length ends the turn as if released, with a notice first; the
// real release later changes nothing.
func TestDispatchUtteranceTooLong(t *testing.T) {
	h := newHarness(t, nil)
	h.listener.mu.Lock()
	h.listener.onDown = func(utt int) { h.a.Send(Input{Kind: TooLong, ID: utt}) }
	h.listener.mu.Unlock()
	h.listener.say("what time is it")
	h.a.Send(Input{Kind: Pressed})
	states := h.untilRest()
	if got := h.said(); !slices.Equal(got, []string{tooLongNotice, "It's 3:04 PM."}) {
		t.Fatalf("said %q (states %v)", got, states)
	}
	if len(states) < 2 || states[0] != Listening || states[1] != Thinking {
		t.Errorf("LED states %v", states)
	}
	h.a.Send(Input{Kind: Released}) // the person lets go at last
	h.listener.mu.Lock()
	h.listener.onDown = nil
	h.listener.mu.Unlock()
	h.turn("what's the date", "Today is Sunday, November 29.")
	if recs := h.logs.records(t, "utterance too long: stopped listening"); len(recs) != 1 {
		t.Errorf("too-long log lines %v, want one", recs)
	}
}

// TestDispatchTooLongIsAboutOneUtterance: a maximum-length notice that
// reaches the loop after its utterance was released (here, while the next
// one is listened to) does not end the next one.
func TestDispatchTooLongIsAboutOneUtterance(t *testing.T) {
	h := newHarness(t, nil)
	h.turn("what time is it", "It's 3:04 PM.") // the first listen
	h.a.Send(Input{Kind: Pressed})
	h.expectStates(Listening)
	ran := make(chan struct{})
	h.a.post("late notice", func() {
		h.a.tooLong(1)
		close(ran)
	})
	<-ran
	h.listener.say("what's the date")
	h.a.Send(Input{Kind: Released})
	if states := h.untilRest(); !slices.Equal(states, []State{Thinking, Speaking, Idle}) {
		t.Errorf("LED states %v", states)
	}
	if got := h.said(); !slices.Equal(got, []string{"Today is Sunday, November 29."}) {
		t.Errorf("said %q", got)
	}
}

// TestDispatchMicLost: while the microphone is lost the LED shows the
// error and presses do not listen; restored, Hark listens again.
func TestDispatchMicLost(t *testing.T) {
	h := newHarness(t, nil)
	h.a.Send(Input{Kind: MicLost, Text: "capture device gone"})
	h.expectStates(Failed)
	h.a.Send(Input{Kind: Pressed})
	h.a.Send(Input{Kind: Released})
	h.a.Send(Input{Kind: MicRestored})
	h.expectStates(Idle) // nothing in between: the press was refused
	h.turn("what time is it", "It's 3:04 PM.")
	h.listener.mu.Lock()
	defer h.listener.mu.Unlock()
	if h.listener.downs != 1 {
		t.Errorf("listened %d times, want 1 (not while the microphone was lost)", h.listener.downs)
	}
}

// TestDispatchHeardText: text said some other way (MQTT's utterance topic)
// runs commands as a spoken utterance does, without listening; announced
// text is spoken when the assistant is free; mute comes and goes.
func TestDispatchHeardText(t *testing.T) {
	h := newHarness(t, nil)
	h.a.Send(Input{Kind: Heard, Text: "what time is it"})
	if states := h.untilRest(); !slices.Equal(states, []State{Thinking, Speaking, Idle}) {
		t.Fatalf("states %v", states)
	}
	if got := h.said(); !slices.Equal(got, []string{"It's 3:04 PM."}) {
		t.Fatalf("said %q", got)
	}
	if h.listener.downs != 0 {
		t.Errorf("listened %d times for a text", h.listener.downs)
	}
	h.a.Announce("dinner is ready")
	h.expectStates(Speaking, Idle)
	if got := h.said(); !slices.Equal(got, []string{"dinner is ready"}) {
		t.Fatalf("announced %q", got)
	}
	h.a.Send(Input{Kind: MuteOn})
	h.expectStates(Muted)
	h.a.Send(Input{Kind: MuteOff})
	h.expectStates(Idle)
	if heard := h.logs.records(t, "heard"); len(heard) != 1 || heard[0]["text"] != "what time is it" {
		t.Errorf("transcript log %v", heard)
	}
}

// TestDispatchFallback: what no command matched goes to the fallback (Home
// Assistant's conversation agent), on a worker, and its answer is spoken;
// matched commands never reach it.
func TestDispatchFallback(t *testing.T) {
	asked := make(chan string, 4)
	h := newHarnessWith(t, nil, Options{Fallback: FallbackFunc(func(ctx context.Context, u Utterance) commands.Response {
		asked <- u.Text
		return commands.Response{Text: "The porch light is on.", Status: commands.StatusSuccess}
	})})
	h.turn("turn on the porch light", "The porch light is on.")
	h.turn("what time is it", "It's 3:04 PM.")
	if len(asked) != 1 || <-asked != "turn on the porch light" {
		t.Errorf("the fallback was asked %d times", len(asked)+1)
	}
}

// TestDispatchBlockLoop: the debug command holds the main loop, and the
// watchdog names it.
func TestDispatchBlockLoop(t *testing.T) {
	h := newHarness(t, &Config{WatchdogThreshold: 50 * time.Millisecond, BlockLoop: &BlockLoopConfig{Pattern: "block it", Hold: 300 * time.Millisecond}})
	h.utter("block it")
	select {
	case info := <-h.led.blocked:
		if info.Name != "debug_block_loop" {
			t.Errorf("the watchdog named %q", info.Name)
		}
	case <-time.After(waitLimit):
		t.Fatal("the watchdog reported nothing")
	}
	h.untilRest()
}

// What no command matched goes to the fallback, and its command event says
// so, as for any command: Home Assistant's event entity lists it. Before,
// the fallback's turn had an answer event only.
func TestFallbackHasItsCommandEvent(t *testing.T) {
	events := make(chan Event, 64)
	fallback := FallbackFunc(func(context.Context, Utterance) commands.Response {
		return commands.Response{Text: "Lights on.", Command: FallbackCommand}
	})
	h := newHarnessWith(t, nil, Options{Fallback: fallback, OnEvent: func(e Event) {
		if e.Kind == EventCommand {
			events <- e
		}
	}})
	h.turn("turn on the kitchen lights", "Lights on.")
	select {
	case e := <-events:
		if e.Command != FallbackCommand || e.Text != "turn on the kitchen lights" {
			t.Errorf("command event %+v, want %s with the words", e, FallbackCommand)
		}
	default:
		t.Error("no command event for the fallback")
	}
}
