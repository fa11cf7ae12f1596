package assistant

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
)

// Config is what the assistant core needs of Hark's configuration. The
// zero value is usable: no grammar restriction, the scheduler's default
// watchdog threshold, every built-in and no declared commands.
type Config struct {
	// Grammar restricts the recognizer to the phrases the commands can
	// match.
	Grammar bool
	// WatchdogThreshold is how long the main loop may be held before the
	// watchdog reports it; zero means the scheduler's default (1 s).
	WatchdogThreshold time.Duration
	Builtins          BuiltinsConfig
	Commands          []CommandConfig
}

// BuiltinsConfig adjusts the built-in commands, named as BuiltinNames lists.
type BuiltinsConfig struct {
	Disable []string `yaml:"disable"` // not registered at all
	Hide    []string `yaml:"hide"`    // registered, but left out of "what can I say"
}

// CommandConfig is a command declared in the configuration: when Pattern
// matches, Run is executed (as a blocking command) with {name} placeholders
// replaced by the pattern's captured parameters. Say, if set, is the answer,
// with the same placeholders and {output} for the program's standard output;
// without Say the output itself is the answer.
//
// Zero Name and Timeout mean their defaults, on every path: from YAML or
// from Go (see WithDefaults).
type CommandConfig struct {
	Name    string        `yaml:"name"`
	Pattern string        `yaml:"pattern"`
	Run     []string      `yaml:"run"`
	Say     string        `yaml:"say"`
	Timeout time.Duration `yaml:"timeout"`
	Hidden  bool          `yaml:"hidden"`
}

// DefaultCommandTimeout bounds a declared command that names no timeout.
const DefaultCommandTimeout = 10 * time.Second

// WithDefaults returns c with its zero fields set: Name "command N" for the
// i-th (from 0) declared command, Timeout DefaultCommandTimeout.
func (c CommandConfig) WithDefaults(i int) CommandConfig {
	if c.Name == "" {
		c.Name = fmt.Sprintf("command %d", i+1)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultCommandTimeout
	}
	return c
}

// BuiltinNames names the built-in commands, as builtins.disable and
// builtins.hide in the configuration refer to them. ("repeat that" is the
// command manager's own and always there.)
func BuiltinNames() []string {
	return []string{"time", "date", "timer", "timer_status", "cancel_timer", "help", "stop"}
}

// NewTypes is the parameter types commands can use: the pattern language's
// own and those of the built-ins.
func NewTypes() *pattern.Types {
	types := pattern.NewTypes()
	for _, t := range []pattern.Type{timeUnit, count} {
		if err := types.Add(t); err != nil {
			panic(err) // fixed at compile time; covered by every test
		}
	}
	return types
}

// CheckCommands builds the command set cfg declares, with the built-ins
// and extra, as the assistant would: it finds clashes (a name declared
// twice, two commands with the same pattern) that no single command shows.
func CheckCommands(cfg Config, types *pattern.Types, extra ...commands.Command) error {
	_, err := commands.NewManager(types, (&Assistant{}).commandSet(cfg, extra)...)
	return err
}

// ParamNames lists the names of p's parameters.
func ParamNames(p *pattern.Pattern) []string {
	var names []string
	for _, param := range p.Params() {
		names = append(names, param.Name)
	}
	return names
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

// Placeholders lists the {name} placeholders in a template.
func Placeholders(tmpl string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(tmpl, -1) {
		names = append(names, m[1])
	}
	return names
}

// CheckPlaceholders reports the placeholders of tmpl that are neither in
// params nor in also.
func CheckPlaceholders(tmpl string, params []string, also ...string) []string {
	var bad []string
	for _, p := range Placeholders(tmpl) {
		if !slices.Contains(params, p) && !slices.Contains(also, p) {
			bad = append(bad, p)
		}
	}
	return bad
}

// expand replaces {name} placeholders from values; unknown names stay.
func expand(tmpl string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		if s, ok := values[m[1:len(m)-1]]; ok {
			return s
		}
		return m
	})
}

// GrammarLimit bounds the phrase list given to the recognizer; past it the
// commands' word list is given instead. hark grammar and hark transcribe
// use it too, so they show and decode what Run would.
const GrammarLimit = 2000
