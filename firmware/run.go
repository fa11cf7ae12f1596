package firmware

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/sim"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// RunOptions adjust Run.
type RunOptions struct {
	// Sim replaces the GPIO button and LED: the LED is drawn on Terminal
	// and each empty line read from Keyboard (each Enter) toggles the
	// button; a line of words is handled as if it had been heard.
	Sim      bool
	Keyboard io.Reader
	// WAV, if set, replaces the microphone and the button: Hark presses
	// once over this file, answers, and returns.
	WAV string
	// MicWAV, if set, replaces the microphone only: each press hears this
	// WAV file from its start, then silence, paced like a microphone.
	MicWAV string
	// Commands are the caller's own, matched before the configuration's
	// and the built-ins (which they override by name).
	Commands []commands.Command
	// Logger defaults to a text logger on Terminal at cfg.LogLevel.
	Logger *slog.Logger
	// Terminal receives the simulated LED and the default log; default
	// os.Stderr. Keyboard defaults to os.Stdin.
	Terminal io.Writer
	// Version is Hark's, as integrations report it.
	Version string
	ansi    bool // Terminal is one, for the simulated LED's colours
}

// ModelError is Run's error for a configured model that cannot be loaded:
// bad input, like a bad configuration, found before any device is opened.
type ModelError struct{ Err error }

func (e *ModelError) Error() string { return e.Err.Error() }
func (e *ModelError) Unwrap() error { return e.Err }

// failureShown is how long the LED shows a start-up failure before Run
// returns it: a headless device has no other way to say it.
const failureShown = 3 * time.Second

// errScriptDone ends a --wav run once its one utterance is answered.
var errScriptDone = errors.New("scripted utterance answered")

// Run runs Hark with cfg until ctx is done (or, with opts.WAV, until that
// one utterance is answered). A WAV file that cannot be used is refused
// first, with the error of audio.ReadWAV. The LED opens next, so that it
// shows any later start-up failure for a few seconds: a model that cannot
// be loaded (a *ModelError), a missing microphone or button. Run reports READY=1 to systemd once every device
// is open, WATCHDOG=1 only while the main loop is healthy, and returns only
// once every goroutine it started has returned and every device is closed.
func Run(ctx context.Context, cfg *config.Config, opts RunOptions) (err error) {
	opts.setDefaults()
	log := opts.Logger
	if log == nil {
		log = newLogger(opts.Terminal, cfg.LogLevel)
	}
	var pcm []byte
	if opts.WAV != "" {
		if pcm, err = audio.ReadWAV(opts.WAV); err != nil {
			return err // bad input, refused before any device is opened
		}
	}
	var dev devices
	defer func() { err = errors.Join(err, dev.close()) }()
	if err := dev.openLight(cfg.LED, opts, log); err != nil {
		return err
	}
	if err := dev.openRecognizer(cfg.Recognizer, log); err != nil {
		err = &ModelError{Err: err}
		dev.showFailure(ctx, log, err)
		return err
	}
	if err := dev.openRest(cfg, opts, log); err != nil {
		dev.showFailure(ctx, log, err)
		return err
	}

	in, err := openIntegrations(cfg, opts.Version, dev.driver, log)
	if err != nil {
		dev.showFailure(ctx, log, err)
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	a, err := dev.newAssistant(cfg, opts, in, log)
	if err != nil {
		dev.showFailure(ctx, log, err)
		return err
	}
	dev.mic.attach(a)
	g.Go(func() error { dev.driver.Run(ctx); return nil })
	g.Go(func() error { return dev.ptt.Run(ctx) })
	g.Go(func() error { return a.Run(ctx) })
	if dev.btn != nil {
		dev.inbox = a
		g.Go(func() error {
			if err := dev.btn.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("button", "err", err)
				return err
			}
			return nil
		})
	}
	g.Go(func() error { return keepAlive(ctx, a.Healthy, log) })
	g.Go(func() error { return in.run(ctx, a) })
	if dev.typed != nil {
		g.Go(func() error {
			for {
				select {
				case text := <-dev.typed:
					a.Send(assistant.Input{Kind: assistant.Heard, Text: text})
				case <-ctx.Done():
					return nil
				}
			}
		})
	}
	if err := notifyReady(); err != nil {
		log.Warn("systemd notify", "err", err)
	}
	log.Info("hark running", "engine", cfg.Recognizer.Engine, "model", cfg.Recognizer.Model, "led", dev.light, "speech", dev.speechState)
	if dev.script != nil {
		g.Go(func() error {
			if err := dev.script.say(ctx, a, pcm); err != nil {
				return err
			}
			return errScriptDone
		})
	}
	err = g.Wait()
	if serr := notifyStopping(); serr != nil {
		log.Warn("systemd notify", "err", serr)
	}
	if errors.Is(err, errScriptDone) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func (o *RunOptions) setDefaults() {
	if o.Terminal == nil {
		o.Terminal = os.Stderr
	}
	o.ansi = sim.IsTerminal(o.Terminal)
	o.Terminal = &lockedWriter{w: o.Terminal}
	if o.Keyboard == nil {
		o.Keyboard = os.Stdin
	}
}

// newLogger is a text logger at level (one of the configuration's).
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated with the configuration
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// showFailure shows err on the LED for failureShown (or until ctx is done):
// on a device with no screen it is the only sign of a start-up failure.
func (d *devices) showFailure(ctx context.Context, log *slog.Logger, err error) {
	log.Error("start-up failed", "err", err)
	if d.simulated {
		return // drawn on a terminal that shows the error anyway
	}
	ctx, cancel := context.WithTimeout(ctx, failureShown)
	defer cancel()
	d.driver.Set(led.Error)
	d.driver.Run(ctx)
}

var _ assistant.Speaker = (*logSpeaker)(nil)
