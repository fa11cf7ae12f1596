// Package wyomingtest is Home Assistant's side of a Wyoming satellite
// connection, for tests: a Peer dials the satellite (Home Assistant is the
// TCP client), starts it, receives the pipeline runs the satellite asks
// for and answers them with scripted events.
//
// It is written from the published description, not from Hark's server:
// the framing of rhasspy/wyoming's wyoming/event.py (through
// wyoming.ReadEvent and wyoming.WriteEvent), the event shapes of its
// satellite.py, pipeline.py, audio.py, asr.py, tts.py, snd.py, timer.py,
// error.py, ping.py and info.py (wyoming 1.7.0), and the order in which
// Home Assistant's homeassistant/components/wyoming/assist_satellite.py
// sends them: run-satellite then describe after connecting; during a run
// transcribe, voice-started, voice-stopped, transcript, synthesize, then
// the answer as audio-start, audio-chunk (1024 samples each) and
// audio-stop; error when its pipeline fails; and it waits for played.
//
// A typical exchange:
//
//	p, err := wyomingtest.Dial(addr)     // run-satellite, describe → info
//	run, err := p.ReceiveRun(5*time.Second) // run-pipeline, audio-start, chunks, audio-stop
//	// run.Audio is what the satellite heard
//	err = p.Reply("turn on the light", "Turned on the light.", pcm, wyomingtest.Format16k)
//	err = p.ExpectPlayed(5*time.Second)  // the satellite played the answer
//	p.Close()
//
// To script other answers, Send the events built by Transcript,
// Synthesize, AnswerAudio, Error and the timer helpers; to be slow, send
// nothing; to go away mid-turn, Close.
//
// A Peer is used from one goroutine at a time.
package wyomingtest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/hark-assistant/hark/firmware/wyoming"
)

// DialTimeout bounds Dial: connecting, and the satellite's info.
const DialTimeout = 5 * time.Second

// SamplesPerChunk is the audio chunk size Home Assistant uses
// (_SAMPLES_PER_CHUNK in assist_satellite.py).
const SamplesPerChunk = 1024

// AudioFormat is the rate, width (bytes per sample) and channels of
// audio-start and audio-chunk.
type AudioFormat struct {
	Rate     int `json:"rate"`
	Width    int `json:"width"`
	Channels int `json:"channels"`
}

// Format16k is 16 kHz, 16-bit, mono: what Home Assistant's pipeline takes
// in and what it asks its TTS for by default.
var Format16k = AudioFormat{Rate: 16000, Width: 2, Channels: 1}

// Attribution is an info artifact's attribution.
type Attribution struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Satellite is the satellite block of the info event (info.py).
type Satellite struct {
	Name        string      `json:"name"`
	Attribution Attribution `json:"attribution"`
	Installed   bool        `json:"installed"`
	Description string      `json:"description"`
	Version     string      `json:"version"`
	Area        string      `json:"area"`
	HasVAD      bool        `json:"has_vad"`
}

// Info is the info event's data as far as a satellite is concerned.
type Info struct {
	Satellite *Satellite `json:"satellite"`
}

// Run is one pipeline run the satellite asked for.
type Run struct {
	StartStage string // run-pipeline's start_stage, "asr" for push-to-talk
	EndStage   string // its end_stage, "tts" for a spoken answer
	Format     AudioFormat
	Audio      []byte // the payloads of its audio-chunks, in order
	Chunks     int    // how many audio-chunks
}

// Peer is a connection from "Home Assistant" to a satellite.
type Peer struct {
	conn net.Conn
	r    *bufio.Reader
	info Info
}

