package firmware

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"

	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/drivers/sim"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/speech"
)

// devices are what Run opens, in order, each with what closes it. Run
// closes them only once every goroutine using them has returned.
type devices struct {
	closers []func() error // closed last first

	rec         pipeline.Recognizer
	light       led.Light
	simulated   bool // the LED is drawn on a terminal
	driver      *led.Driver
	src         audio.Source
	script      *scriptedRun // --wav: the scripted microphone and its press
	mic         micReports
	ptt         *audio.PTT
	speaker     assistant.Speaker
	speechState string // for the start-up log line
	btn         *button.Button
	pin         gpio.PinIn
	inbox       *assistant.Assistant // set before the button runs
	typed       chan string          // --sim: sentences typed, handled as heard
}

func (d *devices) onClose(f func() error) { d.closers = append(d.closers, f) }

// close closes every device opened, last first.
func (d *devices) close() error {
	var errs []error
	for _, f := range slices.Backward(d.closers) {
		errs = append(errs, f())
	}
	d.closers = nil
	return errors.Join(errs...)
}

func (d *devices) openRecognizer(rc config.RecognizerConfig, log *slog.Logger) error {
	rec, err := OpenRecognizer(rc, log)
	if err != nil {
		return err
	}
	d.rec = rec
	d.onClose(rec.Close)
	return nil
}

// openLight opens the LED and its driver; the driver runs only in Run's
// group (or to show a start-up failure).
func (d *devices) openLight(c config.LEDConfig, opts RunOptions, log *slog.Logger) error {
	light, closeLight, err := OpenLight(c, LightOptions{Sim: opts.Sim, Terminal: opts.Terminal, ANSI: opts.ansi, Logger: log})
	if err != nil {
		return err
	}
	d.onClose(closeLight)
	d.light, d.simulated = light, opts.Sim || c.Backend == "terminal"
	d.driver = led.New(light, led.Config{Logger: log})
	return nil
}

// LightOptions adjust OpenLight.
type LightOptions struct {
	// Sim draws the LED on Terminal instead (so does the terminal backend).
	Sim      bool
	Terminal io.Writer
	ANSI     bool // draw with colours: Terminal is a terminal
	Logger   *slog.Logger
	// OpenPin and OpenSPI open the hardware; default pins.Open and
	// pins.OpenSPI.
	OpenPin func(name string) (gpio.PinIO, error)
	OpenSPI func(name string) (spi.PortCloser, error)
}

// OpenLight opens the configured LED, or the terminal one, and returns
// what closes it (the SPI port of a strip). A GPIO LED is dimmed by PWM
// where the pin supports it, else shown on/off; its String says which.
func OpenLight(c config.LEDConfig, opts LightOptions) (led.Light, func() error, error) {
	none := func() error { return nil }
	if opts.Sim || c.Backend == "terminal" {
		return sim.NewLED(opts.Terminal, opts.ANSI), none, nil
	}
	switch c.Backend {
	case "apa102":
		open := opts.OpenSPI
		if open == nil {
			open = pins.OpenSPI
		}
		port, err := open(c.SPI)
		if err != nil {
			return nil, nil, err
		}
		strip, err := led.NewStrip(port, led.StripOptions{Pixels: c.Count})
		if err != nil {
			return nil, nil, errors.Join(err, port.Close())
		}
		return strip, port.Close, nil
	default:
		open := opts.OpenPin
		if open == nil {
			open = pins.Open
		}
		pin, err := open(c.Pin)
		if err != nil {
			return nil, nil, err
		}
		return led.NewGPIO(pin, led.GPIOOptions{ActiveLow: c.ActiveLow, PWM: led.DefaultPWM, Logger: opts.Logger}), none, nil
	}
}

