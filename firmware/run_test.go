package firmware

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// TestOpenMicNamesTheDevice: a microphone that cannot be opened is named
// as the configuration names it (on the null backend, no sound card needed).
func TestOpenMicNamesTheDevice(t *testing.T) {
	tests := []struct {
		cfg  AudioConfig
		want []string
	}{
		{AudioConfig{Backend: "null", Device: "no such mic"}, []string{`cannot open the microphone, audio.device "no such mic" on audio.backend "null"`, "NULL Capture Device"}},
		{AudioConfig{Backend: "null", Device: "9"}, []string{`audio.device "9" on audio.backend "null"`, "index 9 out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.Device, func(t *testing.T) {
			c, err := openMic(tt.cfg, nil, nil)
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
	c, err := openMic(AudioConfig{Backend: "null"}, nil, nil)
	if err != nil {
		t.Fatalf("null backend, default device: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

// TestPTTConfigReportsMaxLength: only push-to-talk's MaxLength event ends
// the utterance.
func TestPTTConfigReportsMaxLength(t *testing.T) {
	for _, tt := range []struct {
		kind audio.EventKind
		want int
	}{
		{audio.MaxLength, 1},
		{audio.DeviceLost, 0},
		{audio.Overrun, 0},
	} {
		calls := 0
		pc := pttConfig(DefaultConfig().Audio, nil, func() { calls++ })
		pc.OnEvent(audio.Event{Kind: tt.kind})
		if calls != tt.want {
			t.Errorf("%v: tooLong called %d times, want %d", tt.kind, calls, tt.want)
		}
	}
}

// TestLEDIndicatorWatchdogAlert: the watchdog's report blinks the LED
// through the driver, is logged naming the command and its stack, and
// recovery restores the state shown before.
func TestLEDIndicatorWatchdogAlert(t *testing.T) {
	rec := &recordingLight{shown: make(chan string, 8)}
	d := led.New(rec, led.Config{Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	var logged bytes.Buffer
	ind := &ledIndicator{driver: d, log: slog.New(slog.NewTextHandler(&logged, nil))}

	// Each look is awaited before the next change, so none is coalesced.
	awaitLook := func(want string) {
		t.Helper()
		for got := range rec.shown {
			if got == want {
				return
			}
		}
	}
	ind.Show(Thinking)
	awaitLook(Thinking.String())
	stack := "goroutine 42 [sleep]:\ngithub.com/example/slowReport()"
	ind.Blocked(scheduler.BlockInfo{Name: "slow report", Pattern: "run the slow report", Held: time.Second, Stack: stack})
	awaitLook("blocked")
	ind.Recovered(1500 * time.Millisecond)
	awaitLook(Thinking.String())

	for _, want := range []string{`by="slow report"`, `pattern="run the slow report"`, "held_ms=1000", "goroutine 42 [sleep]", "slowReport()", "blocked_ms=1500"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, &logged)
		}
	}
}
