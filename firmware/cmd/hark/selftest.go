package main

import (
	"context"
	"flag"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/selftest"
	"io"
)

// runSelfTest is `hark selftest`: check each part, one row per check.
func runSelfTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default: the first of /etc/hark/hark.yaml, ./hark.yaml; none needed with --sim)")
	sim := fs.Bool("sim", false, "simulated LED and button, the null audio device and, without a configured model, a generated test model")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitUsage
	}
	cfg := config.Default()
	if *configPath != "" || !*sim {
		_, loaded, ok := loadConfig(*configPath, stderr)
		if !ok {
			return exitConfig
		}
		cfg = *loaded
	}
	if !selftest.SelfTest(ctx, &cfg, *sim, stdout) {
		return exitFailure
	}
	return exitOK
}