// openRest opens the microphone (or the --wav script), push-to-talk,
// speech and the button.
func (d *devices) openRest(cfg *config.Config, opts RunOptions, log *slog.Logger) error {
	forward := d.mic.report
	var micWAV *wavMic
	switch {
	case opts.WAV != "":
		d.script = newScriptedRun()
		d.src = d.script.mic
		forward = func(e audio.Event) {
			d.script.listening(e)
			d.mic.report(e)
		}
	case opts.MicWAV != "":
		m, err := openWAVMic(opts.MicWAV, log)
		if err != nil {
			return err
		}
		micWAV, d.src = m, m
		forward = func(e audio.Event) {
			m.listening(e)
			d.mic.report(e)
		}
	default:
		capture, err := OpenMic(cfg.Audio, log, forward)
		if err != nil {
			return err
		}
		d.onClose(capture.Close)
		d.src = capture
	}
	d.ptt = audio.NewPTT(d.src, d.rec, runPTTConfig(cfg, log, forward))

	if err := d.openSpeech(cfg.Speech, log); err != nil {
		return err
	}

	switch {
	case opts.WAV != "":
		// The script presses the button.
	case opts.Sim:
		d.typed = make(chan string, 16)
		d.pin = sim.NewTypingKeys(opts.Keyboard, func(text string) {
			select {
			case d.typed <- text:
			default:
				log.Warn("typed sentence dropped: too many waiting", "text", text)
			}
		})
		fmt.Fprintln(opts.Terminal, "press Enter to start talking, Enter again to stop; or type a sentence and Enter, as if heard; Ctrl-C quits")
		if micWAV != nil {
			fmt.Fprintf(opts.Terminal, "instead of the microphone each press hears %s (%.1f s) from its start: hold it that long\n",
				micWAV.file, micWAV.length().Seconds())
		}
	default:
		pin, err := pins.Open(cfg.Button.Pin)
		if err != nil {
			return err
		}
		d.pin = pin
	}
	if d.pin != nil {
		b, err := button.New(d.pin, button.Config{ActiveHigh: !cfg.Button.ActiveLow, Pull: cfg.Button.GPIOPull(), LongPress: cfg.Button.LongPress, OnEvent: d.pressed})
		if err != nil {
			return err
		}
		d.btn = b
	}
	return nil
}

// openSpeech opens speech out, on speech.device at speech.volume. Without
// espeak-ng (or a sound device) Hark still runs: answers go to the log and
// the LED, with one warning.
func (d *devices) openSpeech(c config.SpeechConfig, log *slog.Logger) error {
	var player speech.Player
	if len(c.Player) > 0 {
		player = speech.CommandPlayer{Path: c.Player[0], Args: c.Player[1:]}
	} else {
		device, err := speech.NewDevicePlayer(speech.DeviceConfig{Device: c.Device, Logger: log})
		if err != nil {
			if c.Device != "" {
				return d.noSpeech(log, fmt.Errorf("no sound output on speech.device %q: %w", c.Device, err))
			}
			return d.noSpeech(log, fmt.Errorf("no sound output: %w", err))
		}
		d.onClose(device.Close)
		player = device
	}
	player = speech.WithVolume(player, c.Volume)
	sp, err := speech.New(speech.Config{Voice: c.Voice, Rate: c.Rate, Player: player, Logger: log})
	if err != nil {
		return d.noSpeech(log, err)
	}
	d.speaker, d.speechState = speaker{sp}, "espeak-ng"
	return nil
}

func (d *devices) noSpeech(log *slog.Logger, err error) error {
	log.Warn("speech off: answers go to the log only", "err", err)
	d.speaker, d.speechState = &logSpeaker{log: log}, "off: "+err.Error()
	return nil
}

// logSpeaker stands in for speech out when there is none: it logs what
// would have been said.
type logSpeaker struct{ log *slog.Logger }

func (s *logSpeaker) Say(_ context.Context, text string) error {
	s.log.Info("answer (not spoken: speech is off)", "text", text)
	return nil
}

// newAssistant builds the assistant over the open devices.
func (d *devices) newAssistant(cfg *config.Config, opts RunOptions, in *integrations, log *slog.Logger) (*assistant.Assistant, error) {
	var onEvent func(assistant.Event)
	if d.script != nil {
		onEvent = d.script.onEvent
	}
	return assistant.New(cfg.Assistant(), assistant.Devices{
		Listener:  d.ptt,
		Speaker:   d.speaker,
		Indicator: &ledIndicator{driver: d.driver, log: log},
	}, in.options(assistant.Options{Commands: opts.Commands, Logger: log, OnEvent: onEvent}))
}

// micReports hands what the audio path reports (the capture's lost and
// restored, push-to-talk's heard, too long and grammar refused) to the
// assistant's inbox. report is called from the capture's watcher and
// push-to-talk's goroutine and never blocks them: a watcher blocked there
// held Capture.Close, and so Run, forever (a microphone lost while a
// start-up failure was shown). Until the assistant is attached, the latest
// lost or restored is kept for it: the last one sets the LED.
type micReports struct {
	mu      sync.Mutex
	a       *assistant.Assistant
	pending *audio.Event
}

