package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/hark-assistant/hark/firmware/assistant"
	"io"
	"time"
)

// runGrammar is `hark grammar --patterns FILE`: it prints, as JSON, the
// phrases and words the commands can match, as given to the recognizer.
func runGrammar(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grammar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hark grammar [--patterns FILE] [--pattern NAME=PATTERN]... [--limit N]\n\n"+
			"Prints the recognizer grammar of the commands as JSON: phrases, words, and whether a slot is open.")
		fs.PrintDefaults()
	}
	var src patternSources
	src.register(fs)
	limit := fs.Int("limit", assistant.GrammarLimit, "most `phrases` to list before falling back to the word list")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hark grammar: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	m, err := src.manager()
	if err != nil {
		fmt.Fprintf(stderr, "hark grammar: %v\n", err)
		return exitUsage
	}
	out, err := json.MarshalIndent(m.Grammar(time.Now(), *limit), "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "hark grammar: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return exitOK
}
