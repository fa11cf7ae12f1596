// Command hark is the offline push-to-talk voice assistant.
//
// Each subcommand lives in its own file and is listed in subcommands below.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at link time by the Makefile (-X main.version=...).
var version = "dev"

// Exit codes shared by the subcommands.
const (
	exitOK      = 0
	exitFailure = 1 // the job ran and its answer is "no" (nothing matched, a check failed)
	exitUsage   = 2 // bad flags, bad input file
	// exitConfig is a configuration that cannot work (bad keys or values, a
	// model that cannot be loaded): EX_CONFIG from sysexits.h. Go itself
	// exits with 2 on a panic or a watchdog's SIGABRT, so the systemd unit
	// can stop restarting on this status alone and still restart those.
	exitConfig = 78
)

type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"version":    {"print the version", runVersion},
		"match":      {"find the commands in a text, as JSON", runMatch},
		"grammar":    {"print the recognizer grammar of command patterns", runGrammar},
		"devices":    {"list audio capture and playback devices", runDevices},
		"config":     {"check a configuration file: config check [FILE]", runConfig},
		"transcribe": {"decode a WAV file to text, as JSON", runTranscribe},
		"demo":       {"scripted demo: simulated presses over spoken WAVs, no Pi needed", runDemo},
		"selftest":   {"check LED, audio, model, button and watchdog: selftest [--sim] [--config FILE]", runSelfTest},
		"run":        {"run the assistant: run [--config FILE] [--sim] [--wav FILE | --mic-wav FILE]", runRun},
	}
}

func main() {
	ctx, stop := signalContext(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitInterrupted is the status of a Hark ended by a second signal, as a
// shell gives a process killed by SIGINT.
const exitInterrupted = 130

// signalContext is done at the first SIGINT or SIGTERM, which asks Hark to
// stop cleanly; a second one ends the process at once, should that stop
// hang. (Giving the signal back its default action would not do: started
// in the background, as by a non-interactive shell, SIGINT's default is to
// be ignored.) stop ends the watch.
func signalContext(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		fmt.Fprintln(stderr, "hark: stopping (signal again to quit at once)")
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "hark: quit before stopping cleanly")
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		<-watched
		cancel()
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := subcommands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "hark: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return exitUsage
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]subcommand) {
	fmt.Fprintf(w, "hark %s — offline push-to-talk voice assistant\n\nUsage: hark <command> [flags] [args]\n\nCommands:\n", version)
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-12s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintf(w, "  %-12s %s\n", "help", "show this help")
	fmt.Fprintln(w, "\nRun 'hark <command> -h' for a command's flags.")
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "hark %s\n", version)
	return exitOK
}
