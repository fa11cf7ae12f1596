package commands

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/hark-assistant/hark/commands/pattern"
)

// compiled is a command with its pattern compiled.
type compiled struct {
	Command
	pattern *pattern.Pattern
}

// commandSet is the commands of the root or of one context, in declaration
// order, which is also their priority.
type commandSet []compiled

// compileSet checks and compiles cmds, reporting every problem at once.
func compileSet(types *pattern.Types, cmds []Command) (commandSet, error) {
	var errs []error
	names := map[string]bool{}
	patterns := map[string]string{}
	set := make(commandSet, 0, len(cmds))
	for i, c := range cmds {
		if c.Name == "" {
			errs = append(errs, fmt.Errorf("command #%d (pattern %q) has no name", i+1, c.Pattern))
			continue
		}
		if names[c.Name] {
			errs = append(errs, fmt.Errorf("command %s is declared twice", c.Name))
		}
		names[c.Name] = true
		if c.Handler == nil {
			errs = append(errs, fmt.Errorf("command %s has no handler", c.Name))
		}
		p, err := pattern.Compile(c.Pattern, types)
		if err != nil {
			errs = append(errs, fmt.Errorf("command %s: %w", c.Name, err))
			continue
		}
		// Canonical forms, not sources, so that "turn (on|off)" and
		// "Turn ( on | off )" count as the same: the later could never win.
		key := p.Canonical()
		if other, dup := patterns[key]; dup {
			errs = append(errs, fmt.Errorf("commands %s and %s have the same pattern %q", other, c.Name, c.Pattern))
		}
		patterns[key] = c.Name
		set = append(set, compiled{Command: c, pattern: p})
	}
	return set, errors.Join(errs...)
}

// connectors join commands in one utterance ("… and what time is it"); they
// are dropped at the edge of a stretch left over next to a matched command,
// so an open slot there does not end in "and".
type connectorSet map[string]bool

// newConnectorSet is words as a set of normalized words; nil is English's.
func newConnectorSet(words []string) connectorSet {
	if words == nil {
		words = Connectors()
	}
	set := connectorSet{}
	for _, w := range words {
		for _, t := range pattern.Split(w).Tokens {
			set[t.Norm] = true
		}
	}
	return set
}

// find returns every command in u, in spoken order. The earliest-declared
// command that matches anywhere in the stretch wins it; the words before
// and after its match are searched again for the others. A match that runs
// over a connector followed directly by another command is cut there, so
// "note buy milk and what time is it" is two commands whatever their order.
// The matches report panics of their handlers to log.
func (s commandSet) find(u pattern.Utterance, extra Params, connectors connectorSet, log *slog.Logger) []Match {
	var out []Match
	var search func(from, to int)
	search = func(from, to int) {
		for from < to && connectors[u.Tokens[from].Norm] {
			from++
		}
		for to > from && connectors[u.Tokens[to-1].Norm] {
			to--
		}
		if from >= to {
			return
		}
		for _, c := range s {
			pm, ok := c.pattern.Find(u, from, to)
			if !ok {
				continue
			}
			pm = s.cutAtNextCommand(c, pm, u, to, connectors)
			search(from, pm.Start)
			out = append(out, newMatch(c, pm, extra, log))
			search(pm.End, to)
			return
		}
	}
	search(0, len(u.Tokens))
	return out
}

// cutAtNextCommand shortens pm, a match of c, to end before the first
// connectors inside it ("and", "and then") that a command starts right
// after, provided c still matches from the same word up to there. A match
// that ends in an open slot taking the rest of the utterance (String, **)
// also yields, without a connector, to a command that starts inside it with
// a fixed word: "note buy milk what time is it" is two commands. A Rest
// slot never yields.
func (s commandSet) cutAtNextCommand(c compiled, pm pattern.Match, u pattern.Utterance, to int, connectors connectorSet) pattern.Match {
	yields := c.pattern.YieldsTail()
	for j := pm.Start + 1; j < pm.End; j++ {
		next := j
		for next < pm.End && connectors[u.Tokens[next].Norm] {
			next++
		}
		if next == pm.End || (next == j && !yields) {
			continue
		}
		if !s.startsAt(u, next, to, next == j) {
			continue
		}
		if short, ok := c.pattern.FindAt(u, pm.Start, j); ok {
			return short
		}
	}
	return pm
}

// startsAt reports whether some command matches from word at on; anchored
// asks for one whose pattern starts with a fixed word.
func (s commandSet) startsAt(u pattern.Utterance, at, to int, anchored bool) bool {
	for _, c := range s {
		if anchored && !c.pattern.Anchored() {
			continue
		}
		if _, ok := c.pattern.FindAt(u, at, to); ok {
			return true
		}
	}
	return false
}

func newMatch(c compiled, pm pattern.Match, extra Params, log *slog.Logger) Match {
	params := Params{}
	for k, v := range extra {
		params[k] = v
	}
	for k, v := range pm.Params {
		params[k] = v
	}
	return Match{Command: c.Name, Text: pm.Text, Params: params, Kind: c.Kind, Pattern: c.Pattern, handler: c.Handler, log: log}
}
