package audio

import (
	"log/slog"
	"testing"
)

func testLogger(t *testing.T) *slog.Logger { return slog.New(slog.NewTextHandler(t.Output(), nil)) }

func testLoggerB(b *testing.B) *slog.Logger { return slog.New(slog.NewTextHandler(b.Output(), nil)) }
