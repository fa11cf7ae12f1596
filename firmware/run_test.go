package firmware

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spitest"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/led/ledtest"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// TestOpenMicNamesTheDevice: a microphone that cannot be opened is named
// as the configuration names it (on the null backend, no sound card needed).
func TestOpenMicNamesTheDevice(t *testing.T) {
	tests := []struct {
		cfg  config.AudioConfig
		want []string
	}{
		{config.AudioConfig{Backend: "null", Device: "no such mic"}, []string{`cannot open the microphone, audio.device "no such mic" on audio.backend "null"`, "NULL Capture Device"}},
		{config.AudioConfig{Backend: "null", Device: "9"}, []string{`audio.device "9" on audio.backend "null"`, "index 9 out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.Device, func(t *testing.T) {
			c, err := OpenMic(tt.cfg, nil, nil)
			if err == nil {
				c.Close()
				t.Fatal("opened, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	c, err := OpenMic(config.AudioConfig{Backend: "null"}, nil, nil)
	if err != nil {
		t.Fatalf("null backend, default device: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

// TestLEDIndicatorWatchdogAlert: the watchdog's report blinks the LED
// through the driver, is logged naming the command and its stack, and
// recovery restores the state shown before.
func TestLEDIndicatorWatchdogAlert(t *testing.T) {
	rec := &ledtest.Light{}
	d := led.New(rec, led.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var logged bytes.Buffer
	ind := &ledIndicator{driver: d, log: slog.New(slog.NewTextHandler(&logged, nil))}

	// Each look is awaited before the next change, so none is coalesced.
	awaitLook := func(want string) {
		t.Helper()
		if _, err := rec.Wait(ctx, ledtest.Look(want)); err != nil {
			t.Fatal(err)
		}
	}
	ind.Show(assistant.Thinking)
	awaitLook(assistant.Thinking.String())
	stack := "goroutine 42 [sleep]:\ngithub.com/example/slowReport()"
	ind.Blocked(scheduler.BlockInfo{Name: "slow report", Pattern: "run the slow report", Held: time.Second, Stack: stack})
	awaitLook("blocked")
	ind.Recovered(1500 * time.Millisecond)
	awaitLook(assistant.Thinking.String())

	for _, want := range []string{`by="slow report"`, `pattern="run the slow report"`, "held_ms=1000", "goroutine 42 [sleep]", "slowReport()", "blocked_ms=1500"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, &logged)
		}
	}
}

// TestParseConfigAudio: the audio keys as written reach push-to-talk; a
// zero pre-roll means none, an absent one the default; only MaxLength,
// DeviceLost and DeviceRestored are passed on.
func TestPTTConfig(t *testing.T) {
	tests := []struct {
		src         string
		pttPreRoll  time.Duration // as audio.PTTConfig takes it
		pttMaxUtter time.Duration
		pttTail     time.Duration
	}{
		{"", 500 * time.Millisecond, 10 * time.Second, 300 * time.Millisecond},
		{"audio:\n  pre_roll: 0s\n  tail: 0s\n", -1, 10 * time.Second, -1},
		{"audio:\n  pre_roll: 250ms\n  max_utterance: 20s\n  tail: 150ms\n", 250 * time.Millisecond, 20 * time.Second, 150 * time.Millisecond},
	}
	for _, tt := range tests {
		cfg, err := config.Parse("hark.yaml", []byte("recognizer:\n  model: "+t.TempDir()+"\n"+tt.src))
		if err != nil {
			t.Fatal(err)
		}
		var got []audio.EventKind
		pc := pttConfig(cfg.Audio, nil, func(e audio.Event) { got = append(got, e.Kind) })
		if pc.PreRoll != tt.pttPreRoll || pc.MaxUtterance != tt.pttMaxUtter || pc.Tail != tt.pttTail {
			t.Errorf("%q: push-to-talk pre-roll %v, max %v, tail %v; want %v, %v, %v", tt.src, pc.PreRoll, pc.MaxUtterance, pc.Tail, tt.pttPreRoll, tt.pttMaxUtter, tt.pttTail)
		}
		pc.OnEvent(audio.Event{Kind: audio.MaxLength})
		if len(got) != 1 || got[0] != audio.MaxLength {
			t.Errorf("events passed on: %v", got)
		}
	}
}

// pwmPin is a GPIO pin that accepts PWM, as a Pi's GPIO18 does.
type pwmPin struct {
	gpiotest.Pin
	duty gpio.Duty
}

func (p *pwmPin) PWM(d gpio.Duty, f physic.Frequency) error { p.duty = d; return nil }

// TestOpenLightDims: a GPIO LED is opened with PWM, so a dim level is a
// duty cycle, not on/off (nothing set the frequency, and "breathing" was a
// blink); the light says which.
func TestOpenLightDims(t *testing.T) {
	pin := &pwmPin{Pin: gpiotest.Pin{N: "GPIO25"}}
	light, closeLight, err := OpenLight(config.LEDConfig{Backend: "gpio", Pin: "GPIO25"}, LightOptions{
		OpenPin: func(string) (gpio.PinIO, error) { return pin, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeLight()
	if err := light.Set(led.Color{R: 40, G: 40, B: 40}); err != nil {
		t.Fatal(err)
	}
	if pin.duty == 0 || pin.duty == gpio.DutyMax {
		t.Errorf("a dim colour set duty %v: want a PWM duty between off and full", pin.duty)
	}
	if s := light.(interface{ String() string }).String(); !strings.Contains(s, "PWM") {
		t.Errorf("light says %q: want it to say it dims by PWM", s)
	}
}

// closingPort records whether it was closed.
type closingPort struct {
	spitest.Record
	closed bool
}

func (p *closingPort) Close() error { p.closed = true; return nil }

// TestOpenLightClosesSPI: the strip's SPI port is closed with the light
// (it was never closed).
func TestOpenLightClosesSPI(t *testing.T) {
	port := &closingPort{}
	_, closeLight, err := OpenLight(config.LEDConfig{Backend: "apa102", SPI: "SPI0.1", Count: 3}, LightOptions{
		OpenSPI: func(string) (spi.PortCloser, error) { return port, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if port.closed {
		t.Fatal("closed before use")
	}
	if err := closeLight(); err != nil {
		t.Fatal(err)
	}
	if !port.closed {
		t.Error("the SPI port is still open after closing the light")
	}
}

// writeWAV writes pcm (16 kHz mono S16LE) as a WAV file.
func writeWAV(t *testing.T, path string, pcm []byte) {
	t.Helper()
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	b.Write(le.AppendUint32(nil, uint32(36+len(pcm))))
	b.WriteString("WAVEfmt ")
	b.Write(le.AppendUint32(nil, 16))
	b.Write(le.AppendUint16(nil, 1))     // PCM
	b.Write(le.AppendUint16(nil, 1))     // mono
	b.Write(le.AppendUint32(nil, 16000)) // rate
	b.Write(le.AppendUint32(nil, 32000)) // bytes per second
	b.Write(le.AppendUint16(nil, 2))     // block align
	b.Write(le.AppendUint16(nil, 16))    // bits
	b.WriteString("data")
	b.Write(le.AppendUint32(nil, uint32(len(pcm))))
	b.Write(pcm)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runWAV runs hark run --wav over the tones of "two on" with the generated
// Vosk model and a command answering them; it returns Run's error and log.
func runWAV(t *testing.T) (logs string, err error) {
	t.Helper()
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(dir, "on.wav")
	writeWAV(t, wav, testmodel.Utterance("two", "on"))
	cfg, err := config.Parse("hark.yaml", []byte(fmt.Sprintf(`led: {backend: terminal}
recognizer: {engine: vosk, model: %s}
speech: {player: [/bin/sh, -c, "cat >/dev/null"]}
`, model)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Run(ctx, cfg, RunOptions{
		WAV:      wav,
		Terminal: io.Discard,
		Logger:   slog.New(slog.NewTextHandler(&buf, nil)),
		Commands: []commands.Command{{Name: "two", Pattern: "two on", Handler: func(*commands.Request) (commands.Response, error) {
			return commands.Response{Text: "Two is on."}, nil
		}}},
	})
	return buf.String(), err
}

// TestRunJoinsEverything: hark run --wav with the real Vosk engine (the
// generated model), push-to-talk and speech through a program: the
// utterance is heard and answered, and no goroutine Run started outlives
// it (speech, the button, keep-alive and command waiters were once left
// running while the recognizer was closed under them).
func TestRunJoinsEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	logs, err := runWAV(t)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, logs)
	}
	for _, want := range []string{`msg=heard turn=1 text="two on" commands=[two]`, `text="Two is on."`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}

// TestRunWithoutSpeech: without espeak-ng (not on the PATH) Hark still
// runs and answers, in the log, with one warning; it once exited 1 and
// systemd restarted it forever.
func TestRunWithoutSpeech(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	logs, err := runWAV(t)
	if err != nil {
		t.Fatalf("Run without espeak-ng: %v\n%s", err, logs)
	}
	if strings.Count(logs, "speech off") != 1 || !strings.Contains(logs, `answer (not spoken: speech is off)" text="Two is on."`) {
		t.Errorf("want one warning and the answer in the log:\n%s", logs)
	}
}

// The microphone's events never wait for the assistant: before it is
// attached (a start-up failure being shown) a watcher that reported a lost
// microphone blocked, and Capture.Close, so Run, waited for it forever.
// The latest lost or restored is kept for the assistant.
func TestMicReportsNeverBlock(t *testing.T) {
	var m micReports
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.report(audio.Event{Kind: audio.DeviceLost})
		m.report(audio.Event{Kind: audio.MaxLength})
		m.report(audio.Event{Kind: audio.DeviceRestored})
		m.report(audio.Event{Kind: audio.DeviceLost, Device: "mic"})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reporting the microphone's events blocked with no assistant to take them")
	}
	if m.pending == nil || m.pending.Kind != audio.DeviceLost || m.pending.Device != "mic" {
		t.Errorf("kept %+v for the assistant, want the last DeviceLost", m.pending)
	}
}
