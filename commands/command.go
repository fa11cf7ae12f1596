package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/hark-assistant/hark/commands/pattern"
)

// Runtime is what a running command can ask of the scheduler.
type Runtime interface {
	// OnLoop runs fn holding the main loop and waits for it (syncify). Called from an
	// async command (already on the loop) it runs fn at once.
	OnLoop(fn func() error) error
	// Offload runs fn on the worker pool and waits for it (asyncify); an async command gives up
	// the loop meanwhile and resumes on it. Called from a blocking command it runs fn at once.
	Offload(fn func(ctx context.Context) error) error
	// Sleep waits d or until the command is cancelled; an async command gives up the loop meanwhile.
	Sleep(d time.Duration) error
	// Context is cancelled when the command is cancelled, times out, or Hark shuts down.
	Context() context.Context
}

// Params are a match's parameters by name; see pattern.Params for the
// typed accessors (Word, String, Number, Get) and pattern.As.
type Params = pattern.Params

// Kind says where a handler runs.
type Kind int

const (
	// Blocking handlers run on the worker pool, off the main loop; they may block.
	Blocking Kind = iota
	// Async handlers run on the main loop and must not block: they wait
	// through their Runtime (Offload, Sleep), which gives the loop up.
	Async
)

func (k Kind) String() string {
	switch k {
	case Blocking:
		return "blocking"
	case Async:
		return "async"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Handler runs a command. Its returned Response, unless zero, is the final
// answer; progress goes through Request.Respond before that. An error (or a
// panic) becomes an error Response naming the command.
type Handler func(req *Request) (Response, error)

// Request is what a handler receives.
type Request struct {
	Runtime
	Command string // name of the matched command
	Text    string // the words that matched, as spoken
	Params  Params // never nil

	respond func(Response)
}

// Respond sends a progress response ("downloading…") before the handler returns.
func (r *Request) Respond(resp Response) { r.respond(resp) }

// Command is a command declaration.
type Command struct {
	Name    string
	Pattern string
	Handler Handler
	Kind    Kind // Blocking unless set
	Hidden  bool // usable, but not listed by Available ("what can I say")
}
