package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jonboulle/clockwork"
	"gopkg.in/yaml.v3"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/lang"
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
	// Lists are slot lists by name, usable in patterns as a type,
	// $where:room, and in templates as {room} (see List).
	Lists Lists
	// ExpansionRules are the <name> rules of templates, by name: each a
	// template (see pattern.CompileTemplate).
	ExpansionRules map[string]string
	// BlockLoop, if set, adds a command that holds the main loop on
	// purpose, to see the watchdog at work (on a device under test, never
	// in use).
	BlockLoop *BlockLoopConfig
	// Language is the language spoken (a pack of commands/lang): the
	// built-ins' sentences, every reply, numbers, the joiners between
	// commands. nil is English.
	Language *lang.Pack
}

// BlockLoopConfig is the debug command that blocks the main loop: saying
// Pattern holds the loop for Hold, as a badly written async command would.
type BlockLoopConfig struct {
	Pattern string        `yaml:"pattern"` // default "block the loop"
	Hold    time.Duration `yaml:"hold"`    // default 1.5 s
}

// WithDefaults returns c with its zero fields set.
func (c BlockLoopConfig) WithDefaults() BlockLoopConfig {
	if c.Pattern == "" {
		c.Pattern = "block the loop"
	}
	if c.Hold == 0 {
		c.Hold = 1500 * time.Millisecond
	}
	return c
}

// ListValue is one value of a slot list: in YAML a phrase ("kitchen") or
// {say: PHRASE, value: VALUE} for a synonym ({say: lounge, value: living
// room}: saying "lounge" sets the parameter to "living room"), or as Home
// Assistant writes it, {in: PHRASE, out: VALUE}, where PHRASE may be a
// template without slots ("(living | family) room": one value said
// several ways).
type ListValue = pattern.ListValue

// List is one list of the lists: section: listed values, a number range
// or a wildcard.
//
// In YAML, a list of values as Hark writes it ([kitchen, {say: lounge,
// value: living room}]), or a mapping as Home Assistant writes it, with
// one of values: (the same list of values), range: {from: 1, to: 120,
// step: 1} (whole numbers, step optional; type: number, percentage or
// temperature is taken and means a number alike) or wildcard: true (any
// words, as String).
type List struct {
	Values   []ListValue
	Range    *RangeList
	Wildcard bool
}

// RangeList is a number list: the whole numbers From, From+Step, … up to
// To; Step 0 means 1.
type RangeList struct {
	From int    `yaml:"from"`
	To   int    `yaml:"to"`
	Step int    `yaml:"step"`
	Type string `yaml:"type"` // number, percentage or temperature: a number alike
}

// maxInPhrases bounds the phrases one "in" template of a list value may
// stand for.
const maxInPhrases = 100

// UnmarshalYAML takes a list of values or a {values | range | wildcard}
// mapping; see List.
func (l *List) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		return l.decodeValues(n)
	case yaml.MappingNode:
		kinds, kindLine := 0, n.Line
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if kinds == 1 {
				kindLine = k.Line // the second kind
			}
			switch k.Value {
			case "values":
				if val.Kind != yaml.SequenceNode {
					return yamlError(val.Line, "values: want a list of values")
				}
				if err := l.decodeValues(val); err != nil {
					return err
				}
			case "range":
				var r RangeList
				if val.Kind != yaml.MappingNode {
					return yamlError(val.Line, "range: want {from: LOW, to: HIGH}")
				}
				if err := decodeKnown(val, &r, "from, to, step and type"); err != nil {
					return err
				}
				l.Range = &r
			case "wildcard":
				if err := val.Decode(&l.Wildcard); err != nil {
					return yamlError(val.Line, "wildcard: want true or false")
				}
				if !l.Wildcard {
					kinds--
				}
			default:
				return yamlError(k.Line, "unknown key %q (a list has values, range or wildcard)", k.Value)
			}
			kinds++
		}
		if kinds != 1 {
			return yamlError(kindLine, "a list has one of values, range or wildcard: true")
		}
		return nil
	}
	return yamlError(n.Line, "want a list of values, or {values: [...]}, {range: {from: 1, to: 10}} or {wildcard: true}")
}

