package firmware

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// hark run --sim with language: de or fr answers a typed sentence (two
// commands joined the language's way, with a spoken number) with the
// language's built-ins and replies, and with no command matched in that
// language's words; speech is espeak-ng's voice of the language.
func TestRunSimSpeaksTheLanguage(t *testing.T) {
	for _, tt := range []struct {
		language, said, timer, sorry, voice string
	}{
		{"de", "wie spät ist es und stelle einen timer auf fünfundzwanzig minuten", `text="Timer auf 25 Minuten gestellt."`,
			`text="Entschuldigung, das habe ich nicht verstanden."`, "de"},
		{"fr", "quelle heure est-il puis règle un minuteur de quatre-vingt-dix secondes", `text="Minuteur réglé sur une minute et 30 secondes."`,
			"", "fr"},
	} {
		t.Run(tt.language, func(t *testing.T) {
			dir := t.TempDir()
			model := filepath.Join(dir, "model")
			if err := testmodel.Write(model, testmodel.Options{Grammar: true}); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse("hark.yaml", fmt.Appendf(nil, `language: %s
recognizer: {engine: vosk, model: %s}
audio: {backend: "null"}
speech: {player: [/bin/sh, -c, "cat >/dev/null"]}
`, tt.language, model))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Speech.Voice != tt.voice {
				t.Errorf("speech.voice %q, want %q", cfg.Speech.Voice, tt.voice)
			}
			keys, typing := io.Pipe()
			defer typing.Close()
			logs := &logBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- Run(ctx, cfg, RunOptions{Sim: true, Keyboard: keys, Terminal: io.Discard,
					Logger: slog.New(slog.NewTextHandler(logs, nil))})
			}()
			waitLog(t, logs, "hark running", 1)
			io.WriteString(typing, tt.said+"\n")
			waitLog(t, logs, "command=time", 2) // the command event's log and its response
			waitLog(t, logs, tt.timer, 1)
			if tt.sorry != "" {
				io.WriteString(typing, "what time is it\n")
				waitLog(t, logs, tt.sorry, 1)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run: %v\n%s", err, logs)
				}
			case <-time.After(micWAVPatience):
				t.Fatalf("Run did not return within %s of cancel", micWAVPatience)
			}
		})
	}
}
