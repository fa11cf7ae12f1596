package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/hark-assistant/hark/firmware/assistant"
	"io"
	"strings"
	"time"

	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// anyWord is a lexicon that has every word: hark grammar shows the JSGF
// before any dictionary drops a word.
type anyWord struct{}

func (anyWord) Has(string) bool { return true }

// runGrammar is `hark grammar --patterns FILE`: it prints, as JSON, the
// phrases and words the commands can match, as given to the recognizer.
func runGrammar(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grammar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hark grammar [--config FILE] [--patterns FILE] [--pattern NAME=PATTERN]... [--limit N] [--format json|jsgf]\n\n"+
			"Prints the recognizer grammar of the commands: as JSON, the structured rules, the phrase list (Vosk) and\n"+
			"which commands are left to open decoding; as jsgf, the grammar PocketSphinx decodes with.")
		fs.PrintDefaults()
	}
	var src patternSources
	src.register(fs)
	limit := fs.Int("limit", assistant.GrammarLimit, "most `phrases` a command and the phrase list may have; past it a command is decoded openly")
	format := fs.String("format", "json", "`json` or jsgf")
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
	g := m.Grammar(time.Now(), *limit)
	if *format == "jsgf" {
		s, err := pocketsphinx.StructuredJSGF(g.Rules, anyWord{})
		if err != nil {
			fmt.Fprintf(stderr, "hark grammar: %v\n", err)
			return exitFailure
		}
		fmt.Fprint(stdout, s.JSGF)
		if len(s.Open) > 0 {
			fmt.Fprintf(stdout, "// decoded openly beside the grammar: %s\n", strings.Join(s.Open, ", "))
		}
		return exitOK
	} else if *format != "json" {
		fmt.Fprintf(stderr, "hark grammar: --format %q: want json or jsgf\n", *format)
		return exitUsage
	}
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "hark grammar: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return exitOK
}
