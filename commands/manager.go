package commands

import (
	"cmp"
	"log/slog"
	"slices"
	"time"

	"github.com/hark-assistant/hark/commands/pattern"
)

// RepeatCommand is the name of the built-in command that replays the last
// response ("repeat that", "say that again", "what did you say").
const RepeatCommand = "repeat"

// Context is a follow-up context: commands that only make sense right after
// a response, such as the answers to "which room?". It is opened by
// recording a Response that carries it.
type Context struct {
	set     commandSet
	timeout time.Duration
	params  Params
}

// With returns a copy of c whose matches also carry params (the match's own
// parameters win on a name clash), so a follow-up knows what it follows.
func (c *Context) With(params Params) *Context {
	cp := *c
	cp.params = params
	return &cp
}

type openContext struct {
	*Context
	deadline time.Time // zero: no timeout
}

// Manager finds commands in utterances and keeps the conversation's state:
// open contexts and the last response. It is owned by the main loop; see
// the package documentation.
type Manager struct {
	types *pattern.Types
	log   *slog.Logger // handed to every Match
	root  commandSet
	open  []openContext // innermost last
	last  *Response
	ids   uint64
	conn  connectorSet // words joining commands
}

// ManagerConfig configures a Manager beyond its commands. The zero value is
// what NewManager uses.
type ManagerConfig struct {
	// Logger receives a report, with the stack, of every handler that
	// panics; the panic becomes an error Response either way. nil discards
	// the reports: the commands package logs only where it is told to.
	Logger *slog.Logger
	// Connectors are the words that join several commands in one
	// utterance (a language pack's joiners); nil is English's, "and" and
	// "then".
	Connectors []string
	// RepeatPattern is the built-in repeat command's pattern, in the
	// language spoken; "" is English's.
	RepeatPattern string
}

// NewManager checks and compiles cmds against types (the health check at
// start) and returns a Manager that knows them and the built-in repeat
// command. The error lists every problem found, each naming its command.
// types must not be added to afterwards. It is NewManagerWith and the zero
// ManagerConfig: panics of handlers are not logged.
func NewManager(types *pattern.Types, cmds ...Command) (*Manager, error) {
	return NewManagerWith(types, ManagerConfig{}, cmds...)
}

// NewManagerWith is NewManager configured by cfg.
func NewManagerWith(types *pattern.Types, cfg ManagerConfig, cmds ...Command) (*Manager, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Manager{types: types, log: log, conn: newConnectorSet(cfg.Connectors)}
	repeat := Command{
		Name:    RepeatCommand,
		Pattern: cmp.Or(cfg.RepeatPattern, "(repeat (that|it)|say (that|it) again|what did you say)"),
		Kind:    Async, // reads the manager's state, so it runs on the loop
		Handler: m.repeat,
	}
	root, err := compileSet(types, append(slices.Clip(cmds), repeat))
	if err != nil {
		return nil, err
	}
	m.root = root
	return m, nil
}

// NewContext checks and compiles the commands of a follow-up context that
// closes timeout after it was opened or last matched (never when 0). Build
// contexts at start, next to NewManager, so the health check covers them;
// it is safe on any goroutine.
func (m *Manager) NewContext(timeout time.Duration, cmds ...Command) (*Context, error) {
	set, err := compileSet(m.types, cmds)
	if err != nil {
		return nil, err
	}
	return &Context{set: set, timeout: timeout}, nil
}

// Match finds the commands in text: in the innermost open context first,
// falling back outward to the root when nothing matches there. Contexts
// whose timeout passed by now are closed first; the context that matched
// has its timeout restarted. No matches means the dispatcher should answer
// NotFound().
func (m *Manager) Match(text string, now time.Time) []Match {
	m.expire(now)
	u := pattern.Split(text)
	for i := len(m.open) - 1; i >= 0; i-- {
		c := &m.open[i]
		if found := c.set.find(u, c.params, m.conn, m.log); len(found) > 0 {
			c.deadline = deadline(now, c.timeout)
			return found
		}
	}
	return m.root.find(u, nil, m.conn, m.log)
}

// Record stamps r with an ID and the time now, remembers it for "repeat
// that", closes the innermost context when r asks to and opens r.Context.
// It returns the stamped response for the dispatcher to speak.
func (m *Manager) Record(r Response, now time.Time) Response {
	m.ids++
	r.ID, r.Time = m.ids, now
	if r.CloseContext {
		m.CloseContext()
	}
	if r.Context != nil {
		m.open = append(m.open, openContext{Context: r.Context, deadline: deadline(now, r.Context.timeout)})
	}
	m.last = &r
	return r
}

// Last returns the last recorded response.
func (m *Manager) Last() (Response, bool) {
	if m.last == nil {
		return Response{}, false
	}
	return *m.last, true
}

// CloseContext closes the innermost open context, if any.
func (m *Manager) CloseContext() {
	if len(m.open) > 0 {
		m.open = m.open[:len(m.open)-1]
	}
}

// OpenContexts is the number of follow-up contexts open at now.
func (m *Manager) OpenContexts(now time.Time) int {
	m.expire(now)
	return len(m.open)
}

// Available lists the commands usable at now, innermost context first,
// without the hidden ones: the answer to "what can I say".
func (m *Manager) Available(now time.Time) []Command {
	var out []Command
	for _, set := range m.active(now) {
		for _, c := range set {
			if !c.Hidden {
				out = append(out, c.Command)
			}
		}
	}
	return out
}

// active returns the command sets in force at now, innermost first.
func (m *Manager) active(now time.Time) []commandSet {
	m.expire(now)
	sets := make([]commandSet, 0, len(m.open)+1)
	for i := len(m.open) - 1; i >= 0; i-- {
		sets = append(sets, m.open[i].set)
	}
	return append(sets, m.root)
}

func (m *Manager) expire(now time.Time) {
	m.open = slices.DeleteFunc(m.open, func(c openContext) bool {
		return !c.deadline.IsZero() && !now.Before(c.deadline)
	})
}

func deadline(now time.Time, timeout time.Duration) time.Time {
	if timeout <= 0 {
		return time.Time{}
	}
	return now.Add(timeout)
}

// repeat is the built-in repeat command's handler; it runs on the loop.
func (m *Manager) repeat(*Request) (Response, error) {
	last, ok := m.Last()
	if !ok {
		return Response{Text: "I haven't said anything yet", Status: StatusInfo}, nil
	}
	return Response{Text: last.Text, Voice: last.Voice, Status: last.Status, NeedsUserInput: last.NeedsUserInput}, nil
}
