package firmware

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
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
// delivers frames, the model loads (and, for the generated test model,
// decodes), the button is read, and the watchdog notices a deliberate
// 1.5 s block of the main loop (longer for a threshold over 1 s) and blinks
// the LED. With sim, the LED and
// button are simulated, audio comes from the null device and, unless cfg
// names a model that exists, the recognizer uses a generated Vosk test
// model. It reports whether every check passed.
func SelfTest(ctx context.Context, cfg *Config, sim bool, out io.Writer) bool {
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

	var light led.Light
	check("led", func() (string, error) {
		var err error
		light, err = selfTestLight(cfg.LED, sim)
		if err != nil {
			return "", err
		}
		return showEveryState(ctx, light)
	})
	check("audio", func() (string, error) { return checkAudio(ctx, cfg.Audio, sim, log) })
	check("model", func() (string, error) { return checkModel(cfg.Recognizer, sim) })
	check("button", func() (string, error) { return checkButton(ctx, cfg.Button, sim) })
	check("watchdog", func() (string, error) { return checkWatchdog(ctx, cfg.Watchdog.Threshold, light, log) })
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

func selfTestLight(c LEDConfig, sim bool) (led.Light, error) {
	if sim {
		return nil, nil
	}
	return openLight(c, RunOptions{Terminal: io.Discard}, false)
}

// showEveryState plays each state on the light for a moment.
func showEveryState(ctx context.Context, light led.Light) (string, error) {
	rec := &recordingLight{Light: light, shown: make(chan string, 1)}
	d := led.New(rec, led.Config{Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go d.Run(ctx)
	dwell := 300 * time.Millisecond
	if light == nil {
		dwell = 0 // nobody is watching a simulated LED
	}
	var names []string
	for s := Idle; s <= Muted; s++ {
		d.Set(ledStates[s])
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
func checkAudio(ctx context.Context, c AudioConfig, sim bool, log *slog.Logger) (string, error) {
	if sim {
		c = AudioConfig{Backend: "null"}
	}
	capture, err := openMic(c, log, nil)
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
// generates the Vosk test model and decodes a tone with it (a build without
// Vosk loads Debian's PocketSphinx model instead).
func checkModel(rc RecognizerConfig, sim bool) (string, error) {
	if sim && !voskBuilt {
		rc = RecognizerConfig{Engine: "pocketsphinx"} // Debian's model, the only one a Vosk-less build can load
	} else if sim && (rc.Engine != "vosk" || !dirExists(rc.Model)) {
		dir, err := os.MkdirTemp("", "hark-testmodel-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		if err := testmodel.Write(dir, testmodel.Options{}); err != nil {
			return "", err
		}
		rec, err := OpenRecognizer(RecognizerConfig{Engine: "vosk", Model: dir})
		if err != nil {
			return "", err
		}
		defer rec.Close()
		if _, err := rec.Accept(testmodel.Utterance("on")); err != nil {
			return "", err
		}
		res, err := rec.Final()
		if err != nil {
			return "", err
		}
		if res.Text != "on" {
			return "", fmt.Errorf("the generated test model decoded the tone for \"on\" as %q", res.Text)
		}
		return `generated Vosk test model loads and decodes "on"`, nil
	}
	rec, err := OpenRecognizer(rc)
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
func checkButton(ctx context.Context, c ButtonConfig, sim bool) (string, error) {
	if !sim {
		pin, err := pins.Open(c.Pin)
		if err != nil {
			return "", err
		}
		if err := pin.In(pulls[c.Pull], gpio.NoEdge); err != nil {
			return "", fmt.Errorf("%s as input: %w", c.Pin, err)
		}
		level := pin.Read()
		pressed := level == gpio.Low == c.ActiveLow
		state := map[bool]string{true: "pressed", false: "released"}[pressed]
		return fmt.Sprintf("%s reads %s (%s)", c.Pin, level, state), nil
	}
	pin := &gpiotest.Pin{N: "simulated " + c.Pin, EdgesChan: make(chan gpio.Level)}
	b, err := button.New(pin, button.Config{})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	go b.Run(ctx)
	var seen []string
	for _, step := range []struct {
		level gpio.Level
		want  button.Kind
	}{{gpio.Low, button.Down}, {gpio.High, button.Up}} {
		select {
		case pin.EdgesChan <- step.level:
		case <-ctx.Done():
			return "", errors.New("the button driver is not reading its pin")
		}
		for {
			select {
			case e := <-b.Events():
				if e.Kind != step.want {
					continue // a gesture reported alongside
				}
				seen = append(seen, e.Kind.String())
			case <-ctx.Done():
				return "", fmt.Errorf("no %s event for the simulated press (saw %v)", step.want, seen)
			}
			break
		}
	}
	return fmt.Sprintf("%s: press and release reported (%s)", pin.N, strings.Join(seen, ", ")), nil
}

// checkWatchdog blocks a scheduler's main loop on purpose and expects its
// watchdog to report it and the LED to blink the alert.
func checkWatchdog(ctx context.Context, threshold time.Duration, light led.Light, log *slog.Logger) (string, error) {
	rec := &recordingLight{Light: light, shown: make(chan string, 8)}
	d := led.New(rec, led.Config{Logger: log})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go d.Run(ctx)
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
	total := <-alert.recovered
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
