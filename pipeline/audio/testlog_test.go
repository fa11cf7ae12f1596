package audio

import (
	"log/slog"
	"strings"
	"sync"
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

// logLines is a log destination safe for the audio threads' writes.
type logLines struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// miniaudio's reports of lost device audio are warnings; the rest of what
// it says stays at debug level.
func TestMiniaudioLogLevels(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"EPIPE (read)\n", "level=WARN msg=\"audio: the capture device overran"},
		{"EPIPE (write)\n", "level=WARN msg=\"audio: the playback device underran"},
		{"[ALSA] Failed to open device.\n", `level=DEBUG msg=miniaudio msg="[ALSA] Failed to open device."`},
	}
	for _, tt := range tests {
		var out logLines
		miniaudioLog(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})))(tt.msg)
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("%q logged %q, want %q", tt.msg, out.String(), tt.want)
		}
	}
}
