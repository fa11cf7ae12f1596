package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
)

// runMatch is `hark match [--config FILE] [--pattern NAME=PATTERN]... [--patterns FILE] TEXT`:
// it prints the commands found in TEXT as a JSON array, in spoken order.
func runMatch(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hark match [--config FILE] [--pattern NAME=PATTERN]... [--patterns FILE] TEXT\n\n"+
			"Prints the commands TEXT matches as JSON. Exit 0: something matched; 1: nothing did; 2: bad pattern or usage.")
		fs.PrintDefaults()
	}
	var src patternSources
	src.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	text := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(text) == "" {
		fmt.Fprintln(stderr, "hark match: no TEXT to match")
		fs.Usage()
		return exitUsage
	}
	m, err := src.manager()
	if err != nil {
		fmt.Fprintf(stderr, "hark match: %v\n", err)
		return exitUsage
	}
	matches := m.Match(text, time.Now())
	if matches == nil {
		matches = []commands.Match{} // prints [] rather than null
	}
	out, err := json.Marshal(matches)
	if err != nil {
		fmt.Fprintf(stderr, "hark match: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "%s\n", out)
	if len(matches) == 0 {
		return exitFailure
	}
	return exitOK
}

// patternSources are the --config, --pattern and --patterns flags shared
// by match, grammar and transcribe.
type patternSources struct {
	inline []string // NAME=PATTERN
	file   string
	config string
	cfg    *config.Config // loaded from config by manager
}

func (s *patternSources) register(fs *flag.FlagSet) {
	fs.Func("pattern", "a command as `NAME=PATTERN` (repeatable; after those of --patterns)", func(v string) error {
		s.inline = append(s.inline, v)
		return nil
	})
	fs.StringVar(&s.file, "patterns", "", "`FILE` of NAME = PATTERN lines; '#' starts a comment")
	fs.StringVar(&s.config, "config", "", "hark.yaml `FILE` whose commands, lists and built-ins to use, as hark run does (--pattern and --patterns come first)")
}

// given reports whether any source was given.
func (s *patternSources) given() bool { return s.file != "" || len(s.inline) > 0 || s.config != "" }

// maxPatternLen bounds a pattern, in characters, as the configuration bounds
// commands[].pattern (config keeps its bound unexported): a line of
// --patterns may be 64 KiB, and a pattern that long makes compiling slow.
const maxPatternLen = 4096

// manager builds a command manager from the sources, file first. Each bad
// pattern is reported with where it came from. With a configuration, its
// commands, lists and built-ins follow, exactly as hark run has them.
func (s *patternSources) manager() (*commands.Manager, error) {
	var cmds []commands.Command
	var errs []error
	types := pattern.NewTypes()
	if s.config != "" {
		cfg, err := config.LoadCommands(s.config)
		if err != nil {
			return nil, err
		}
		s.cfg = cfg
		if types, err = assistant.NewTypesWith(cfg.Assistant()); err != nil {
			return nil, err
		}
	}
	add := func(origin, name, src string) {
		name, src = strings.TrimSpace(name), strings.TrimSpace(src)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: want NAME = PATTERN, the name is empty", origin))
			return
		}
		if n := utf8.RuneCountInString(src); n > maxPatternLen {
			errs = append(errs, fmt.Errorf("%s: command %s: the pattern is %d characters long; at most %d", origin, name, n, maxPatternLen))
			return
		}
		if _, err := pattern.Compile(src, types); err != nil {
			errs = append(errs, fmt.Errorf("%s: command %s: %w", origin, name, err))
			return
		}
		cmds = append(cmds, commands.Command{Name: name, Pattern: src, Handler: noAnswer})
	}
	if s.file != "" {
		if err := readPatterns(s.file, add); err != nil {
			return nil, err
		}
	}
	for _, v := range s.inline {
		name, src, ok := strings.Cut(v, "=")
		if !ok {
			errs = append(errs, fmt.Errorf("--pattern %q: want NAME=PATTERN", v))
			continue
		}
		add("--pattern", name, src)
	}
	if len(cmds) == 0 && len(errs) == 0 && s.cfg == nil {
		errs = append(errs, errors.New("no patterns: give --config FILE, --pattern NAME=PATTERN or --patterns FILE"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if s.cfg != nil {
		return assistant.MatchManager(s.cfg.Assistant(), cmds...)
	}
	return commands.NewManager(types, cmds...)
}

// readPatterns calls add for every NAME = PATTERN line of the file.
func readPatterns(path string, add func(origin, name, src string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		origin := fmt.Sprintf("%s:%d", path, n)
		name, src, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s: want NAME = PATTERN, got %q", origin, line)
		}
		add(origin, name, src)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// noAnswer stands in for handlers: match and grammar never run commands.
func noAnswer(*commands.Request) (commands.Response, error) { return commands.Response{}, nil }
