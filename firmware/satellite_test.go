package firmware

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/wyoming/wyomingtest"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// satelliteRun is hark run --sim --mic-wav with a wyoming: section on
// loopback, and Home Assistant's side connected to it (wyomingtest, which
// follows the Wyoming project's published description).
type satelliteRun struct {
	t      *testing.T
	logs   *logBuffer
	ha     *wyomingtest.Peer
	press  io.Writer
	answer string // the file the speech player writes each answer to
	turns  int
}

// startSatellite runs Hark over the tone model; with unknown, a model that
// decodes speech outside the grammar as "[unk]" (Vosk's rejection). Only
// the test of such speech takes it: the tone model's garbage sound can win
// a frame where a tone starts or stops, and how the pre-roll aligns the
// audio to the frames depends on the moment of the press, so a command in
// the grammar was now and then heard with an "[unk]" and rejected.
func startSatellite(t *testing.T, mode string, heard []byte, unknown bool) *satelliteRun {
	t.Helper()
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{Grammar: true, Unknown: unknown}); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(dir, "heard.wav")
	writeWAV(t, wav, heard)
	s := &satelliteRun{t: t, logs: &logBuffer{}, answer: filepath.Join(dir, "answer.wav")}
	cfg, err := config.Parse("hark.yaml", fmt.Appendf(nil, `recognizer: {engine: vosk, model: %s}
audio: {backend: "null"}
speech: {player: [/bin/sh, -c, "cat >%s"]}
wyoming: {listen: "tcp://127.0.0.1:0", mode: %s, timeout: 5s}
`, model, s.answer, mode))
	if err != nil {
		t.Fatal(err)
	}
	keys, press := io.Pipe()
	s.press = press
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, RunOptions{
			Sim: true, Keyboard: keys, MicWAV: wav, Terminal: io.Discard,
			Logger: slog.New(slog.NewTextHandler(s.logs, nil)),
			Commands: []commands.Command{{Name: "two", Pattern: "two on", Handler: func(*commands.Request) (commands.Response, error) {
				return commands.Response{Text: "Two is on."}, nil
			}}},
		})
	}()
	t.Cleanup(func() {
		press.Close()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(micWAVPatience):
			t.Errorf("Run did not return within %s of cancel", micWAVPatience)
		}
	})
	waitLog(t, s.logs, "wyoming satellite listening", 1)
	m := regexp.MustCompile(`wyoming satellite listening" addr=(\S+)`).FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatalf("no address in the log:\n%s", s.logs)
	}
	s.ha, err = wyomingtest.Dial(m[1])
	if err != nil {
		t.Fatalf("Home Assistant's side cannot connect: %v", err)
	}
	t.Cleanup(func() { s.ha.Close() })
	waitLog(t, s.logs, "hark running", 1)
	return s
}

// turn presses the button, holds it while the file plays, and releases.
func (s *satelliteRun) turn() {
	s.t.Helper()
	s.turns++
	io.WriteString(s.press, "\n")
	waitLog(s.t, s.logs, `msg="mic-wav: played"`, s.turns)
	io.WriteString(s.press, "\n")
}

// tone is d of a sine at hz, 16 kHz mono S16LE.
func tone(hz float64, d time.Duration) []byte {
	n := int(d.Seconds() * 16000)
	pcm := make([]byte, 2*n)
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/16000))
		pcm[2*i], pcm[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	return pcm
}

// Local-first, both ways, through Hark's real server over TCP: a sentence
// one of Hark's commands takes is answered on the device and nothing goes
// to Home Assistant; speech outside the grammar goes to Home Assistant's
// pipeline as the audio Hark heard, and Home Assistant's answer audio is
// what Hark plays.
func TestSatelliteLocalFirst(t *testing.T) {
	t.Run("local command", func(t *testing.T) {
		s := startSatellite(t, "local-first", testmodel.Utterance("two", "on"), false)
		s.turn()
		waitLog(t, s.logs, `text="Two is on."`, 1)
		if e, err := s.ha.Next(500 * time.Millisecond); err == nil {
			t.Errorf("Home Assistant was sent %s for a sentence Hark answers itself", e.Type)
		}
	})
	t.Run("outside the grammar", func(t *testing.T) {
		said := testmodel.Utterance("off")
		s := startSatellite(t, "local-first", said, true)
		s.turn()
		run, err := s.ha.ReceiveRun(micWAVPatience)
		if err != nil {
			t.Fatalf("no pipeline run reached Home Assistant: %v\n%s", err, s.logs)
		}
		// What was heard: the pre-roll (silence here), the file, and
		// what followed until the release; the file's tone must be in it.
		if !bytes.Contains(run.Audio, said[len(said)/2:len(said)/2+3200]) {
			t.Errorf("Home Assistant got %d bytes of audio without the speech Hark heard", len(run.Audio))
		}
		answer := tone(440, 400*time.Millisecond)
		if err := s.ha.Reply("off", "The light is off.", answer, wyomingtest.Format16k); err != nil {
			t.Fatal(err)
		}
		if err := s.ha.ExpectPlayed(micWAVPatience); err != nil {
			t.Fatalf("Hark did not tell Home Assistant it played the answer: %v\n%s", err, s.logs)
		}
		played, err := audio.ReadWAV(s.answer)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(played, answer) {
			t.Errorf("Hark played %d bytes, not Home Assistant's %d-byte answer", len(played), len(answer))
		}
		waitLog(t, s.logs, `home assistant heard" text=off`, 1)
	})
}

// In mode satellite every press goes to Home Assistant, even a sentence
// one of Hark's commands takes.
func TestSatelliteMode(t *testing.T) {
	s := startSatellite(t, "satellite", testmodel.Utterance("two", "on"), false)
	s.turn()
	if _, err := s.ha.ReceiveRun(micWAVPatience); err != nil {
		t.Fatalf("no pipeline run reached Home Assistant: %v\n%s", err, s.logs)
	}
	if err := s.ha.Reply("two on", "Done.", tone(300, 200*time.Millisecond), wyomingtest.Format16k); err != nil {
		t.Fatal(err)
	}
	if err := s.ha.ExpectPlayed(micWAVPatience); err != nil {
		t.Fatalf("no played: %v\n%s", err, s.logs)
	}
}

// In mode satellite, words with no audio (typed, or sent over MQTT's
// utterance topic) are answered by Hark's own commands: there is nothing
// for Home Assistant's pipeline to hear. Before, they went to the fallback
// first, which had no audio to hand over, and Hark said "Sorry".
func TestSatelliteModeLeavesWordsToHark(t *testing.T) {
	s := startSatellite(t, "satellite", testmodel.Utterance("two", "on"), false)
	io.WriteString(s.press, "two on\n")
	waitLog(t, s.logs, `text="Two is on."`, 1)
	if e, err := s.ha.Next(500 * time.Millisecond); err == nil {
		t.Errorf("Home Assistant was sent %s for typed words", e.Type)
	}
}