// Dial connects to the satellite at addr (host:port) and does what Home
// Assistant does on connecting: sends run-satellite and describe, and
// waits for the info answer.
func Dial(addr string) (*Peer, error) {
	conn, err := net.DialTimeout("tcp", addr, DialTimeout)
	if err != nil {
		return nil, err
	}
	p := &Peer{conn: conn, r: bufio.NewReader(conn)}
	if err := p.Send(RunSatellite(), Describe()); err != nil {
		conn.Close()
		return nil, err
	}
	e, err := p.Expect("info", DialTimeout)
	if err == nil {
		err = e.Decode(&p.info)
	}
	if err == nil && p.info.Satellite == nil {
		err = errors.New("wyomingtest: info has no satellite block")
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return p, nil
}

// DialRaw connects without sending anything, for tests of what a peer
// that is not (yet) Home Assistant gets.
func DialRaw(addr string) (*Peer, error) {
	conn, err := net.DialTimeout("tcp", addr, DialTimeout)
	if err != nil {
		return nil, err
	}
	return &Peer{conn: conn, r: bufio.NewReader(conn)}, nil
}

// Info is the satellite's answer to Dial's describe.
func (p *Peer) Info() Info { return p.info }

// Conn is the connection, for tests that write raw bytes.
func (p *Peer) Conn() net.Conn { return p.conn }

// Close disconnects, as Home Assistant going away.
func (p *Peer) Close() error { return p.conn.Close() }

// Send writes events in order.
func (p *Peer) Send(events ...wyoming.Event) error {
	if err := p.conn.SetWriteDeadline(time.Now().Add(DialTimeout)); err != nil {
		return err
	}
	for _, e := range events {
		if err := wyoming.WriteEvent(p.conn, e); err != nil {
			return fmt.Errorf("wyomingtest: send %s: %w", e.Type, err)
		}
	}
	return nil
}

// Next reads the next event, waiting at most timeout.
func (p *Peer) Next(timeout time.Duration) (wyoming.Event, error) {
	if err := p.conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return wyoming.Event{}, err
	}
	return wyoming.ReadEvent(p.r)
}

// Expect reads events until one of type typ, waiting at most timeout in
// all. It answers the satellite's pings on the way, as Home Assistant
// does, and drops other events.
func (p *Peer) Expect(typ string, timeout time.Duration) (wyoming.Event, error) {
	return p.ExpectAny(time.Now().Add(timeout), typ)
}

// Ping sends ping with text and waits for the pong, returning its text.
func (p *Peer) Ping(text string, timeout time.Duration) (string, error) {
	if err := p.Send(must("ping", map[string]any{"text": text}, nil)); err != nil {
		return "", err
	}
	e, err := p.Expect("pong", timeout)
	if err != nil {
		return "", err
	}
	var d struct {
		Text string `json:"text"`
	}
	err = e.Decode(&d)
	return d.Text, err
}

// ReceiveRun waits (at most timeout in all) for the satellite's
// run-pipeline and the audio that follows it, up to its audio-stop.
func (p *Peer) ReceiveRun(timeout time.Duration) (Run, error) {
	deadline := time.Now().Add(timeout)
	e, err := p.Expect("run-pipeline", timeout)
	if err != nil {
		return Run{}, err
	}
	var rp struct {
		StartStage string `json:"start_stage"`
		EndStage   string `json:"end_stage"`
	}
	if err := e.Decode(&rp); err != nil {
		return Run{}, err
	}
	run := Run{StartStage: rp.StartStage, EndStage: rp.EndStage}
	started := false
	for {
		e, err := p.ExpectAny(deadline, "audio-start", "audio-chunk", "audio-stop")
		if err != nil {
			return run, err
		}
		switch e.Type {
		case "audio-start":
			if err := e.Decode(&run.Format); err != nil {
				return run, err
			}
			started = true
		case "audio-chunk":
			if !started {
				return run, errors.New("wyomingtest: audio-chunk before audio-start")
			}
			run.Audio = append(run.Audio, e.Payload...)
			run.Chunks++
		case "audio-stop":
			return run, nil
		}
	}
}

// ExpectAny is Expect for any of several types, until deadline.
func (p *Peer) ExpectAny(deadline time.Time, types ...string) (wyoming.Event, error) {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return wyoming.Event{}, fmt.Errorf("wyomingtest: waiting for %v: timed out", types)
		}
		e, err := p.Next(left)
		if err != nil {
			return wyoming.Event{}, fmt.Errorf("wyomingtest: waiting for %v: %w", types, err)
		}
		for _, t := range types {
			if e.Type == t {
				return e, nil
			}
		}
		if e.Type == "ping" {
			var d struct {
				Text *string `json:"text"`
			}
			_ = e.Decode(&d)
			if err := p.Send(must("pong", map[string]any{"text": d.Text}, nil)); err != nil {
				return wyoming.Event{}, err
			}
		}
	}
}

