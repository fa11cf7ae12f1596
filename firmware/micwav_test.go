package firmware

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/logbuf"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// micWAVPatience bounds every wait of these tests: a hang fails in
// seconds, never at the test binary's timeout.
const micWAVPatience = 20 * time.Second

// logBuffer is a log the test reads while the code under test writes it.
type logBuffer = logbuf.Buffer

// waitLog waits until the log holds want n times, failing the test after
// micWAVPatience.
func waitLog(t *testing.T, logs *logBuffer, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(micWAVPatience)
	for strings.Count(logs.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the log does not hold %q %d times within %s:\n%s", want, n, micWAVPatience, logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunSimMicWAV: hark run --sim --mic-wav FILE: each press (Enter)
// hears the file from its start instead of the microphone, and is answered;
// the second press hears it whole again.
func TestRunSimMicWAV(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(dir, "two-on.wav")
	writeWAV(t, wav, testmodel.Utterance("two", "on"))
	// The microphone the configuration names does not exist: --mic-wav
	// stands in for it.
	cfg, err := config.Parse("hark.yaml", fmt.Appendf(nil, `recognizer: {engine: vosk, model: %s}
audio: {backend: "null", device: no such microphone}
speech: {player: [/bin/sh, -c, "cat >/dev/null"]}
`, model))
	if err != nil {
		t.Fatal(err)
	}
	keys, press := io.Pipe()
	defer press.Close()
	logs := &logBuffer{}
	var terminal logBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*micWAVPatience)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, RunOptions{
			Sim:      true,
			Keyboard: keys,
			MicWAV:   wav,
			Terminal: &terminal,
			Logger:   slog.New(slog.NewTextHandler(logs, nil)),
			Commands: []commands.Command{{Name: "two", Pattern: "two on", Handler: func(*commands.Request) (commands.Response, error) {
				return commands.Response{Text: "Two is on."}, nil
			}}},
		})
	}()
	waitLog(t, logs, "hark running", 1)
	for i := 1; i <= 2; i++ {
		io.WriteString(press, "\n") // down
		waitLog(t, logs, `msg="mic-wav: played"`, i)
		io.WriteString(press, "\n") // up
		waitLog(t, logs, fmt.Sprintf(`msg=heard turn=%d text="two on" commands=[two]`, i), 1)
		waitLog(t, logs, `text="Two is on."`, i)
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
	if want := "each press hears " + wav; !strings.Contains(terminal.String(), want) {
		t.Errorf("the terminal does not say %q:\n%s", want, &terminal)
	}
}

// TestRunMicWAVRefusesBadFiles: a --mic-wav file that cannot stand in for
// the microphone is refused with an error naming it and the problem.
func TestRunMicWAVRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.wav")
	writeWAV(t, empty, nil)
	eightBit := filepath.Join(dir, "8bit.wav")
	var b bytes.Buffer
	b.WriteString("RIFF\x28\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x80\x3e\x00\x00\x01\x00\x08\x00data\x04\x00\x00\x00\x80\x80\x80\x80")
	if err := os.WriteFile(eightBit, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{empty, "WAV file " + empty + ": holds no audio"},
		{eightBit, "WAV file " + eightBit + ": 8-bit"},
		{filepath.Join(dir, "absent.wav"), "absent.wav: no such file"},
	} {
		_, err := openWAVMic(tt.file, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("openWAVMic(%s) = %v, want an error with %q", tt.file, err, tt.want)
		}
		var wavErr *audio.WAVError
		if tt.file != filepath.Join(dir, "absent.wav") && !errors.As(err, &wavErr) {
			t.Errorf("openWAVMic(%s): %T, want a *audio.WAVError", tt.file, err)
		}
	}
}

// TestRunPTTConfigKeepsAudioForWyoming: with a wyoming: section each
// utterance's audio is kept for Home Assistant's pipeline; without, not.
func TestRunPTTConfigKeepsAudioForWyoming(t *testing.T) {
	for _, tt := range []struct {
		src  string
		keep bool
	}{
		{"", false},
		{"wyoming: {}\n", true},
	} {
		cfg, err := config.Parse("hark.yaml", []byte("recognizer:\n  model: "+t.TempDir()+"\n"+tt.src))
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if got := runPTTConfig(cfg, nil, nil).KeepAudio; got != tt.keep {
			t.Errorf("%q: KeepAudio %v, want %v", tt.src, got, tt.keep)
		}
	}
}
