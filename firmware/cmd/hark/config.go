package main

import (
	"context"
	"fmt"
	"github.com/hark-assistant/hark/firmware/config"
	"io"
)

// runConfig is `hark config check [FILE]`: validate a configuration
// without touching hardware.
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: hark config check [FILE]")
		fmt.Fprintf(stderr, "FILE defaults to the first of %v that exists.\n", config.DefaultPaths())
		return exitUsage
	}
	var named string
	if len(args) == 2 {
		named = args[1]
	}
	path, cfg, ok := loadConfig(named, stderr)
	if !ok {
		return exitConfig
	}
	// Warnings (file:line: key: warning: ...) leave the exit status alone.
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stdout, "%s: ok (%s, model %s, %d declared commands)\n", path, cfg.Recognizer.Engine, cfg.Recognizer.Model, len(cfg.Commands))
	return exitOK
}

// loadConfig reads and validates the named configuration file, or the
// first default that exists, and returns its path. A problem is printed to
// stderr and reported as !ok: the caller exits with exitConfig, before
// touching any hardware.
func loadConfig(named string, stderr io.Writer) (path string, cfg *config.Config, ok bool) {
	path = named
	if path == "" {
		var err error
		if path, err = config.Find(); err != nil {
			fmt.Fprintf(stderr, "hark: %v\n", err)
			return "", nil, false
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return "", nil, false
	}
	return path, cfg, true
}
