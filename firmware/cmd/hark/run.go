package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// runRun is `hark run`: the assistant itself.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default: the first of /etc/hark/hark.yaml, ./hark.yaml)")
	sim := fs.Bool("sim", false, "no GPIO: Enter toggles the button, the LED is drawn on the terminal")
	wav := fs.String("wav", "", "instead of the microphone: press once over this WAV file, answer, exit")
	micWAV := fs.String("mic-wav", "", "instead of the microphone: each press hears this WAV file from its start (with --sim: try a configuration without a microphone)")
	forget := fs.Bool("mqtt-forget", false, "remove Hark's Home Assistant discovery and retained MQTT topics from the broker, then exit (stop the service first)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "hark run: unexpected argument %q\n", fs.Arg(0))
		}
		return exitUsage
	}
	if *micWAV != "" {
		if *wav != "" {
			fmt.Fprintln(stderr, "hark run: --wav and --mic-wav do not go together (--wav presses once over its file and exits)")
			return exitUsage
		}
		// Bad input is refused before anything is opened.
		if err := checkMicWAV(*micWAV); err != nil {
			fmt.Fprintf(stderr, "hark: --mic-wav: %v\n", err)
			return exitUsage
		}
	}
	var cfg *config.Config
	if _, err := config.Find(); err != nil && *sim && *configPath == "" {
		cfg = simConfig(stderr, *micWAV == "") // a laptop with a fresh clone: try it at once
	} else {
		var ok bool
		if _, cfg, ok = loadConfig(*configPath, stderr); !ok {
			return exitConfig
		}
	}
	if *forget {
		if err := firmware.ForgetMQTT(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil))); err != nil {
			fmt.Fprintf(stderr, "hark: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	if err := firmware.Run(ctx, cfg, firmware.RunOptions{Sim: *sim, WAV: *wav, MicWAV: *micWAV, Terminal: stderr, Keyboard: os.Stdin, Version: version}); err != nil {
		fmt.Fprintf(stderr, "hark: %v\n", err)
		var modelErr *firmware.ModelError
		switch {
		case badWAV(err, *wav), badWAV(err, *micWAV):
			return exitUsage
		case errors.As(err, &modelErr):
			return exitConfig
		}
		return exitFailure
	}
	return exitOK
}

// badWAV reports whether err is Run refusing the WAV file wav: bad input.
func badWAV(err error, wav string) bool {
	if wav == "" {
		return false
	}
	var wavErr *audio.WAVError
	var pathErr *fs.PathError
	return errors.As(err, &wavErr) || (errors.As(err, &pathErr) && pathErr.Path == wav)
}

// checkMicWAV checks that the --mic-wav file can stand in for the
// microphone: a WAV file of 16-bit PCM (converted to 16 kHz mono if it is
// not) holding some audio. The error names the file and the problem.
func checkMicWAV(path string) error {
	pcm, err := audio.ReadWAV(path)
	if err != nil {
		return err
	}
	if len(pcm) < 2 {
		return &audio.WAVError{File: path, Problem: "holds no audio"}
	}
	return nil
}

// simConfig is the configuration of `hark run --sim` where there is no
// configuration file: the defaults, with the LED on the terminal and, if
// the default Vosk model is not there, PocketSphinx with Debian's model;
// without a microphone (probed only if probeMic), silence.
func simConfig(stderr io.Writer, probeMic bool) *config.Config {
	cfg := config.Default()
	cfg.LED.Backend = "terminal"
	engine := "the default Vosk model"
	if _, err := os.Stat(cfg.Recognizer.Model); err != nil && firmware.PocketsphinxBuilt {
		cfg.Recognizer = config.RecognizerConfig{Engine: "pocketsphinx", Grammar: true, OpenPass: true}
		engine = "PocketSphinx with Debian's English model"
	}
	fmt.Fprintf(stderr, "hark: no configuration file (%s): running with the defaults and %s\n", strings.Join(config.DefaultPaths(), ", "), engine)
	if !probeMic {
		return &cfg
	}
	if mic, err := firmware.OpenMic(cfg.Audio, nil, nil); err != nil {
		cfg.Audio.Backend = "null" // miniaudio's silent device: the rest still runs
		fmt.Fprintf(stderr, "hark: no microphone (%v): listening to silence\n", err)
	} else {
		mic.Close()
	}
	return &cfg
}
