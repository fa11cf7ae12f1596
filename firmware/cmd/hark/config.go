package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hark-assistant/hark/firmware"
)

// runConfig is `hark config check [FILE]`: validate a configuration
// without touching hardware.
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: hark config check [FILE]")
		fmt.Fprintf(stderr, "FILE defaults to the first of %v that exists.\n", firmware.DefaultConfigPaths())
		return exitUsage
	}
	path, err := configPath(args[1:]...)
	if err != nil {
		fmt.Fprintf(stderr, "hark: %v\n", err)
		return exitUsage
	}
	cfg, err := firmware.LoadConfig(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "%s: ok (%s, model %s, %d declared commands)\n", path, cfg.Recognizer.Engine, cfg.Recognizer.Model, len(cfg.Commands))
	return exitOK
}

// configPath is the named file, or the first default that exists.
func configPath(named ...string) (string, error) {
	if len(named) > 0 && named[0] != "" {
		return named[0], nil
	}
	return firmware.FindConfig()
}
