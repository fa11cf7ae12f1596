package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// runDevices is `hark devices [-backend NAME]`: list the audio devices, with
// the index or name to put in the configuration and, where the alsa backend
// can be used, the ALSA names (as `arecord -L` and `aplay -L` print them).
func runDevices(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("devices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	backend := fs.String("backend", "", "audio backend: pulseaudio, alsa, jack or null (default: the first that works)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hark devices [-backend NAME]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	devs, err := audio.ListDevices(*backend)
	if err != nil {
		fmt.Fprintf(stderr, "hark devices: %v\n", err)
		if errors.Is(err, audio.ErrUnknownBackend) {
			return exitUsage
		}
		return exitFailure
	}
	fmt.Fprintf(stdout, "Audio backend: %s\n", devs.Backend)
	list := func(title string, infos []audio.DeviceInfo) {
		fmt.Fprintf(stdout, "\n%s:\n", title)
		if len(infos) == 0 {
			fmt.Fprintln(stdout, "  (none)")
		}
		for _, d := range infos {
			mark := " "
			if d.Default {
				mark = "*"
			}
			fmt.Fprintf(stdout, "%s %2d  %s\n", mark, d.Index, d.Name)
		}
	}
	list("Capture devices (audio.device: index or name)", devs.Capture)
	list("Playback devices (speech.device: index or name)", devs.Playback)
	if *backend == "" || *backend == "alsa" {
		listALSA(stdout, stderr)
	}
	if len(devs.Capture) == 0 {
		fmt.Fprintf(stderr, "hark devices: no capture device on %s: is a microphone connected?\n", devs.Backend)
		return exitFailure
	}
	// A backend may list devices yet have no usable default (ALSA with no
	// sound card lists only its null plugin), so try the default for real.
	mic, err := audio.OpenCapture(audio.CaptureConfig{Backend: devs.Backend, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintf(stderr, "\nhark devices: the default capture device does not work: %v\n(no sound card? set audio.device to one listed above)\n", err)
		return exitFailure
	}
	mic.Close()
	fmt.Fprintf(stdout, "\nDefault capture device %q opens.\n", mic.Device())
	return exitOK
}

// listALSA prints the ALSA names of capture and playback devices with their
// descriptions, as `arecord -L` does. Such a name works whatever the
// backend found first: it picks the alsa backend itself.
func listALSA(stdout, stderr io.Writer) {
	capture, playback, err := audio.ListALSA()
	if err != nil {
		fmt.Fprintf(stderr, "hark devices: no ALSA names: %v\n", err)
		return
	}
	list := func(title string, devs []audio.ALSADevice) {
		fmt.Fprintf(stdout, "\n%s:\n", title)
		if len(devs) == 0 {
			fmt.Fprintln(stdout, "  (none)")
		}
		for _, d := range devs {
			fmt.Fprintf(stdout, "  %s\n", d.Name)
			if d.Description != "" {
				fmt.Fprintf(stdout, "      %s\n", d.Description)
			}
		}
	}
	list("ALSA capture devices (audio.device: the name as it is, e.g. plughw:CARD=…,DEV=0)", capture)
	list("ALSA playback devices (speech.device: the name as it is)", playback)
}
