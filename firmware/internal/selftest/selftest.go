package selftest

import (
	"context"
	"errors"
	"fmt"
	"github.com/hark-assistant/hark/drivers/sim"
	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"golang.org/x/sync/errgroup"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/pipeline"
)

// selfTestBlock is how long the watchdog check holds the main loop, for
// thresholds up to a second.
const selfTestBlock = 1500 * time.Millisecond

// blockFor is how long the watchdog check holds the loop: selfTestBlock,
// or longer than a higher threshold, which a 1.5 s block would not trip.
func blockFor(threshold time.Duration) time.Duration {
	return max(selfTestBlock, threshold+selfTestBlock/3)
}

// SelfTest checks Hark's parts one by one and prints a table with a row
// per check to out: the LED shows every state, the audio device opens and
// delivers frames, the model loads, the button is read, and the watchdog
// notices a deliberate 1.5 s block of the main loop (longer for a threshold
// over 1 s) and blinks the LED. With sim, the LED and button are simulated,
// audio comes from the null device and, unless cfg names a model that
// exists, the recognizer is PocketSphinx with Debian's model. It reports
// whether every check passed. One LED driver serves every check, and it
// has stopped when SelfTest returns.
func SelfTest(ctx context.Context, cfg *config.Config, sim bool, out io.Writer) bool {
	return selfTest(ctx, cfg, sim, out, nil)
}

// selfTest is SelfTest; a light, if given, stands in for the configured LED.
func selfTest(ctx context.Context, cfg *config.Config, sim bool, out io.Writer, light led.Light) bool {
	log := slog.New(slog.DiscardHandler)
	ok := true
	check := func(name string, fn func() (string, error)) {
		detail, err := fn()
		result := "ok"
		if err != nil {
			result, detail, ok = "FAIL", err.Error(), false
		}
		fmt.Fprintf(out, "%-9s %-4s  %s\n", name, result, detail)
	}

	closeLight := func() error { return nil }
	if !sim && light == nil {
		var err error
		if light, closeLight, err = firmware.OpenLight(cfg.LED, firmware.LightOptions{Terminal: io.Discard, Logger: log}); err != nil {
			check("led", func() (string, error) { return "", err })
		}
	}
	defer closeLight()
	rec := &recordingLight{Light: light, shown: make(chan string, 8)}
	d := led.New(rec, led.Config{Logger: log})
	ctx, cancel := context.WithCancel(ctx)
	var g errgroup.Group
	g.Go(func() error { d.Run(ctx); return nil })
	defer func() {
		cancel()
		_ = g.Wait() // the driver turns the light off before closeLight
	}()

	if light != nil || sim {
		check("led", func() (string, error) { return showEveryState(ctx, d, rec, light) })
	}
	check("audio", func() (string, error) { return checkAudio(ctx, cfg.Audio, sim, log) })
	check("model", func() (string, error) { return checkModel(cfg.Recognizer, sim) })
	check("button", func() (string, error) { return checkButton(ctx, cfg.Button, sim) })
	check("watchdog", func() (string, error) { return checkWatchdog(ctx, cfg.Watchdog.Threshold, d, rec, log) })
	return ok
}

// recordingLight reports the looks the LED driver shows on shown.
type recordingLight struct {
	led.Light // the real one, or nil in simulation
	shown     chan string
}

func (r *recordingLight) Set(c led.Color) error {
	if r.Light != nil {
		return r.Light.Set(c)
	}
	return nil
}

func (r *recordingLight) Describe(state string, _ led.Pattern) {
	select {
	case r.shown <- state:
	default:
	}
}

// showEveryState plays each state on the driver for a moment.
func showEveryState(ctx context.Context, d *led.Driver, rec *recordingLight, light led.Light) (string, error) {
	dwell := 300 * time.Millisecond
	if light == nil {
		dwell = 0 // nobody is watching a simulated LED
	}
	var names []string
	for s := assistant.Idle; s <= assistant.Muted; s++ {
		d.Set(firmware.LEDState(s))
		if err := waitLook(ctx, rec.shown, s.String()); err != nil {
			return "", err
		}
		names = append(names, s.String())
		time.Sleep(dwell)
	}
	d.Set(led.Idle)
	where := "on the simulated LED"
	if light != nil {
		where = fmt.Sprint("on ", light)
	}
	return fmt.Sprintf("%s shown %s", strings.Join(names, ", "), where), nil
}

