// Command hark-bench measures Hark's whole path, release of the button to
// the command and to its answer, per engine, over a simulated button and
// microphone; with --accuracy, how many spoken sentences each engine
// understands, per voice family (espeak-ng, flite, festival), clean and
// with noise, with numbers as Number and as ranges. It is a developer's
// tool, kept out of the hark binary because it carries the generated Vosk
// test model (make bench runs it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/bench"
)

// benchEngines are the --engine choices.
var benchEngines = map[string][]string{
	"vosk":         {"vosk"},
	"pocketsphinx": {"pocketsphinx"},
	"all":          {"vosk", "pocketsphinx"},
}

const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is hark-bench: latency of the whole path, release to command and
// release to response, per engine.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 20, "measured push-to-talk turns per engine")
	engine := fs.String("engine", "all", "vosk, pocketsphinx or all")
	wavs := fs.String("wavs", "build/bench", "directory caching the spoken utterances")
	model := fs.String("model", "models/vosk-model-small-en-us-0.15", "real Vosk model, measured if present")
	verbose := fs.Bool("v", false, "print Hark's log, with its telemetry line per utterance (--accuracy: each sentence not understood), to stderr")
	accuracy := fs.Bool("accuracy", false, "measure accuracy over espeak-ng, flite and festival voices, clean and noisy, instead of latency (a Markdown table)")
	var settings []bench.Setting
	fs.Func("setting", "with --accuracy: PocketSphinx settings to compare with Hark's, as key value pairs: -key value (decoder option), g-key value (grammar search only, e.g. g-lw 6.5), reject value (threshold, -1 off); repeatable", func(s string) error {
		set, err := bench.ParseSetting(s)
		settings = append(settings, set)
		return err
	})
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hark-bench: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	engines, ok := benchEngines[*engine]
	if !ok {
		fmt.Fprintf(stderr, "hark-bench: --engine %q: want vosk, pocketsphinx or all\n", *engine)
		return exitUsage
	}
	if *runs < 1 {
		fmt.Fprintf(stderr, "hark-bench: --runs %d: want at least 1\n", *runs)
		return exitUsage
	}
	models := []string{*model, config.Default().Recognizer.Model}
	if *accuracy {
		return runAccuracy(ctx, bench.AccuracyOptions{Engines: engines, VoskModels: models, WAVDir: *wavs, Settings: settings}, *verbose, stdout, stderr)
	}
	if len(settings) > 0 {
		fmt.Fprintln(stderr, "hark-bench: --setting needs --accuracy")
		return exitUsage
	}
	opts := bench.Options{
		Runs:       *runs,
		Engines:    engines,
		WAVDir:     *wavs,
		VoskModels: models,
	}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	results, err := bench.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "hark-bench: %v\n", err)
		return exitFailure
	}
	if err := bench.WriteTable(stdout, results); err != nil {
		fmt.Fprintf(stderr, "hark-bench: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// runAccuracy is hark-bench --accuracy.
func runAccuracy(ctx context.Context, opts bench.AccuracyOptions, verbose bool, stdout, stderr io.Writer) int {
	if verbose {
		opts.Misses = func(s string) { fmt.Fprintln(stderr, s) }
	}
	results, err := bench.Accuracy(ctx, opts)
	if err == nil {
		err = bench.WriteAccuracy(stdout, results)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hark-bench: %v\n", err)
		return exitFailure
	}
	return exitOK
}
