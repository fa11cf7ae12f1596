package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// runRun is `hark run`: the assistant itself.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default: the first of /etc/hark/hark.yaml, ./hark.yaml)")
	sim := fs.Bool("sim", false, "no GPIO: Enter toggles the button, the LED is drawn on the terminal")
	wav := fs.String("wav", "", "instead of the microphone: press once over this WAV file, answer, exit")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "hark run: unexpected argument %q\n", fs.Arg(0))
		}
		return exitUsage
	}
	_, cfg, ok := loadConfig(*configPath, stderr)
	if !ok {
		return exitConfig
	}
	if err := firmware.Run(ctx, cfg, firmware.RunOptions{Sim: *sim, WAV: *wav, Terminal: stderr, Keyboard: os.Stdin}); err != nil {
		fmt.Fprintf(stderr, "hark: %v\n", err)
		var modelErr *firmware.ModelError
		switch {
		case badWAV(err, *wav):
			return exitUsage
		case errors.As(err, &modelErr):
			return exitConfig
		}
		return exitFailure
	}
	return exitOK
}

// badWAV reports whether err is Run refusing the --wav file: bad input.
func badWAV(err error, wav string) bool {
	var wavErr *audio.WAVError
	var pathErr *fs.PathError
	return errors.As(err, &wavErr) || (errors.As(err, &pathErr) && pathErr.Path == wav)
}
