package config

import (
	"strings"
	"testing"
)

// The audio device settings: ALSA names, gain and volume, with their
// defaults and ranges.
func TestAudioDeviceSettings(t *testing.T) {
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Audio.Gain != 0 || cfg.Speech.Volume != 100 || cfg.Speech.Device != "" {
		t.Errorf("defaults: audio.gain %v, speech.volume %v, speech.device %q; want 0, 100, empty", cfg.Audio.Gain, cfg.Speech.Volume, cfg.Speech.Device)
	}
	src := "audio:\n  device: plughw:CARD=seeed2micvoicec,DEV=0\n  gain: 12.5\nspeech:\n  device: hw:1,0\n  volume: 60\n"
	cfg, err = Parse("hark.yaml", []byte(configWithModel(t)+src))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Audio.Device != "plughw:CARD=seeed2micvoicec,DEV=0" || cfg.Audio.Gain != 12.5 || cfg.Speech.Device != "hw:1,0" || cfg.Speech.Volume != 60 {
		t.Errorf("parsed audio %+v, speech %+v", cfg.Audio, cfg.Speech)
	}

	tests := []struct {
		name, src, key, msg string
	}{
		{"gain too high", "audio:\n  gain: 40\n", "audio.gain", "40 dB is out of range [-20, 30]"},
		{"gain too low", "audio:\n  gain: -25\n", "audio.gain", "out of range"},
		{"gain with a unit", "audio:\n  gain: 6dB\n", "audio.gain", "want a number"},
		{"volume too high", "speech:\n  volume: 150\n", "speech.volume", "150% is out of range [0, 100]"},
		{"volume negative", "speech:\n  volume: -1\n", "speech.volume", "out of range"},
		{"volume with a unit", "speech:\n  volume: 50%\n", "speech.volume", "whole number"},
		{"device and player", "speech:\n  device: hw:1,0\n  player: [sh]\n", "speech.device", "set one of the two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if want := "hark.yaml:4: " + tt.key + ": "; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q, want %q and %q", err, want, tt.msg)
			}
		})
	}
}
