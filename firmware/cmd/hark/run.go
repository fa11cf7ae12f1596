package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hark-assistant/hark/firmware"
)

// runRun is `hark run`: the assistant itself.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "configuration file (default: the first of /etc/hark/hark.yaml, ./hark.yaml)")
	sim := fs.Bool("sim", false, "no GPIO: Enter toggles the button, the LED is drawn on the terminal")
	wav := fs.String("wav", "", "instead of the microphone: press once over this WAV file, answer, exit")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "hark run: unexpected argument %q\n", fs.Arg(0))
		}
		return exitUsage
	}
	path, err := configPath(*config)
	if err != nil {
		fmt.Fprintf(stderr, "hark: %v\n", err)
		return exitUsage
	}
	cfg, err := firmware.LoadConfig(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if err := firmware.Run(ctx, cfg, firmware.RunOptions{Sim: *sim, WAV: *wav, Terminal: stderr, Keyboard: os.Stdin}); err != nil {
		fmt.Fprintf(stderr, "hark: %v\n", err)
		return exitFailure
	}
	return exitOK
}
