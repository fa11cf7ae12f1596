package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/firmware/assistant"
)

// lists checks the lists: section and returns the parameter types the
// commands may use: the built-ins' and every list that is valid.
func (v *validator) lists(c *Config) *pattern.Types {
	types := assistant.NewTypesIn(c.Pack)
	names := make([]string, 0, len(c.Lists))
	for name := range c.Lists {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := c.Lists[name].AddTo(types, name); err != nil {
			v.fail("lists."+name, "%v", err)
		}
	}
	v.expansionRules(c, types)
	return types
}

// expansionRules checks that each rule of expansion_rules: is a template
// whose rules and lists are there.
func (v *validator) expansionRules(c *Config, types *pattern.Types) {
	names := make([]string, 0, len(c.ExpansionRules))
	for name := range c.ExpansionRules {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		key := "expansion_rules." + name
		if name == "" || strings.ContainsAny(name, "()[]{}<>|;") {
			v.fail(key, "a rule name holds none of ()[]{}<>|;")
			continue
		}
		// A rule alone may be all optional ([the]): it is checked in a
		// sentence that has a word besides.
		_, err := pattern.CompileTemplate("x <"+name+">", types, c.ExpansionRules)
		var se *pattern.SyntaxError
		if errors.As(err, &se) {
			v.fail(key, "%s", strings.TrimPrefix(se.Msg, "in <"+name+">: "))
		}
	}
}

// commands checks each declared command: a pattern (or a template, which
// it turns into Pattern) that compiles with types, at least one of run, publish and say, and placeholders that name
// what there is.
func (v *validator) commands(c *Config, types *pattern.Types) {
	names := map[string]bool{}
	for i := range c.Commands {
		cmd := &c.Commands[i]
		key := fmt.Sprintf("commands[%d]", i)
		if cmd.Name != "" && names[cmd.Name] {
			v.fail(key+".name", "%q is declared twice", cmd.Name)
		}
		*cmd = cmd.WithDefaults(i)
		names[cmd.Name] = true
		v.between(key+".timeout", cmd.Timeout, 10*time.Millisecond, 10*time.Minute)
		if len(cmd.Run) == 0 && cmd.Publish == nil && len(cmd.Say) == 0 {
			v.fail(key, "a command needs run, publish or say (any of them, in any combination)")
		}
		if len(cmd.Run) > 0 && cmd.Run[0] == "" {
			v.fail(key+".run", "the program to run is empty, e.g. [\"/usr/local/bin/lights\", \"{room}\"]")
		}
		if p := cmd.Publish; p != nil {
			if c.MQTT == nil {
				v.fail(key+".publish", "publish needs the mqtt: section")
			}
			if p.Topic == "" {
				v.fail(key+".publish.topic", "a topic is required")
			}
			if p.QoS > 1 {
				v.fail(key+".publish.qos", "%d: want 0 or 1 (Hark's MQTT client does not publish at QoS 2)", p.QoS)
			}
		}
		for j, s := range cmd.Say {
			if s == "" {
				v.fail(v.sayKey(key, j, len(cmd.Say)), "an empty answer")
			}
		}
		var pat *pattern.Pattern
		switch {
		case cmd.Pattern != "" && cmd.Template != "":
			v.fail(key+".template", "a command gives pattern (Hark's syntax) or template (Home Assistant's), not both")
			continue
		case cmd.Template != "":
			var ok bool
			if pat, ok = v.compileTemplate(key+".template", cmd.Template, types, c.ExpansionRules); !ok {
				continue
			}
			cmd.Pattern = pat.String()
		case cmd.Pattern == "":
			v.fail(key+".pattern", "a pattern is required (or a template)")
			continue
		default:
			var ok bool
			if pat, ok = v.compile(key+".pattern", cmd.Pattern, types); !ok {
				continue
			}
			v.patternWarnings(key+".pattern", cmd.Pattern, c)
		}
		params := assistant.ParamNames(pat)
		for j, arg := range cmd.Run {
			for _, p := range assistant.CheckPlaceholders(arg, params) {
				v.fail(fmt.Sprintf("%s.run[%d]", key, j), "{%s} is not a parameter of the pattern", p)
			}
		}
		also := []string{"intent"}
		if len(cmd.Run) > 0 {
			also = append(also, "output")
		}
		for j, s := range cmd.Say {
			for _, p := range assistant.CheckPlaceholders(s, params, also...) {
				v.fail(v.sayKey(key, j, len(cmd.Say)), "{%s} is neither a parameter of the pattern nor one of %v", p, also)
			}
		}
		if p := cmd.Publish; p != nil {
			for field, tmpl := range map[string]string{"topic": p.Topic, "payload": p.Payload} {
				for _, name := range assistant.CheckPlaceholders(tmpl, params, also...) {
					v.fail(key+".publish."+field, "{%s} is neither a parameter of the pattern nor one of %v", name, also)
				}
			}
		}
	}
}

// maxPatternLen bounds a pattern, in characters: a spoken command is a
// few words, and the file's size alone would let compiling take long.
const maxPatternLen = 4096

// compile compiles the pattern at key, reporting a problem there.
func (v *validator) compile(key, src string, types *pattern.Types) (*pattern.Pattern, bool) {
	if n := utf8.RuneCountInString(src); n > maxPatternLen {
		v.fail(key, "%d characters long; at most %d", n, maxPatternLen)
		return nil, false
	}
	pat, err := pattern.Compile(src, types)
	if err != nil {
		v.fail(key, "%v", err)
		return nil, false
	}
	return pat, true
}

// compileTemplate compiles the template at key, reporting a problem there.
func (v *validator) compileTemplate(key, src string, types *pattern.Types, rules map[string]string) (*pattern.Pattern, bool) {
	if n := utf8.RuneCountInString(src); n > maxPatternLen {
		v.fail(key, "%d characters long; at most %d", n, maxPatternLen)
		return nil, false
	}
	pat, err := pattern.CompileTemplate(src, types, rules)
	if err != nil {
		v.fail(key, "%v", err)
		return nil, false
	}
	return pat, true
}

func (v *validator) sayKey(key string, j, n int) string {
	if n > 1 || v.idx.lines[fmt.Sprintf("%s.say[%d]", key, j)] > 0 {
		return fmt.Sprintf("%s.say[%d]", key, j)
	}
	return key + ".say"
}

// commandSet checks the commands together with the built-ins, as Run
// builds them: a name or a pattern declared twice.
func (v *validator) commandSet(c *Config, types *pattern.Types) {
	if len(v.errs) == 0 && len(c.Commands) > 0 {
		if err := assistant.CheckCommands(c.Assistant(), types); err != nil {
			v.failAt("commands", "%v", err)
		}
	}
}
