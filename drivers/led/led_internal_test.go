package led

import (
	"context"
	"log/slog"
	"testing"
)

// These tests look inside: what they check (where logs go when no logger
// is given) cannot be seen from outside without swapping slog's global
// default. Everything else is tested from package led_test, over ledtest.

type darkLight struct{}

func (darkLight) Set(Color) error { return nil }

// TestNilLoggerDiscards: without a Logger, nothing is logged, even errors.
// New used to fall back to slog.Default(), which a library must not write
// to behind its caller's back.
func TestNilLoggerDiscards(t *testing.T) {
	d := New(darkLight{}, Config{})
	if d.log.Enabled(context.Background(), slog.LevelError) {
		t.Error("Driver with a nil Config.Logger logs errors somewhere")
	}
}

// TestGPIONilLoggerDiscards: the same for a GPIO LED's PWM warning.
func TestGPIONilLoggerDiscards(t *testing.T) {
	if NewGPIO(nil, GPIOOptions{}).log.Enabled(context.Background(), slog.LevelWarn) {
		t.Error("GPIO with a nil GPIOOptions.Logger logs warnings somewhere")
	}
}
