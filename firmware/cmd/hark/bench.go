package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/hark-assistant/hark/firmware"
)

// benchEngines are the --engine choices.
var benchEngines = map[string][]string{
	"vosk":         {"vosk"},
	"pocketsphinx": {"pocketsphinx"},
	"all":          {"vosk", "pocketsphinx"},
}

// runBench is `hark bench`: latency of the whole path, release to command
// and release to response, per engine.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 20, "measured push-to-talk turns per engine")
	engine := fs.String("engine", "all", "vosk, pocketsphinx or all")
	wavs := fs.String("wavs", "build/bench", "directory caching the spoken utterances")
	model := fs.String("model", "models/vosk-model-small-en-us-0.15", "real Vosk model, measured if present")
	verbose := fs.Bool("v", false, "print Hark's log, with its telemetry line per utterance, to stderr")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitUsage
	}
	engines, ok := benchEngines[*engine]
	if !ok {
		fmt.Fprintf(stderr, "hark bench: --engine %q: want vosk, pocketsphinx or all\n", *engine)
		return exitUsage
	}
	if *runs < 1 {
		fmt.Fprintf(stderr, "hark bench: --runs %d: want at least 1\n", *runs)
		return exitUsage
	}
	opts := firmware.BenchOptions{
		Runs:       *runs,
		Engines:    engines,
		WAVDir:     *wavs,
		VoskModels: []string{*model, firmware.DefaultConfig().Recognizer.Model},
	}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	results, err := firmware.Bench(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "hark bench: %v\n", err)
		return exitFailure
	}
	if err := firmware.WriteBenchTable(stdout, results); err != nil {
		fmt.Fprintf(stderr, "hark bench: %v\n", err)
		return exitFailure
	}
	return exitOK
}