func (l *List) decodeValues(n *yaml.Node) error {
	var vals []listValueYAML
	if err := n.Decode(&vals); err != nil {
		return err
	}
	for _, v := range vals {
		l.Values = append(l.Values, v...)
	}
	return nil
}

// decodeKnown decodes a mapping into out, refusing keys out has not.
func decodeKnown(n *yaml.Node, out any, known string) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch k.Value {
		case "from", "to", "step", "type":
		default:
			return yamlError(k.Line, "unknown key %q (a range has %s)", k.Value, known)
		}
	}
	return n.Decode(out)
}

// listValueYAML decodes one list value from YAML: one value, or several
// when an "in" template says it several ways; see ListValue.
type listValueYAML []ListValue

// UnmarshalYAML takes a phrase or a {say, value} or {in, out} mapping.
func (v *listValueYAML) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*v = listValueYAML{{Say: n.Value}}
		return nil
	case yaml.MappingNode:
		var say, value string
		var sayLine int
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "say", "in", "value", "out":
			case "context", "metadata":
				return yamlError(k.Line, "%s: Home Assistant's %s of list values is not supported (a list value has say and value, or in and out)", k.Value, k.Value)
			default:
				return yamlError(k.Line, "unknown key %q (a list value has say and value, or in and out)", k.Value)
			}
			if val.Kind != yaml.ScalarNode {
				return yamlError(val.Line, "%s: want a phrase", k.Value)
			}
			if k.Value == "say" || k.Value == "in" {
				say, sayLine = val.Value, val.Line
			} else {
				value = val.Value
			}
		}
		if say == "" {
			return yamlError(n.Line, "a list value needs say (or in)")
		}
		if !strings.ContainsAny(say, "()[]|<>{};") {
			*v = listValueYAML{{Say: say, Value: value}}
			return nil
		}
		phrases, err := pattern.TemplatePhrases(say, nil, maxInPhrases)
		if err != nil {
			return yamlError(sayLine, "%v", err)
		}
		if value == "" {
			value = say // one value however it is said
		}
		for _, p := range phrases {
			*v = append(*v, ListValue{Say: p, Value: value})
		}
		return nil
	}
	return yamlError(n.Line, "want a phrase, {say: PHRASE, value: VALUE} or {in: PHRASE, out: VALUE}")
}

// yamlError is a decoding error as yaml.v3 reports its own, so the
// configuration's loader places it by line and key.
func yamlError(line int, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...)}}
}

// Lists is the lists: section of the configuration, by name.
type Lists map[string]List

// ValueLists is a Lists of lists of values alone, as Hark's own form
// writes them.
func ValueLists(lists map[string][]ListValue) Lists {
	out := make(Lists, len(lists))
	for name, vals := range lists {
		out[name] = List{Values: vals}
	}
	return out
}

// NewTypesWith is the types of cfg's language (NewTypesIn) with cfg's
// lists added.
func NewTypesWith(cfg Config) (*pattern.Types, error) {
	types := NewTypesIn(cfg.Language)
	return types, addLists(types, cfg.Lists)
}

