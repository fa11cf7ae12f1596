package firmware

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"periph.io/x/conn/v3/gpio"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/drivers/sim"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/speech"
)

// RunOptions adjust Run.
type RunOptions struct {
	// Sim replaces the GPIO button and LED: the LED is drawn on Terminal
	// and each line read from Keyboard (each Enter) toggles the button.
	Sim      bool
	Keyboard io.Reader
	// WAV, if set, replaces the microphone: Hark presses the button once
	// over this file, answers, and returns.
	WAV string
	// Commands are the caller's own, matched before the configuration's
	// and the built-ins (which they override by name).
	Commands []commands.Command
	// Logger defaults to a text logger on Terminal at cfg.LogLevel.
	Logger *slog.Logger
	// Terminal receives the simulated LED and the default log; default
	// os.Stderr. Keyboard defaults to os.Stdin.
	Terminal io.Writer
}

// shutdownGrace is how long running commands get to return at shutdown.
const shutdownGrace = 3 * time.Second

// ModelError is Run's error for a configured model that cannot be loaded:
// bad input, like a bad configuration, found before any device is opened.
type ModelError struct{ Err error }

func (e *ModelError) Error() string { return e.Err.Error() }
func (e *ModelError) Unwrap() error { return e.Err }

// Run runs Hark with cfg until ctx is done (or, with opts.WAV, until that
// one utterance is answered). It reports READY=1 to systemd once every
// device is open, and WATCHDOG=1 only while the main loop is healthy. A
// WAV file that cannot be used is refused first, with the error of
// audio.ReadWAV, then a model that cannot be loaded, with a *ModelError.
func Run(ctx context.Context, cfg *Config, opts RunOptions) error {
	if opts.Terminal == nil {
		opts.Terminal = os.Stderr
	}
	// The log and the simulated LED write to it from their own goroutines.
	ansi := sim.IsTerminal(opts.Terminal)
	opts.Terminal = &lockedWriter{w: opts.Terminal}
	if opts.Keyboard == nil {
		opts.Keyboard = os.Stdin
	}
	log := opts.Logger
	if log == nil {
		log = newLogger(opts.Terminal, cfg.LogLevel)
	}
	// A bad WAV file is bad input, refused before any device is opened.
	var pcm []byte
	if opts.WAV != "" {
		var err error
		if pcm, err = audio.ReadWAV(opts.WAV); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	rec, err := OpenRecognizer(cfg.Recognizer)
	if err != nil {
		return &ModelError{Err: err}
	}
	defer rec.Close()

	// a, the assistant, is built once every device is open. The audio path
	// reaches it only after that: the microphone's events wait on micEvents,
	// read once a exists, and push-to-talk reports an utterance too long
	// only after a Down, which only a issues.
	var a *assistant
	var src audio.Source
	var mic *scriptedMic
	micEvents := make(chan audio.Event)
	if opts.WAV != "" {
		mic = newScriptedMic()
		src = mic
	} else {
		capture, err := openMic(cfg.Audio, log, func(e audio.Event) {
			// Lost and restored alternate and the last one must arrive (it
			// sets the LED), so wait for the assistant rather than drop it;
			// the rest is only logged, by the capture itself.
			if e.Kind != audio.DeviceLost && e.Kind != audio.DeviceRestored {
				return
			}
			select {
			case micEvents <- e:
			case <-ctx.Done():
			}
		})
		if err != nil {
			return err
		}
		defer capture.Close()
		src = capture
	}
	ptt := audio.NewPTT(src, rec, pttConfig(cfg.Audio, log, func() { a.listenedTooLong() }))
	pttDone := make(chan struct{})
	go func() {
		defer close(pttDone)
		if err := ptt.Run(ctx); err != nil {
			log.Error("audio", "err", err)
			cancel()
		}
	}()
	// The recognizer and the device are closed (deferred above) only once
	// push-to-talk has stopped using them.
	defer func() {
		cancel()
		<-pttDone
	}()

	var player speech.Player
	if p := cfg.Speech.Player; len(p) > 0 {
		player = speech.CommandPlayer{Path: p[0], Args: p[1:]}
	} else {
		device, err := speech.NewDevicePlayer(nil)
		if err != nil {
			return err
		}
		defer device.Close()
		player = device
	}
	speaker, err := speech.New(speech.Config{Voice: cfg.Speech.Voice, Rate: cfg.Speech.Rate, Player: player})
	if err != nil {
		return err
	}

	light, err := openLight(cfg.LED, opts, ansi)
	if err != nil {
		return err
	}
	driver := led.New(light, led.Config{Logger: log})
	driverDone := make(chan struct{})
	go func() {
		defer close(driverDone)
		driver.Run(ctx)
	}()
	defer func() {
		cancel()
		<-driverDone // it turns the light off
	}()
	indicator := &ledIndicator{driver: driver, log: log}

	var buttons <-chan Event
	if opts.WAV == "" {
		var pin gpio.PinIn
		if opts.Sim {
			pin = sim.NewKeys(opts.Keyboard)
			fmt.Fprintln(opts.Terminal, "press Enter to start talking, Enter again to stop; Ctrl-C quits")
		} else if pin, err = pins.Open(cfg.Button.Pin); err != nil {
			return err
		}
		if buttons, err = startButton(ctx, pin, cfg.Button, log); err != nil {
			return err
		}
	}

	listener := &watchedListener{Listener: ptt, downs: make(chan struct{}, 1)}
	var rest chan State
	var ind Indicator = indicator
	if mic != nil {
		rest = make(chan State, 16)
		ind = &watchedIndicator{Indicator: indicator, states: rest}
	}
	a, err = newAssistant(ctx, cfg, devices{listener: listener, speaker: speaker, led: ind}, opts.Commands, clockwork.NewRealClock(), log)
	if err != nil {
		return err
	}
	go func() {
		for {
			select {
			case e := <-micEvents:
				if e.Kind == audio.DeviceLost {
					a.event(Event{Kind: MicLost, Text: e.String()})
				} else {
					a.event(Event{Kind: MicRestored})
				}
			case <-ctx.Done():
				return
			}
		}
	}()

	var sd systemd
	interval, err := sd.watchdogInterval()
	if err != nil {
		log.Warn("systemd watchdog", "err", err)
	}
	if interval > 0 {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		go func() {
			err := sd.keepAlive(ctx, ticker.C, func() error {
				if !a.sched.Healthy() {
					return errors.New("main loop blocked")
				}
				return nil
			})
			if err != nil {
				log.Warn("systemd watchdog", "err", err)
			}
		}()
	}
	if err := sd.ready(); err != nil {
		log.Warn("systemd notify", "err", err)
	}
	log.Info("hark running", "engine", cfg.Recognizer.Engine, "model", cfg.Recognizer.Model, "led", light)

	if mic != nil {
		sim := make(chan Event)
		buttons = sim
		go func() {
			defer cancel()
			if err := pressAndSay(ctx, sim, listener, mic, pcm); err != nil {
				return
			}
			waitForRest(ctx, rest)
		}()
	}
	err = a.run(ctx, buttons, shutdownGrace)
	if serr := sd.stopping(); serr != nil {
		log.Warn("systemd notify", "err", serr)
	}
	return err
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// openMic opens the configured microphone. Its error names the device, as
// the configuration does.
func openMic(c AudioConfig, log *slog.Logger, onEvent func(audio.Event)) (*audio.Capture, error) {
	capture, err := audio.OpenCapture(audio.CaptureConfig{Backend: c.Backend, Device: c.Device, Logger: log, OnEvent: onEvent})
	if err != nil {
		device := fmt.Sprintf("audio.device %q", c.Device)
		if c.Device == "" {
			device = "the default capture device (audio.device is empty)"
		}
		if c.Backend != "" {
			device += fmt.Sprintf(" on audio.backend %q", c.Backend)
		}
		return nil, fmt.Errorf("cannot open the microphone, %s: %w", device, err)
	}
	return capture, nil
}

// pttConfig is push-to-talk as configured. In the configuration a zero
// pre-roll means none (audio.PTTConfig's zero means its default; the
// configuration's default is written in DefaultConfig). tooLong is called,
// on push-to-talk's goroutine, when an utterance reaches the maximum length.
func pttConfig(c AudioConfig, log *slog.Logger, tooLong func()) audio.PTTConfig {
	preRoll := c.PreRoll
	if preRoll == 0 {
		preRoll = -1
	}
	return audio.PTTConfig{
		PreRoll:      preRoll,
		MaxUtterance: c.MaxUtterance,
		Logger:       log,
		OnEvent: func(e audio.Event) {
			if e.Kind == audio.MaxLength {
				tooLong()
			}
		},
	}
}

// newLogger is a text logger at level (one of the configuration's).
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated with the configuration
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openLight opens the configured LED, or the terminal one (drawn with
// ANSI escapes if ansi).
func openLight(c LEDConfig, opts RunOptions, ansi bool) (led.Light, error) {
	if opts.Sim || c.Backend == "terminal" {
		return sim.NewLED(opts.Terminal, ansi), nil
	}
	switch c.Backend {
	case "apa102":
		port, err := pins.OpenSPI(c.SPI)
		if err != nil {
			return nil, err
		}
		return led.NewStrip(port, led.StripOptions{Pixels: c.Count})
	default:
		pin, err := pins.Open(c.Pin)
		if err != nil {
			return nil, err
		}
		return led.NewGPIO(pin, led.GPIOOptions{ActiveLow: c.ActiveLow}), nil
	}
}

// pulls are the configuration's button pulls.
var pulls = map[string]gpio.Pull{"up": gpio.PullUp, "down": gpio.PullDown, "none": gpio.Float}

// startButton runs the button driver on pin and turns its events into the
// machine's.
func startButton(ctx context.Context, pin gpio.PinIn, c ButtonConfig, log *slog.Logger) (<-chan Event, error) {
	b, err := button.New(pin, button.Config{ActiveHigh: !c.ActiveLow, Pull: pulls[c.Pull], LongPress: c.LongPress})
	if err != nil {
		return nil, err
	}
	go func() {
		if err := b.Run(ctx); err != nil {
			log.Error("button", "err", err)
		}
	}()
	events := make(chan Event)
	go func() {
		defer close(events)
		for e := range b.Events() {
			var kind EventKind
			switch e.Kind {
			case button.Down:
				kind = Pressed
			case button.Up:
				kind = Released
			case button.LongPress:
				kind = LongPressed
			default:
				continue
			}
			select {
			case events <- Event{Kind: kind}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return events, nil
}

// ledIndicator shows states and the watchdog's alert on the LED driver.
type ledIndicator struct {
	driver *led.Driver
	log    *slog.Logger
}

var ledStates = [...]led.State{Idle: led.Idle, Listening: led.Listening, Thinking: led.Thinking, Speaking: led.Speaking, Failed: led.Error, Muted: led.Muted}

func (l *ledIndicator) Show(s State) { l.driver.Set(ledStates[s]) }

func (l *ledIndicator) Blocked(info scheduler.BlockInfo) {
	l.driver.SetBlocked(true)
	l.log.Warn("watchdog: main loop blocked", "by", info.Name, "pattern", info.Pattern, "held_ms", info.Held.Milliseconds(), "stack", info.Stack)
}

func (l *ledIndicator) Recovered(total time.Duration) {
	l.driver.SetBlocked(false)
	l.log.Info("watchdog: main loop recovered", "blocked_ms", total.Milliseconds())
}

// watchedListener tells, through downs, when Down has returned: audio
// played after that reaches the recognizer.
type watchedListener struct {
	Listener
	downs chan struct{}
}

func (l *watchedListener) Down() error {
	err := l.Listener.Down()
	select {
	case l.downs <- struct{}{}:
	default:
	}
	return err
}

// watchedIndicator copies the states shown to states, dropping them when
// nobody is reading: the loop must never wait for a watcher.
type watchedIndicator struct {
	Indicator
	states chan State
}

func (w *watchedIndicator) Show(s State) {
	w.Indicator.Show(s)
	select {
	case w.states <- s:
	default:
	}
}

// pressAndSay is one simulated push-to-talk turn: press, say pcm, release.
func pressAndSay(ctx context.Context, buttons chan<- Event, l *watchedListener, mic *scriptedMic, pcm []byte) error {
	if err := pressAndPlay(ctx, buttons, l, mic, pcm); err != nil {
		return err
	}
	return send(ctx, buttons, Event{Kind: Released})
}

// pressAndPlay presses and says pcm, leaving the button down.
func pressAndPlay(ctx context.Context, buttons chan<- Event, l *watchedListener, mic *scriptedMic, pcm []byte) error {
	select {
	case <-l.downs: // drop a stale signal
	default:
	}
	if err := send(ctx, buttons, Event{Kind: Pressed}); err != nil {
		return err
	}
	select {
	case <-l.downs:
	case <-ctx.Done():
		return ctx.Err()
	}
	played, err := mic.play(ctx, pcm)
	if err != nil {
		return err
	}
	select {
	case <-played:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func send(ctx context.Context, ch chan<- Event, e Event) error {
	select {
	case ch <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitForRest waits for the assistant to come back to idle or muted (or
// to show an error) after a turn.
func waitForRest(ctx context.Context, states <-chan State) {
	busy := false
	for {
		select {
		case s := <-states:
			if !s.atRest() {
				busy = true
			} else if busy {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