func (m *micReports) report(e audio.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.a != nil:
		sendMic(m.a, e)
	case e.Kind == audio.DeviceLost || e.Kind == audio.DeviceRestored:
		m.pending = &e
	}
}

// attach hands a what was kept for it, and from then on every event.
func (m *micReports) attach(a *assistant.Assistant) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.a = a
	if m.pending != nil {
		sendMic(a, *m.pending)
		m.pending = nil
	}
}

func sendMic(a *assistant.Assistant, e audio.Event) {
	switch e.Kind {
	case audio.DeviceLost:
		a.Send(assistant.Input{Kind: assistant.MicLost, Text: e.String()})
	case audio.DeviceRestored:
		a.Send(assistant.Input{Kind: assistant.MicRestored})
	case audio.MaxLength:
		a.Send(assistant.Input{Kind: assistant.TooLong, ID: e.Utterance})
	case audio.Heard:
		a.Send(assistant.Input{Kind: assistant.Decoded, ID: e.Utterance, Text: e.Result.Text, Rejected: e.Result.Rejected, Recorded: e.Audio, Err: e.Err, Took: e.Decode})
	case audio.GrammarRefused:
		a.Send(assistant.Input{Kind: assistant.GrammarRefused, Err: e.Err})
	}
}

// pressed hands the button's events to the assistant's inbox, on the
// button driver's goroutine (Run starts the driver once the assistant is
// set).
func (d *devices) pressed(e button.Event) {
	switch e.Kind {
	case button.Down:
		d.inbox.Send(assistant.Input{Kind: assistant.Pressed, At: e.At})
	case button.Up:
		d.inbox.Send(assistant.Input{Kind: assistant.Released, At: e.At})
	case button.LongPress:
		d.inbox.Send(assistant.Input{Kind: assistant.LongPressed})
	}
}

// OpenMic opens the configured microphone. Its error names the device, as
// the configuration does.
func OpenMic(c config.AudioConfig, log *slog.Logger, onEvent func(audio.Event)) (*audio.Capture, error) {
	capture, err := audio.OpenCapture(audio.CaptureConfig{Backend: c.Backend, Device: c.Device, Gain: c.Gain, DeviceBuffer: c.DeviceBuffer, Logger: log, OnEvent: onEvent})
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
// configuration's default is written in config.Default). onEvent gets
// push-to-talk's events, on its goroutine.
func pttConfig(c config.AudioConfig, log *slog.Logger, onEvent func(audio.Event)) audio.PTTConfig {
	preRoll, tail := c.PreRoll, c.Tail
	if preRoll == 0 {
		preRoll = -1
	}
	if tail == 0 {
		tail = -1
	}
	return audio.PTTConfig{PreRoll: preRoll, MaxUtterance: c.MaxUtterance, Tail: tail, Logger: log, OnEvent: onEvent}
}

// runPTTConfig is push-to-talk as Run sets it up: as configured, keeping
// each utterance's audio for Home Assistant's pipeline when the
// configuration has a wyoming: section.
func runPTTConfig(cfg *config.Config, log *slog.Logger, onEvent func(audio.Event)) audio.PTTConfig {
	pc := pttConfig(cfg.Audio, log, onEvent)
	pc.KeepAudio = cfg.Wyoming != nil
	return pc
}

// ledIndicator shows states and the watchdog's alert on the LED driver.
type ledIndicator struct {
	driver *led.Driver
	log    *slog.Logger
}

var ledStates = [...]led.State{
	assistant.Idle: led.Idle, assistant.Listening: led.Listening, assistant.Thinking: led.Thinking,
	assistant.Speaking: led.Speaking, assistant.Failed: led.Error, assistant.Muted: led.Muted,
}

// LEDState is the LED's look for the assistant's state s.
func LEDState(s assistant.State) led.State { return ledStates[s] }

func (l *ledIndicator) Show(s assistant.State) { l.driver.Set(ledStates[s]) }

func (l *ledIndicator) Blocked(info scheduler.BlockInfo) {
	l.driver.SetBlocked(true)
	l.log.Warn("watchdog: main loop blocked", "by", info.Name, "pattern", info.Pattern, "held_ms", info.Held.Milliseconds(), "stack", info.Stack)
}

func (l *ledIndicator) Recovered(total time.Duration) {
	l.driver.SetBlocked(false)
	l.log.Info("watchdog: main loop recovered", "blocked_ms", total.Milliseconds())
}

// lockedWriter serialises writes to w: the log and the simulated LED write
// to the terminal from their own goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