// addLists registers lists as types in name order, skipping those types
// already has as lists.
func addLists(types *pattern.Types, lists Lists) error {
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		if err := addList(types, name, lists[name]); err != nil {
			errs = append(errs, fmt.Errorf("lists.%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// builtinTypes are the names of NewTypes's types, which no list may take.
var builtinTypes = NewTypes().Names()

// AddTo registers the list as a type of types under name.
func (l List) AddTo(types *pattern.Types, name string) error { return addList(types, name, l) }

// addList registers one list as a type of types, unless types has it as
// a list already.
func addList(types *pattern.Types, name string, l List) error {
	if _, ok := types.List(name); ok {
		return nil
	}
	if (l.Range != nil || l.Wildcard) && types.Has(name) && !slices.Contains(builtinTypes, name) {
		return nil
	}
	switch {
	case l.Range != nil:
		switch l.Range.Type {
		case "", "number", "percentage", "temperature":
		default:
			return fmt.Errorf("range type %q: want number, percentage or temperature", l.Range.Type)
		}
		if l.Range.Step < 0 {
			return fmt.Errorf("range step %d: want 1 or more", l.Range.Step)
		}
		return types.AddRange(name, l.Range.From, l.Range.To, l.Range.Step)
	case l.Wildcard:
		return types.AddWildcard(name)
	}
	return types.AddList(name, l.Values...)
}

// BuiltinsConfig adjusts the built-in commands, named as BuiltinNames lists.
type BuiltinsConfig struct {
	Disable []string `yaml:"disable"` // not registered at all
	Hide    []string `yaml:"hide"`    // registered, but left out of "what can I say"
}

// CommandConfig is a command declared in the configuration. When Pattern
// (or Template) matches, it does what it has, in this order, at least one of them:
// Run executes a program (a blocking command; no shell) with {name}
// placeholders replaced by the captured parameters and the intent on its
// standard input and in its environment (see Intent); Publish sends an MQTT
// message; Say is the answer, with the same placeholders, {output} for the
// program's standard output and {intent} for the intent's JSON. Say may
// hold several variants, said in turn. Without Say the program's output
// is the answer.
//
// Zero Name and Timeout mean their defaults, on every path: from YAML or
// from Go (see WithDefaults).
type CommandConfig struct {
	Name    string `yaml:"name"`
	Pattern string `yaml:"pattern"`
	// Template is the command's sentence in Home Assistant's (or
	// Rhasspy's) template syntax instead of Pattern (see
	// pattern.CompileTemplate); ResolveTemplates turns it into Pattern.
	Template string         `yaml:"template"`
	Run      []string       `yaml:"run"`
	Publish  *PublishConfig `yaml:"publish"`
	Say      Says           `yaml:"say"`
	Timeout  time.Duration  `yaml:"timeout"`
	Hidden   bool           `yaml:"hidden"`
}

// Says is a command's answer: one phrase or several variants, taken in
// turn (first, second, ..., then the first again). In YAML a string or a
// list of strings.
type Says []string

// UnmarshalYAML takes a string or a list of strings.
func (s *Says) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = Says{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// PublishConfig is an MQTT message a command sends: Topic and Payload take
// the {name} placeholders of the pattern's parameters, {output} and
// {intent} (the intent's JSON). Their values may come from anyone who can
// publish an utterance, so they cannot change either's structure: a value
// that would add a level ('/'), a wildcard ('+', '#'), a NUL or another
// control character to the topic is refused, and the command fails
// without publishing. A payload that is a JSON object or array (once each
// placeholder stands for a value) takes a value inside a JSON string
// escaped as that string's content and elsewhere as one JSON value: as it
// is when it is one ({intent}, a number, a program's JSON output), else as
// a string. Any other payload ("ON", "{intent}", "POWER {state}") is text
// and takes values as they are.
type PublishConfig struct {
	Topic   string `yaml:"topic"`
	Payload string `yaml:"payload"`
	Retain  bool   `yaml:"retain"`
	QoS     byte   `yaml:"qos"`
}

// Publisher sends MQTT messages for commands that publish (the MQTT
// bridge is one); see Options.Publisher.
type Publisher interface {
	Publish(ctx context.Context, topic, payload string, retain bool, qos byte) error
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

// MatchManager returns a command manager holding what New's holds for cfg
// and the same extra commands: extra first, cfg's declared commands (with
// its lists as types), the built-ins. It is for matching and grammars
// (hark match, grammar and transcribe): its handlers must not be run.
func MatchManager(cfg Config, extra ...commands.Command) (*commands.Manager, error) {
	types, err := NewTypesWith(cfg)
	if err != nil {
		return nil, err
	}
	if cfg, err = cfg.ResolveTemplates(types); err != nil {
		return nil, err
	}
	a := &Assistant{types: types, lang: packOr(cfg.Language), clock: clockwork.NewRealClock()}
	return commands.NewManagerWith(types, a.managerConfig(cfg.Language), a.commandSet(cfg, extra)...)
}

// CheckCommands builds the command set cfg declares, with the built-ins
// and extra, as the assistant would: it finds clashes (a name declared
// twice, two commands with the same pattern) that no single command shows.
func CheckCommands(cfg Config, types *pattern.Types, extra ...commands.Command) error {
	cfg, err := cfg.ResolveTemplates(types)
	if err != nil {
		return err
	}
	a := &Assistant{types: types, lang: packOr(cfg.Language)}
	_, err = commands.NewManagerWith(types, a.managerConfig(cfg.Language), a.commandSet(cfg, extra)...)
	return err
}

// ResolveTemplates returns cfg with the Pattern of every command that gives
// a Template set to the template in Hark's syntax, compiled with types
// (which must have cfg's lists) and cfg's expansion rules. The
// configuration's loader does it; New takes commands with their Pattern
// set, so a Config built in Go with templates goes through it first.
func (cfg Config) ResolveTemplates(types *pattern.Types) (Config, error) {
	var errs []error
	var cmds []CommandConfig
	for i, c := range cfg.Commands {
		if c.Template == "" || c.Pattern != "" {
			continue
		}
		if cmds == nil {
			cmds = slices.Clone(cfg.Commands)
		}
		p, err := pattern.CompileTemplate(c.Template, types, cfg.ExpansionRules)
		if err != nil {
			errs = append(errs, fmt.Errorf("commands[%d].template: %w", i, err))
			continue
		}
		cmds[i].Pattern = p.String()
	}
	if cmds != nil {
		cfg.Commands = cmds
	}
	return cfg, errors.Join(errs...)
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

// expandTopic is expand for an MQTT topic, refusing a value that would
// change the topic's levels or make it unpublishable (see PublishConfig).
// The error names the first such placeholder.
func expandTopic(tmpl string, values map[string]string) (string, error) {
	var bad error
	topic := placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		s, ok := values[name]
		if !ok {
			return m
		}
		if err := checkTopicValue(s); err != nil && bad == nil {
			bad = fmt.Errorf("slot %q: %w", name, err)
		}
		return s
	})
	return topic, bad
}

func checkTopicValue(s string) error {
	for _, r := range s {
		switch {
		case r == '/':
			return errors.New("the value has '/', which would add a topic level")
		case r == '+' || r == '#':
			return fmt.Errorf("the value has '%c', an MQTT wildcard", r)
		case r == 0:
			return errors.New("the value has a NUL")
		case unicode.IsControl(r): // MQTT advises against them in topics
			return errors.New("the value has a control character")
		}
	}
	return nil
}

// expandPayload is expand for an MQTT payload: in a JSON payload each
// value is JSON where its placeholder sits, so it can add no key or
// element; a text payload takes values as they are (see PublishConfig).
func expandPayload(tmpl string, values map[string]string) string {
	matches := placeholder.FindAllStringSubmatchIndex(tmpl, -1)
	inString, isJSON := jsonTemplate(tmpl, matches)
	if !isJSON {
		return expand(tmpl, values)
	}
	var b strings.Builder
	last := 0
	for i, m := range matches {
		b.WriteString(tmpl[last:m[0]])
		last = m[1]
		s, ok := values[tmpl[m[2]:m[3]]]
		switch {
		case !ok:
			b.WriteString(tmpl[m[0]:m[1]])
		case inString[i]:
			q := jsonString(s)
			b.WriteString(q[1 : len(q)-1])
		case json.Valid([]byte(s)):
			b.WriteString(s)
		default:
			b.WriteString(jsonString(s))
		}
	}
	b.WriteString(tmpl[last:])
	return b.String()
}

// jsonTemplate reports whether tmpl, whose placeholders are at matches, is
// a JSON object or array once each placeholder stands for a value, and for
// each placeholder whether it sits inside a JSON string.
func jsonTemplate(tmpl string, matches [][]int) (inString []bool, ok bool) {
	var standIn strings.Builder
	in, escaped, last := false, false, 0
	for _, m := range matches {
		for _, c := range []byte(tmpl[last:m[0]]) {
			switch {
			case escaped:
				escaped = false
			case in && c == '\\':
				escaped = true
			case c == '"':
				in = !in
			}
		}
		standIn.WriteString(tmpl[last:m[0]])
		if !in {
			standIn.WriteString("0")
		}
		inString = append(inString, in)
		last, escaped = m[1], false
	}
	standIn.WriteString(tmpl[last:])
	s := strings.TrimSpace(standIn.String())
	return inString, (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) && json.Valid([]byte(s))
}

// jsonString is s as a JSON string, quotes included. '<', '>' and '&' stay
// as they are: a payload is not HTML.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// GrammarLimit bounds the phrase list given to the recognizer; past it the
// commands' word list is given instead. hark grammar and hark transcribe
// use it too, so they show and decode what Run would.
const GrammarLimit = 2000
