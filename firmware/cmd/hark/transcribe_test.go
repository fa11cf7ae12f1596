package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// writeWAV writes 16 kHz mono S16LE samples as a WAV file.
func writeWAV(t *testing.T, pcm []byte) string {
	t.Helper()
	le := binary.LittleEndian
	h := make([]byte, 44)
	copy(h, "RIFF")
	le.PutUint32(h[4:], uint32(36+len(pcm)))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1)
	le.PutUint16(h[22:], 1)
	le.PutUint32(h[24:], 16000)
	le.PutUint32(h[28:], 32000)
	le.PutUint16(h[32:], 2)
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(len(pcm)))
	path := filepath.Join(t.TempDir(), "in.wav")
	if err := os.WriteFile(path, append(h, pcm...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func transcribe(t *testing.T, args ...string) (code int, out transcript, stderr string) {
	t.Helper()
	var so, se bytes.Buffer
	code = run(context.Background(), append([]string{"transcribe"}, args...), &so, &se)
	if code == exitOK {
		if err := json.Unmarshal(so.Bytes(), &out); err != nil {
			t.Fatalf("stdout %q is not a transcript: %v", so.String(), err)
		}
	}
	return code, out, se.String()
}

func TestTranscribeVosk(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Write(model, testmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	wav := writeWAV(t, testmodel.Utterance("one", "off", "two"))
	code, out, stderr := transcribe(t, "--model", model, wav)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if out.Text != "one off two" || out.Engine != "vosk" || out.MS < 0 {
		t.Errorf("transcript = %+v, want text \"one off two\" from vosk", out)
	}
}

// TestTranscribeVoskGrammar decodes against the patterns' grammar, which
// needs a fresh libvosk recognizer built from the still-open model.
func TestTranscribeVoskGrammar(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Write(model, testmodel.Options{Grammar: true}); err != nil {
		t.Fatal(err)
	}
	wav := writeWAV(t, testmodel.Utterance("two", "off"))
	code, out, stderr := transcribe(t, "--model", model, "--pattern", "switch=(one|two) (on|off)", wav)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if out.Text != "two off" {
		t.Errorf("transcript = %+v, want text \"two off\"", out)
	}
}

func TestTranscribeErrors(t *testing.T) {
	dir := t.TempDir()
	goodWAV := writeWAV(t, testmodel.Utterance("one"))
	notWAV := filepath.Join(dir, "notes.wav")
	os.WriteFile(notWAV, []byte("not audio at all"), 0o644)
	emptyModel := filepath.Join(dir, "empty-model")
	os.Mkdir(emptyModel, 0o755)
	missing := filepath.Join(dir, "no-such-model")
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no file", nil, "want exactly one FILE.wav"},
		{"two files", []string{goodWAV, goodWAV}, "want exactly one FILE.wav"},
		{"missing wav", []string{"--model", emptyModel, filepath.Join(dir, "gone.wav")}, filepath.Join(dir, "gone.wav")},
		{"not a wav", []string{"--model", emptyModel, notWAV}, notWAV},
		{"missing vosk model", []string{"--model", missing, goodWAV}, missing},
		{"broken vosk model", []string{"--model", emptyModel, goodWAV}, emptyModel},
		{"missing pocketsphinx model", []string{"--engine", "pocketsphinx", "--model", missing, goodWAV}, "pocketsphinx"},
		{"unknown engine", []string{"--engine", "whisper", goodWAV}, `"whisper"`},
		{"bad pattern", []string{"--pattern", "x=(unclosed", goodWAV}, "command x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := transcribe(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}
