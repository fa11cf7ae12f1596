package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/demo"
	"io"
)

// runDemo is `hark demo`: the scripted demo, no Pi needed.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wavs := fs.String("wavs", "build/demo", "directory caching the spoken utterances")
	model := fs.String("model", "models/vosk-model-small-en-us-0.15", "Vosk model to use if present (else PocketSphinx)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	err := demo.Demo(ctx, demo.DemoOptions{
		Out:        stdout,
		WAVDir:     *wavs,
		VoskModels: []string{*model, config.Default().Recognizer.Model},
	})
	if err != nil {
		fmt.Fprintf(stderr, "hark demo: %v\n", err)
		return exitFailure
	}
	return exitOK
}
