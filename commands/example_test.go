package commands_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
)

// inline is a Runtime that runs everything at once, standing in for the scheduler.
type inline struct{}

func (inline) OnLoop(fn func() error) error                     { return fn() }
func (inline) Offload(fn func(ctx context.Context) error) error { return fn(context.Background()) }
func (inline) Sleep(time.Duration) error                        { return nil }
func (inline) Context() context.Context                         { return context.Background() }

func Example() {
	m, err := commands.NewManager(pattern.NewTypes(),
		commands.Command{Name: "light", Pattern: "turn (on|off) the $room:Word? light", Handler: func(r *commands.Request) (commands.Response, error) {
			return commands.Response{Text: "Light in " + r.Params.Word("room"), Status: commands.StatusSuccess}, nil
		}},
		commands.Command{Name: "time", Pattern: "what time is it", Kind: commands.Async, Handler: func(*commands.Request) (commands.Response, error) {
			return commands.Response{Text: "It is noon", Status: commands.StatusInfo}, nil
		}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	// The dispatcher: match on the loop, run each command where its Kind
	// says, record every response on the loop.
	for _, mt := range m.Match("turn on the kitchen light and what time is it", now) {
		fmt.Println(mt.Command, mt.Kind)
		mt.Invoke(inline{}, func(r commands.Response) {
			r = m.Record(r, now)
			fmt.Printf("  #%d %s: %s\n", r.ID, r.Status, r.Spoken())
		})
	}
	// Output:
	// light blocking
	//   #1 success: Light in kitchen
	// time async
	//   #2 info: It is noon
}

// A response opens a follow-up context; the next utterance is matched
// there first.
func ExampleManager_NewContext() {
	ok := func(text string) commands.Handler {
		return func(*commands.Request) (commands.Response, error) { return commands.Response{Text: text}, nil }
	}
	m, _ := commands.NewManager(pattern.NewTypes(), commands.Command{Name: "light", Pattern: "turn on the light", Handler: ok("Which room?")})
	which, _ := m.NewContext(time.Minute, commands.Command{Name: "room", Pattern: "(the)? $room:Word", Handler: func(r *commands.Request) (commands.Response, error) {
		return commands.Response{Text: r.Params.Word("device") + " on in " + r.Params.Word("room"), CloseContext: true}, nil
	}})
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	say := func(text string) {
		matches := m.Match(text, now)
		if len(matches) == 0 {
			fmt.Println(m.Record(commands.NotFound(), now).Text)
		}
		for _, mt := range matches {
			mt.Invoke(inline{}, func(r commands.Response) {
				if r.Command == "light" {
					r.Context = which.With(commands.Params{"device": {Type: pattern.TypeWord, Text: "light", Value: "light"}})
				}
				fmt.Println(m.Record(r, now).Text)
			})
		}
	}
	say("turn on the light")
	say("the kitchen")
	say("the kitchen")
	// Output:
	// Which room?
	// light on in kitchen
	// Sorry, I didn't get that
}