// waitLook waits for the driver to describe the look named want.
func waitLook(ctx context.Context, shown <-chan string, want string) error {
	timeout := time.After(2 * time.Second)
	for {
		select {
		case got := <-shown:
			if got == want {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("the LED driver did not show %s", want)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// checkAudio opens the capture device and reads a few frames.
func checkAudio(ctx context.Context, c config.AudioConfig, sim bool, log *slog.Logger) (string, error) {
	if sim {
		c = config.AudioConfig{Backend: "null"}
	}
	capture, err := firmware.OpenMic(c, log, nil)
	if err != nil {
		return "", err
	}
	defer capture.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	const want = pipeline.SampleRate / 5 * 2 // 200 ms of audio
	buf := make([]byte, 4096)
	got := 0
	start := time.Now()
	for got < want {
		n, err := capture.Read(ctx, buf)
		if err != nil {
			return "", fmt.Errorf("device %q delivered %d bytes, then: %w", capture.Device(), got, err)
		}
		got += n
	}
	return fmt.Sprintf("%q delivered %d ms of audio in %d ms", capture.Device(), got*1000/(2*pipeline.SampleRate), time.Since(start).Milliseconds()), nil
}

// checkModel loads the configured model; in simulation without one it
// loads PocketSphinx with Debian's model instead.
func checkModel(rc config.RecognizerConfig, sim bool) (string, error) {
	if sim && (!firmware.VoskBuilt || rc.Engine != "vosk" || !dirExists(rc.Model)) {
		if !firmware.PocketsphinxBuilt {
			return "", fmt.Errorf("no model at %s, and this hark has no PocketSphinx to fall back on", rc.Model)
		}
		rc = config.RecognizerConfig{Engine: "pocketsphinx"} // Debian's model
	}
	rec, err := firmware.OpenRecognizer(rc, nil)
	if err != nil {
		return "", err
	}
	rec.Close()
	if rc.Model == "" {
		return rc.Engine + " default model loads", nil
	}
	return fmt.Sprintf("%s model %s loads", rc.Engine, rc.Model), nil
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// checkButton reads the button; in simulation it presses and releases a
// simulated pin and expects the button driver to report both.
func checkButton(ctx context.Context, c config.ButtonConfig, simulated bool) (string, error) {
	if !simulated {
		pin, err := pins.Open(c.Pin)
		if err != nil {
			return "", err
		}
		if err := pin.In(c.GPIOPull(), gpio.NoEdge); err != nil {
			return "", fmt.Errorf("%s as input: %w", c.Pin, err)
		}
		level := pin.Read()
		pressed := level == gpio.Low == c.ActiveLow
		state := map[bool]string{true: "pressed", false: "released"}[pressed]
		return fmt.Sprintf("%s reads %s (%s)", c.Pin, level, state), nil
	}
	// The simulated button of `hark run --sim`: each line toggles it.
	keys, typing := io.Pipe()
	defer keys.Close()
	pin := sim.NewKeys(keys)
	b, err := button.New(pin, button.Config{})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var g errgroup.Group
	g.Go(func() error { return b.Run(ctx) })
	defer func() {
		cancel()
		typing.Close()
		_ = g.Wait()
	}()
	var seen []string
	for _, want := range []button.Kind{button.Down, button.Up} {
		go typing.Write([]byte("\n"))
		if err := waitButton(ctx, b, want, &seen); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("simulated %s: press and release reported (%s)", c.Pin, strings.Join(seen, ", ")), nil
}

// waitButton waits for a want event, skipping the gestures reported
// alongside.
func waitButton(ctx context.Context, b *button.Button, want button.Kind, seen *[]string) error {
	for {
		select {
		case e := <-b.Events():
			if e.Kind == want {
				*seen = append(*seen, e.Kind.String())
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("no %s event for the simulated press (saw %v)", want, *seen)
		}
	}
}

// checkWatchdog blocks a scheduler's main loop on purpose and expects its
// watchdog to report it and the LED to blink the alert.
func checkWatchdog(ctx context.Context, threshold time.Duration, d *led.Driver, rec *recordingLight, log *slog.Logger) (string, error) {
	alert := &selfTestAlerter{driver: d, blocked: make(chan time.Duration, 1), recovered: make(chan time.Duration, 1)}
	s, err := scheduler.New(scheduler.Config{BlockThreshold: threshold, Alerter: alert, Logger: log})
	if err != nil {
		return "", err
	}
	defer s.Shutdown(context.Background())
	block := blockFor(threshold)
	if err := s.Post("selftest block", func() { time.Sleep(block) }); err != nil {
		return "", err
	}
	var held time.Duration
	select {
	case held = <-alert.blocked:
	case <-time.After(block + 2*threshold):
		return "", fmt.Errorf("a %v block of the main loop went unreported (threshold %v)", block, threshold)
	}
	if err := waitLook(ctx, rec.shown, "blocked"); err != nil {
		return "", err
	}
	var total time.Duration
	select {
	case total = <-alert.recovered:
	case <-time.After(block + 2*threshold):
		return "", errors.New("the watchdog reported the block but never its end")
	}
	return fmt.Sprintf("detected after %d ms, LED blinked, loop back after %d ms", held.Milliseconds(), total.Milliseconds()), nil
}

type selfTestAlerter struct {
	driver    *led.Driver
	blocked   chan time.Duration
	recovered chan time.Duration
}

func (a *selfTestAlerter) Blocked(info scheduler.BlockInfo) {
	a.driver.SetBlocked(true)
	a.blocked <- info.Held
}

func (a *selfTestAlerter) Recovered(total time.Duration) {
	a.driver.SetBlocked(false)
	a.recovered <- total
}
