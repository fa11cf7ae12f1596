package assistant

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/lang"
	"github.com/hark-assistant/hark/commands/pattern"
)

// FallbackCommand is the command name the firmware gives the answers of
// Options.Fallback, Home Assistant's conversation agent.
const FallbackCommand = "home_assistant"

// CommandNames lists the command names Hark's own commands report in
// events, besides the declared ones and the caller's: the built-ins (see
// BuiltinNames), the command manager's repeat and the fallback. The debug
// command that blocks the loop is left out: it is for a device under test.
func CommandNames() []string {
	return append(BuiltinNames(), commands.RepeatCommand, FallbackCommand)
}

// builtin is a built-in command with a phrase "what can I say" offers.
type builtin struct {
	commands.Command
	example string
}

// timeUnit and count are the English built-ins' parameter types:
// TimeUnit, the timer's unit (second(s), minute(s), hour(s)) as a
// time.Duration, and Count, its amount, a spoken whole number from one to
// ninety-nine as an int. Unlike Number, Count is finite, so the timer's
// phrases can be listed in the recognizer's grammar. A language pack has
// its own (lang.Pack.NewTypes).
var (
	timeUnit = lang.Default().TimeUnitType()
	count    = lang.Default().CountType()
)

// packOr is p, or English when p is nil.
func packOr(p *lang.Pack) *lang.Pack {
	if p == nil {
		return lang.Default()
	}
	return p
}

// NewTypesIn is NewTypes in the language of p: its Number, TimeUnit and
// Count. A nil p is NewTypes.
func NewTypesIn(p *lang.Pack) *pattern.Types {
	if p == nil {
		return NewTypes()
	}
	return p.NewTypes()
}

// managerConfig is the command manager's configuration for the language
// p: its joiners and repeat command (nil: English's).
func (a *Assistant) managerConfig(p *lang.Pack) commands.ManagerConfig {
	mc := commands.ManagerConfig{Logger: a.log}
	if p != nil {
		mc.Connectors = p.Joiners
		mc.RepeatPattern = p.Commands[commands.RepeatCommand].Pattern
	}
	return mc
}

// language is the assistant's language pack.
func (a *Assistant) language() *lang.Pack { return packOr(a.lang) }

// maxTimer is the longest timer the built-in sets.
const maxTimer = 24 * time.Hour

// builtins are the built-in commands. Their handlers are Async: they run
// on the main loop and touch the assistant's loop-owned state directly.
func (a *Assistant) builtins() []builtin {
	p := a.language()
	info := func(text string) commands.Response {
		return commands.Response{Text: text, Status: commands.StatusInfo}
	}
	cmd := func(name string, handler commands.Handler) builtin {
		c := p.Commands[name]
		return builtin{commands.Command{Name: name, Pattern: c.Pattern, Kind: commands.Async, Handler: handler}, c.Example}
	}
	return []builtin{
		cmd("time", func(*commands.Request) (commands.Response, error) {
			return info(p.Reply("time", "time", p.Clock(a.clock.Now()))), nil
		}),
		cmd("date", func(*commands.Request) (commands.Response, error) {
			return info(p.Reply("date", "date", p.Date(a.clock.Now()))), nil
		}),
		cmd("timer", func(req *commands.Request) (commands.Response, error) {
			unit, _ := pattern.As[time.Duration](req.Params, "unit")
			n, _ := pattern.As[int](req.Params, "amount")
			d := time.Duration(n) * unit
			if d < time.Second || d > maxTimer {
				return commands.Response{Text: p.Reply("timer_range"), Status: commands.StatusFailed}, nil
			}
			return commands.Response{Text: a.timer.set(d), Status: commands.StatusSuccess}, nil
		}),
		cmd("timer_status", func(*commands.Request) (commands.Response, error) {
			return info(a.timer.left()), nil
		}),
		cmd("cancel_timer", func(*commands.Request) (commands.Response, error) {
			return commands.Response{Text: a.timer.cancel(), Status: commands.StatusSuccess}, nil
		}),
		cmd("help", func(*commands.Request) (commands.Response, error) {
			return info(p.Reply("help", "examples", strings.Join(a.examples(), "; "))), nil
		}),
		cmd("stop", func(*commands.Request) (commands.Response, error) {
			// Speech was cut by the press that said this; what is
			// left are commands of earlier turns still running.
			a.cancelOthers(a.machine.Turn())
			return commands.Response{}, nil
		}),
	}
}

