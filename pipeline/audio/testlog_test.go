package audio

import (
	"log/slog"
	"testing"
)

func testLogger(t *testing.T) *slog.Logger { return slog.New(slog.NewTextHandler(t.Output(), nil)) }

func testLoggerB(b *testing.B) *slog.Logger { return slog.New(slog.NewTextHandler(b.Output(), nil)) }

// A nil Logger discards instead of writing to the process-wide default.
func TestNilLoggerDiscards(t *testing.T) {
	tests := []struct {
		name   string
		logger func() *slog.Logger
	}{
		{"PTT", func() *slog.Logger { return NewPTT(nil, nil, PTTConfig{}).cfg.Logger }},
		{"Capture", func() *slog.Logger {
			cfg := CaptureConfig{}
			cfg.setDefaults()
			return cfg.Logger
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h := tt.logger().Handler(); h != slog.DiscardHandler {
				t.Errorf("nil Logger became a logger to %T, want slog.DiscardHandler", h)
			}
		})
	}
}
