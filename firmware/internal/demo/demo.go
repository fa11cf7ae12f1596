package demo

import (
	"context"
	"errors"
	"fmt"
	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// DemoOptions configure Demo.
type DemoOptions struct {
	Out io.Writer // the demo's narration
	// WAVDir caches the spoken utterances, generated with espeak-ng.
	WAVDir string
	// VoskModels are directories where a real Vosk model is looked for;
	// without one the demo uses PocketSphinx.
	VoskModels []string
	// Logger receives Hark's log; nil discards it.
	Logger *slog.Logger
}

// demoStep is one push-to-talk turn of the demo.
type demoStep struct {
	say  string // spoken into the simulated microphone
	note string // what it shows
	// announce: after the turn, wait for an answer nobody asked for (a
	// timer ringing).
	announce bool
}

var demoScript = []demoStep{
	{say: "what time is it", note: "a built-in command"},
	{say: "what time is it and what's the date", note: "two commands in one utterance, answered in spoken order"},
	{say: "turn on the light", note: "a command that asks back, opening a follow-up context"},
	{say: "the kitchen", note: "understood only in that context"},
	{say: "set a timer for five seconds", note: "an async command: answers now, announces later"},
	{say: "how long is left", note: "the timer's progress, on request"},
	{say: "repeat that", note: "the last answer again", announce: true},
	{say: "run the slow report", note: "a badly written async command that blocks the main loop for 1.5 s: the watchdog names it and the LED blinks"},
	{say: "what can I say", note: "the visible commands"},
}

// demoCommands are the demo's own commands, beside the built-ins.
func demoCommands() ([]commands.Command, func(*commands.Manager) error) {
	var room *commands.Context
	cmds := []commands.Command{
		{
			Name:    "light",
			Pattern: "turn (on|off) the light",
			Handler: func(req *commands.Request) (commands.Response, error) {
				on := strings.Contains(req.Text, " on ")
				state := map[bool]string{true: "on", false: "off"}[on]
				return commands.Response{
					Text:    "Which room?",
					Context: room.With(commands.Params{"state": {Type: "Word", Text: state, Value: state}}),
				}, nil
			},
		},
		{
			Name:    "slow report",
			Pattern: "run the slow report",
			Kind:    commands.Async,
			Handler: func(*commands.Request) (commands.Response, error) {
				// Wrong on purpose: an async command must wait through
				// its Runtime (Offload, Sleep), not hold the loop.
				time.Sleep(1500 * time.Millisecond)
				return commands.Response{Text: "The report is ready."}, nil
			},
		},
	}
	// The follow-up context needs the manager, built with the commands.
	openContext := func(m *commands.Manager) error {
		var err error
		room, err = m.NewContext(time.Minute, commands.Command{
			Name:    "light room",
			Pattern: "the (kitchen|bedroom|hall)",
			Hidden:  true,
			Handler: func(req *commands.Request) (commands.Response, error) {
				return commands.Response{
					Text:         fmt.Sprintf("The %s light is %s.", strings.TrimPrefix(req.Text, "the "), req.Params.Word("state")),
					Status:       commands.StatusSuccess,
					CloseContext: true,
				}, nil
			},
		})
		return err
	}
	return cmds, openContext
}

// Demo runs Hark's scripted demo: no Pi, no microphone, no keyboard. Each
// step presses a simulated button over a WAV spoken by espeak-ng and shows
// the LED states, the transcript, the commands matched and the answers.
func Demo(ctx context.Context, opts DemoOptions) error {
	out := &demoPrinter{w: opts.Out}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := config.Default()
	cfg.Watchdog.Threshold = time.Second

	rec, engine, err := demoRecognizer(&cfg, opts.VoskModels, log)
	if err != nil {
		return err
	}
	defer rec.Close()
	out.printf("Hark demo — recognizer: %s\n", engine)

	pcms := make([][]byte, len(demoScript))
	for i, s := range demoScript {
		if pcms[i], err = SpokenWAV(ctx, opts.WAVDir, s.say); err != nil {
			return err
		}
	}

	extra, openContext := demoCommands()
	h, err := firmware.StartScripted(ctx, &cfg, rec, out, out, assistant.Options{
		Commands: extra,
		Logger:   log,
		OnEvent: func(e assistant.Event) {
			if e.Kind != assistant.EventTranscript {
				return
			}
			matched := e.Commands
			if len(matched) == 0 {
				matched = []string{"(none)"}
			}
			out.printf("  heard     %q → %s\n", e.Text, strings.Join(matched, ", "))
		},
	})
	if err != nil {
		return err
	}
	if err := openContext(h.Assistant().Manager()); err != nil {
		return errors.Join(err, h.Stop())
	}
	select { // the LED's first state, idle
	case <-h.States():
	case <-ctx.Done():
		return errors.Join(ctx.Err(), h.Stop())
	}

	for i, step := range demoScript {
		out.printf("\n%d. %s\n  press     saying %q\n", i+1, step.note, step.say)
		if err := h.Play(ctx, pcms[i]); err != nil {
			return errors.Join(err, h.Stop())
		}
		out.printf("  release\n")
		h.Release()
		if err := h.WaitForRest(ctx); err != nil {
			return errors.Join(err, h.Stop())
		}
		if step.announce {
			out.printf("  (waiting for the timer)\n")
			if err := h.WaitForRest(ctx); err != nil {
				return errors.Join(err, h.Stop())
			}
		}
	}
	if err := h.Stop(); err != nil {
		return err
	}
	out.printf("\ndemo done\n")
	return nil
}

// demoRecognizer opens Vosk with a real model if one is present, else
// PocketSphinx, saying which.
func demoRecognizer(cfg *config.Config, voskModels []string, log *slog.Logger) (pipeline.Recognizer, string, error) {
	if dir := FindVoskModel(voskModels); dir != "" {
		cfg.Recognizer = config.RecognizerConfig{Engine: "vosk", Model: dir, Grammar: true, OpenPass: true}
		rec, err := firmware.OpenRecognizer(cfg.Recognizer, log)
		return rec, "Vosk, model " + dir, err
	}
	looked := strings.Join(voskModels, ", ")
	if !firmware.PocketsphinxBuilt {
		return nil, "", fmt.Errorf("demo: no Vosk model (looked in %s; `make model` fetches one) and this hark was built without PocketSphinx (build without the tag nopocketsphinx, as `make build` does)", looked)
	}
	cfg.Recognizer = config.RecognizerConfig{Engine: "pocketsphinx", Grammar: true, OpenPass: true}
	rec, err := firmware.OpenRecognizer(cfg.Recognizer, log)
	return rec, fmt.Sprintf("PocketSphinx with Debian's en-us model (offline: no Vosk model in %s; `make model` fetches one)", looked), err
}

// FindVoskModel returns the first of dirs that holds a Vosk model, or ""
// (always "" in a binary built without Vosk).
func FindVoskModel(dirs []string) string {
	if !firmware.VoskBuilt {
		return ""
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(filepath.Join(dir, "am", "final.mdl")); err == nil && !fi.IsDir() {
			return dir
		}
	}
	return ""
}

// SpokenWAV returns text spoken by espeak-ng as 16 kHz mono PCM, cached as
// a WAV file in dir.
func SpokenWAV(ctx context.Context, dir, text string) ([]byte, error) {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return '-'
	}, strings.ToLower(text)) + ".wav"
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, "espeak-ng", "-v", "en-us", "-s", "150", "-w", path, text)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("demo: speaking %q with espeak-ng (install it, or run `make setup`): %v %s", text, err, out)
		}
	}
	return audio.ReadWAV(path)
}

// demoPrinter narrates the demo: it is the LED (states and the watchdog's
// alert) and the loudspeaker (answers as text).
type demoPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *demoPrinter) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

func (p *demoPrinter) Show(s assistant.State) { p.printf("  LED       %s\n", s) }

func (p *demoPrinter) Blocked(info scheduler.BlockInfo) {
	p.printf("  WATCHDOG  main loop blocked by %q for %d ms; LED blinks the alert\n", info.Name, info.Held.Milliseconds())
}

func (p *demoPrinter) Recovered(total time.Duration) {
	p.printf("  WATCHDOG  main loop back after %d ms; LED shows the state again\n", total.Milliseconds())
}

func (p *demoPrinter) Say(_ context.Context, text string) error {
	p.printf("  hark      %q\n", text)
	return nil
}