// commandSet is every command Hark answers, in priority order (the first
// declared wins where matches overlap): the caller's, the configuration's,
// then the built-ins that are neither disabled nor overridden by name.
func (a *Assistant) commandSet(cfg Config, extra []commands.Command) []commands.Command {
	cmds, _ := a.commandSetFor(cfg, Options{Commands: extra})
	return cmds
}

// commandSetFor is commandSet with the options New takes: the declared
// commands publish through opts.Publisher. It registers cfg's lists as
// pattern types first (unless a.types has them already) and fails on a
// list that cannot be registered or on a publishing command without a
// Publisher.
func (a *Assistant) commandSetFor(cfg Config, opts Options) ([]commands.Command, error) {
	var errs []error
	if a.types != nil {
		errs = append(errs, addLists(a.types, cfg.Lists))
	}
	cmds := slices.Clone(opts.Commands)
	for i, d := range cfg.Commands {
		if d.Publish != nil && opts.Publisher == nil {
			errs = append(errs, fmt.Errorf("commands[%d].publish needs the mqtt: section", i))
		}
		cmds = append(cmds, declaredCommand(d.WithDefaults(i), opts.Publisher))
	}
	if cfg.BlockLoop != nil {
		cmds = append(cmds, blockLoop(cfg.BlockLoop.WithDefaults()))
	}
	a.examplesByName = map[string]string{}
	for _, b := range a.builtins() {
		taken := slices.ContainsFunc(cmds, func(c commands.Command) bool { return c.Name == b.Name })
		if taken || slices.Contains(cfg.Builtins.Disable, b.Name) {
			continue
		}
		b.Hidden = b.Hidden || slices.Contains(cfg.Builtins.Hide, b.Name)
		cmds = append(cmds, b.Command)
		a.examplesByName[b.Name] = b.example
	}
	return cmds, errors.Join(errs...)
}

// examples lists a phrase for each command "what can I say" offers: the
// built-in's example, the first phrase its pattern expands to, or its name.
func (a *Assistant) examples() []string {
	var out []string
	for _, c := range a.manager.Available(a.clock.Now()) {
		if ex := a.examplesByName[c.Name]; ex != "" {
			out = append(out, ex)
			continue
		}
		if p, err := pattern.Compile(c.Pattern, a.types); err == nil {
			if phrases := p.Expand(100).Phrases; len(phrases) > 0 {
				out = append(out, phrases[0])
				continue
			}
		}
		out = append(out, strings.ReplaceAll(c.Name, "_", " "))
	}
	return out
}

// declaredCommand turns a command of the configuration into a blocking
// command: it runs its program (with the intent, see Intent), publishes
// through pub, and answers its say, the variants taken in turn (the first,
// then the second, ... and round again), or else the program's output.
func declaredCommand(d CommandConfig, pub Publisher) commands.Command {
	var said atomic.Uint64
	pick := func(n int) int { return int((said.Add(1) - 1) % uint64(n)) }
	return commands.Command{
		Name:    d.Name,
		Pattern: d.Pattern,
		Hidden:  d.Hidden,
		Handler: func(req *commands.Request) (commands.Response, error) {
			in := Intent{Command: req.Command, Text: req.Text, Params: req.Params}
			out, err := declared(req.Context(), d, in, pub, pick)
			if err != nil {
				return commands.Response{}, err
			}
			return commands.Response{Text: out, Status: commands.StatusSuccess}, nil
		},
	}
}

// blockLoop is the debug command of BlockLoopConfig: an async command
// that sleeps on the main loop, wrong on purpose, so that the watchdog
// reports it and blinks the LED (and, held longer than systemd's
// WatchdogSec, gets Hark restarted).
func blockLoop(c BlockLoopConfig) commands.Command {
	return commands.Command{
		Name:    "debug_block_loop",
		Pattern: c.Pattern,
		Kind:    commands.Async,
		Hidden:  true,
		Handler: func(*commands.Request) (commands.Response, error) {
			time.Sleep(c.Hold)
			return commands.Response{Text: lang.Default().Reply("loop_blocked"), Status: commands.StatusInfo}, nil
		},
	}
}