// Reply answers a received run as Home Assistant's pipeline does when
// all goes well: transcribe, transcript, synthesize, then answer as
// audio in format f (pcm is in that format).
func (p *Peer) Reply(transcript, answer string, pcm []byte, f AudioFormat) error {
	events := []wyoming.Event{
		must("transcribe", map[string]any{"language": "en"}, nil),
		Transcript(transcript),
		Synthesize(answer),
	}
	return p.Send(append(events, AnswerAudio(f, pcm)...)...)
}

// ExpectPlayed waits for the satellite's played event.
func (p *Peer) ExpectPlayed(timeout time.Duration) error {
	_, err := p.Expect("played", timeout)
	return err
}

// RunSatellite is run-satellite: Home Assistant is ready for runs.
func RunSatellite() wyoming.Event { return must("run-satellite", nil, nil) }

// PauseSatellite is pause-satellite: muted or removed in Home Assistant.
func PauseSatellite() wyoming.Event { return must("pause-satellite", nil, nil) }

// Describe asks for info.
func Describe() wyoming.Event { return must("describe", nil, nil) }

// Transcript is speech-to-text's result.
func Transcript(text string) wyoming.Event {
	return must("transcript", map[string]any{"text": text}, nil)
}

// Synthesize is the text of the answer, sent as text-to-speech starts.
func Synthesize(text string) wyoming.Event {
	return must("synthesize", map[string]any{"text": text, "voice": map[string]any{"name": nil, "language": "en"}}, nil)
}

// Error is the pipeline's error event.
func Error(text, code string) wyoming.Event {
	return must("error", map[string]any{"text": text, "code": code}, nil)
}

// AnswerAudio is pcm (in format f) as audio-start, audio-chunks of
// SamplesPerChunk samples (as assist_satellite.py's _stream_tts) and
// audio-stop.
func AnswerAudio(f AudioFormat, pcm []byte) []wyoming.Event {
	start := map[string]any{"rate": f.Rate, "width": f.Width, "channels": f.Channels, "timestamp": 0}
	events := []wyoming.Event{must("audio-start", start, nil)}
	step := SamplesPerChunk * max(f.Width*f.Channels, 1)
	for i := 0; i < len(pcm); i += step {
		chunk := pcm[i:min(i+step, len(pcm))]
		events = append(events, must("audio-chunk", map[string]any{"rate": f.Rate, "width": f.Width, "channels": f.Channels}, chunk))
	}
	return append(events, must("audio-stop", map[string]any{"timestamp": nil}, nil))
}

// TimerStarted is timer-started for a timer of seconds; name may be
// empty.
func TimerStarted(id string, seconds int, name string) wyoming.Event {
	d := map[string]any{"id": id, "total_seconds": seconds}
	if name != "" {
		d["name"] = name
	}
	return must("timer-started", d, nil)
}

// TimerUpdated is timer-updated.
func TimerUpdated(id string, active bool, seconds int) wyoming.Event {
	return must("timer-updated", map[string]any{"id": id, "is_active": active, "total_seconds": seconds}, nil)
}

// TimerCancelled is timer-cancelled.
func TimerCancelled(id string) wyoming.Event {
	return must("timer-cancelled", map[string]any{"id": id}, nil)
}

// TimerFinished is timer-finished.
func TimerFinished(id string) wyoming.Event {
	return must("timer-finished", map[string]any{"id": id}, nil)
}

// Event builds any other event; data must marshal to a JSON object.
func Event(typ string, data any, payload []byte) wyoming.Event { return must(typ, data, payload) }

func must(typ string, data any, payload []byte) wyoming.Event {
	e, err := wyoming.NewEvent(typ, data, payload)
	if err != nil {
		panic(err) // the builders above only pass maps
	}
	return e
}
