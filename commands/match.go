package commands

import (
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Match is a command found in an utterance. It marshals to JSON as
// {"command": …, "text": …, "params": {…}}.
type Match struct {
	Command string `json:"command"`
	Text    string `json:"text"` // the words that matched, as spoken
	Params  Params `json:"params"`
	Kind    Kind   `json:"-"` // where the dispatcher must run it
	// Pattern is the command's pattern as declared, for the scheduler's
	// blockage reports.
	Pattern string `json:"-"`

	handler Handler
	log     *slog.Logger // the Manager's, for panics of handler
}

// Invoke runs the command's handler with rt and hands every response to
// respond: progress responses as they come, then the final one. An error or
// a panic of the handler becomes an error Response naming the command; it
// goes no further. Invoke may run on any goroutine — on the main loop for
// Async commands, on a worker for Blocking ones — and calls respond on the
// same goroutine; the dispatcher passes responses to Manager.Record on the
// main loop.
func (mt Match) Invoke(rt Runtime, respond func(Response)) {
	tagged := func(r Response) {
		r.Command = mt.Command
		respond(r)
	}
	req := &Request{Runtime: rt, Command: mt.Command, Text: mt.Text, Params: mt.Params, respond: tagged}
	resp, err := mt.call(req)
	switch {
	case err != nil:
		tagged(failure(mt.Command, err))
	case resp != Response{}:
		tagged(resp)
	}
}

func (mt Match) call(req *Request) (resp Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			if mt.log != nil { // nil in a Match not made by a Manager
				mt.log.Error("command panicked", "command", mt.Command, "panic", p, "stack", string(debug.Stack()))
			}
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return mt.handler(req)
}
