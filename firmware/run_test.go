package firmware

import (
	"strings"
	"testing"

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
