package wyoming_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/internal/logbuf"
	"github.com/hark-assistant/hark/firmware/wyoming"
	"github.com/hark-assistant/hark/firmware/wyoming/wyomingtest"
)

// The peer in these tests is wyomingtest's Home Assistant, written from
// rhasspy/wyoming 1.7.0 (event.py and the event modules) and Home
// Assistant's homeassistant/components/wyoming/assist_satellite.py.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// wait bounds every wait of these tests.
const wait = 5 * time.Second

// inputs records what the satellite hands to the firmware.
type inputs struct {
	announce   chan string
	transcript chan string
	timers     chan int
}

func (in *inputs) Announce(text string)   { in.announce <- text }
func (in *inputs) Transcript(text string) { in.transcript <- text }
func (in *inputs) Timers(running int)     { in.timers <- running }

// logBuf is a log the test reads while the code under test writes it.
type logBuf = logbuf.Buffer

type rig struct {
	s    *wyoming.Satellite
	addr string
	in   *inputs
	log  *logBuf
}

// start serves a satellite on a loopback port until the test ends, when
// Serve must return (every goroutine joined) within the wait.
func start(t *testing.T, cfg wyoming.Config) *rig {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{addr: l.Addr().String(), in: &inputs{announce: make(chan string, 8), transcript: make(chan string, 8), timers: make(chan int, 32)}, log: &logBuf{}}
	cfg.Listen = "tcp://" + r.addr
	r.s, err = wyoming.New(cfg, r.in, slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.s.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(wait):
			t.Error("Serve did not return")
		}
		if t.Failed() {
			t.Logf("satellite log:\n%s", r.log)
		}
	})
	return r
}

func dial(t *testing.T, addr string) *wyomingtest.Peer {
	t.Helper()
	p, err := wyomingtest.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// answer runs Answer on its own goroutine, as the assistant's worker does.
func (r *rig) answer(ctx context.Context, u assistant.Utterance) <-chan commands.Response {
	ch := make(chan commands.Response, 1)
	go func() { ch <- r.s.Answer(ctx, u) }()
	return ch
}

func response(t *testing.T, ch <-chan commands.Response) commands.Response {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(wait):
		t.Fatal("no answer")
		return commands.Response{}
	}
}

// speech is n samples of a ramp, as 16 kHz s16le.
func speech(n int) []byte {
	b := make([]byte, 0, 2*n)
	for i := range n {
		b = binary.LittleEndian.AppendUint16(b, uint16(i*7))
	}
	return b
}

// expectClosed: the satellite closes c within the wait.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(wait))
	// A close with unread bytes in the satellite's buffer is a reset.
	if _, err := io.ReadAll(c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("want the connection closed by the satellite, got %v", err)
	}
}

func TestDescribeInfo(t *testing.T) {
	r := start(t, wyoming.Config{Name: "Kitchen Hark", Area: "Kitchen", Version: "1.2.3"})
	p := dial(t, r.addr)
	sat := p.Info().Satellite
	want := wyomingtest.Satellite{Name: "Kitchen Hark", Area: "Kitchen", Installed: true, Version: "1.2.3", HasVAD: false,
		Description: sat.Description, Attribution: wyomingtest.Attribution{Name: "Hark", URL: "https://github.com/hark-assistant/hark"}}
	if *sat != want || sat.Description == "" {
		t.Errorf("info satellite %+v, want %+v", *sat, want)
	}
}

func TestPingPong(t *testing.T) {
	r := start(t, wyoming.Config{})
	p := dial(t, r.addr)
	for _, text := range []string{"hello", ""} {
		if got, err := p.Ping(text, wait); err != nil || got != text {
			t.Errorf("pong %q, %v; want %q", got, err, text)
		}
	}
}

// TestReadyFirst: Ready follows connection and run/pause; First also
// needs mode satellite, and an utterance with audio (words typed or sent
// over MQTT stay Hark's); a press while not ready is answered "Sorry".
func TestReadyFirst(t *testing.T) {
	spoken := assistant.Utterance{Text: "what time is it", Audio: speech(100)}
	typed := assistant.Utterance{Text: "what time is it"}
	for _, mode := range []string{wyoming.ModeSatellite, wyoming.ModeLocalFirst} {
		t.Run(mode, func(t *testing.T) {
			r := start(t, wyoming.Config{Mode: mode})
			if r.s.Ready() || r.s.First(spoken) {
				t.Fatal("ready before Home Assistant connected")
			}
			resp := r.s.Answer(context.Background(), assistant.Utterance{Audio: speech(100)})
			if resp.Text != "Sorry, Home Assistant is not connected." || resp.Status != commands.StatusError || resp.Command != assistant.FallbackCommand {
				t.Errorf("not connected: %+v", resp)
			}
			p := dial(t, r.addr) // run-satellite, describe, info: run-satellite was handled
			if !r.s.Ready() || r.s.First(spoken) != (mode == wyoming.ModeSatellite) || r.s.First(typed) {
				t.Errorf("connected: Ready %v First %v, typed %v", r.s.Ready(), r.s.First(spoken), r.s.First(typed))
			}
			// pause-satellite, then a ping: its pong comes after the pause was handled.
			if err := p.Send(wyomingtest.PauseSatellite()); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Ping("x", wait); err != nil {
				t.Fatal(err)
			}
			if r.s.Ready() || r.s.First(spoken) {
				t.Error("ready while paused")
			}
			if resp := r.s.Answer(context.Background(), assistant.Utterance{}); resp.Status != commands.StatusError {
				t.Errorf("paused: %+v", resp)
			}
			p.Close()
			if !strings.Contains(r.log.String(), "paused") {
				t.Error("the pause was not logged")
			}
		})
	}
}

// TestTurn: a push-to-talk turn end to end over TCP: Home Assistant gets
// exactly the utterance's audio in 1024-sample chunks, its transcript
// reaches Inputs, its answer audio comes back in the Response, and
// playing it sends played.
func TestTurn(t *testing.T) {
	tests := []struct {
		name   string
		format wyomingtest.AudioFormat
		answer []byte // in format
		want   []byte // mono s16le
	}{
		{"16 kHz mono", wyomingtest.Format16k, speech(3000), speech(3000)},
		{"22.05 kHz stereo", wyomingtest.AudioFormat{Rate: 22050, Width: 2, Channels: 2},
			[]byte{10, 0, 30, 0, 0xff, 0xff, 0xff, 0xff}, []byte{20, 0, 0xff, 0xff}},
		{"8-bit", wyomingtest.AudioFormat{Rate: 16000, Width: 1, Channels: 1}, []byte{128, 129}, []byte{0, 0, 0, 1}},
		{"32-bit", wyomingtest.AudioFormat{Rate: 24000, Width: 4, Channels: 1}, []byte{0, 0, 5, 0}, []byte{5, 0}},
	}
	r := start(t, wyoming.Config{Mode: wyoming.ModeSatellite})
	p := dial(t, r.addr)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			utt := speech(16000 + 77) // a second and a cut chunk
			ch := r.answer(context.Background(), assistant.Utterance{Turn: i, Audio: utt})
			run, err := p.ReceiveRun(wait)
			if err != nil {
				t.Fatal(err)
			}
			if run.StartStage != "asr" || run.EndStage != "tts" || run.Format != wyomingtest.Format16k {
				t.Errorf("run %+v", run)
			}
			if !bytes.Equal(run.Audio, utt) || run.Chunks != 16 {
				t.Errorf("Home Assistant got %d bytes in %d chunks, want the utterance's %d bytes in 16", len(run.Audio), run.Chunks, len(utt))
			}
			if err := p.Reply("what time is it", "It is noon.", tt.answer, tt.format); err != nil {
				t.Fatal(err)
			}
			resp := response(t, ch)
			if resp.Text != "It is noon." || resp.Status != commands.StatusSuccess || resp.Command != assistant.FallbackCommand || resp.Audio == nil {
				t.Fatalf("response %+v", resp)
			}
			if !bytes.Equal(resp.Audio.PCM, tt.want) || resp.Audio.Rate != tt.format.Rate {
				t.Errorf("answer audio %d bytes at %d Hz, want %d at %d", len(resp.Audio.PCM), resp.Audio.Rate, len(tt.want), tt.format.Rate)
			}
			select {
			case got := <-r.in.transcript:
				if got != "what time is it" {
					t.Errorf("transcript %q", got)
				}
			case <-time.After(wait):
				t.Error("no transcript")
			}
			resp.Audio.Played(nil)
			if err := p.ExpectPlayed(wait); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestTurnFailures: what Hark answers when Home Assistant's pipeline
// fails, is slow, goes away, or the person presses again.
func TestTurnFailures(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name   string
		script func(p *wyomingtest.Peer) error
		cancel bool
		want   string
		status commands.Status
	}{
		{"error", func(p *wyomingtest.Peer) error {
			return p.Send(wyomingtest.Error("No text recognized", "stt-no-text-recognized"))
		}, false, "Sorry, I didn't get that.", commands.StatusError},
		{"other error", func(p *wyomingtest.Peer) error {
			return p.Send(wyomingtest.Transcript("hm"), wyomingtest.Error("Pipeline broke.", "weird"))
		}, false, "Sorry, Home Assistant failed: Pipeline broke.", commands.StatusError},
		{"slow", func(p *wyomingtest.Peer) error { return nil }, false, "Sorry, Home Assistant did not answer.", commands.StatusError},
		{"text but no audio in time", func(p *wyomingtest.Peer) error {
			return p.Send(wyomingtest.Transcript("hi"), wyomingtest.Synthesize("Hello."))
		}, false, "Hello.", commands.StatusSuccess},
		{"bad answer audio", func(p *wyomingtest.Peer) error {
			return p.Send(append([]wyoming.Event{wyomingtest.Synthesize("Hello.")}, wyomingtest.AnswerAudio(wyomingtest.AudioFormat{Rate: 16000, Width: 7, Channels: 1}, make([]byte, 70))...)...)
		}, false, "Hello.", commands.StatusSuccess},
		{"gone", func(p *wyomingtest.Peer) error { return p.Close() }, false, "Sorry, Home Assistant went away.", commands.StatusError},
		{"cancelled", func(p *wyomingtest.Peer) error { return nil }, true, "Cancelled.", commands.StatusError},
	}
	r := start(t, wyoming.Config{Timeout: timeout})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := dial(t, r.addr) // a fresh Home Assistant each time: a late event of one case cannot reach the next
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			began := time.Now()
			ch := r.answer(ctx, assistant.Utterance{Audio: speech(2048)})
			if _, err := p.ReceiveRun(wait); err != nil {
				t.Fatal(err)
			}
			if err := tt.script(p); err != nil {
				t.Fatal(err)
			}
			if tt.cancel {
				cancel()
			}
			resp := response(t, ch)
			if resp.Text != tt.want || resp.Status != tt.status || resp.Audio != nil {
				t.Errorf("response %+v, want %q (%s) without audio", resp, tt.want, tt.status)
			}
			if took := time.Since(began); took > timeout+2*time.Second {
				t.Errorf("answered after %s", took)
			}
		})
	}
	// After all that, a Home Assistant that reconnects gets the next turn.
	p := dial(t, r.addr)
	ch := r.answer(context.Background(), assistant.Utterance{Audio: speech(100)})
	if _, err := p.ReceiveRun(wait); err != nil {
		t.Fatal(err)
	}
	if err := p.Reply("hi", "Hello.", speech(10), wyomingtest.Format16k); err != nil {
		t.Fatal(err)
	}
	if resp := response(t, ch); resp.Text != "Hello." || resp.Audio == nil {
		t.Errorf("after reconnecting: %+v", resp)
	}
}

// TestTimers: Home Assistant's timers are kept by id, counted for
// Inputs.Timers while running (not paused) each time the count changes,
// and announced when they finish, by name when they have one. They are
// kept while Home Assistant reconnects, but for those whose end passed
// meanwhile.
func TestTimers(t *testing.T) {
	r := start(t, wyoming.Config{})
	p := dial(t, r.addr)
	send := func(es ...wyoming.Event) {
		t.Helper()
		if err := p.Send(es...); err != nil {
			t.Fatal(err)
		}
	}
	// reports checks the next Inputs.Timers calls, and then (after a ping
	// round trip: every event before it was handled) that there were no more.
	reports := func(want ...int) {
		t.Helper()
		for _, w := range want {
			select {
			case got := <-r.in.timers:
				if got != w {
					t.Fatalf("Timers(%d), want Timers(%d)", got, w)
				}
			case <-time.After(wait):
				t.Fatalf("no Timers(%d)", w)
			}
		}
		if _, err := p.Ping("sync", wait); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-r.in.timers:
			t.Fatalf("unexpected Timers(%d)", got)
		default:
		}
	}
	announced := func(want ...string) {
		t.Helper()
		for _, w := range want {
			select {
			case got := <-r.in.announce:
				if got != w {
					t.Errorf("announced %q, want %q", got, w)
				}
			case <-time.After(wait):
				t.Fatalf("no announcement %q", w)
			}
		}
	}

	send(
		wyomingtest.TimerStarted("t1", 300, "pasta"), // 1
		wyomingtest.TimerStarted("t2", 60, ""),       // 2
		wyomingtest.TimerUpdated("t1", false, 200),   // paused: 1
		wyomingtest.TimerUpdated("t1", false, 200),   // still paused
		wyomingtest.TimerUpdated("t1", true, 200),    // resumed: 2
		wyomingtest.TimerUpdated("t2", true, 30),     // still running
		wyomingtest.TimerStarted("t3", 60, "tea"),    // 3
		wyomingtest.TimerCancelled("t3"),             // 2
		wyomingtest.TimerFinished("t1"),              // 1
		wyomingtest.TimerFinished("t2"),              // 0
		wyomingtest.TimerFinished("unknown"),
		wyomingtest.TimerCancelled("unknown"),
	)
	reports(1, 2, 1, 2, 3, 2, 1, 0)
	announced("The pasta timer is done.", "Your timer is done.", "Your timer is done.")

	// A timer Hark did not see start (it started before Hark did) counts
	// from its first update; a paused one is forgotten when it finishes.
	send(
		wyomingtest.TimerUpdated("old", true, 100),   // 1
		wyomingtest.TimerStarted("t4", 60, "eggs"),   // 2
		wyomingtest.TimerUpdated("t4", false, 50),    // 1
		wyomingtest.TimerFinished("t4"),              // paused, finished: still 1
		wyomingtest.TimerUpdated("paused", false, 9), // unknown and paused: still 1
		wyomingtest.TimerCancelled("old"),            // 0
		wyomingtest.TimerCancelled("paused"),
	)
	reports(1, 2, 1, 0)
	announced("The eggs timer is done.")

	// Home Assistant reconnects: its timers go on, but one whose end
	// passed meanwhile had its timer-finished missed and is forgotten.
	send(
		wyomingtest.TimerStarted("soup", 3600, "soup"), // 1
		wyomingtest.TimerStarted("egg", 0, "egg"),      // 2: ends at once
	)
	reports(1, 2)
	p.Close()
	p = dial(t, r.addr)
	reports(1)
	send(wyomingtest.TimerFinished("soup"))
	reports(0)
	announced("The soup timer is done.")
}

// TestBrokenFraming: a connection that breaks the framing is closed and
// logged; the satellite goes on serving the next one.
func TestBrokenFraming(t *testing.T) {
	tests := []struct{ name, in string }{
		{"garbage", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"bad JSON", "{\"type\": \"ping\",\n"},
		{"no type", "{\"data\":{}}\n"},
		{"header too long", strings.Repeat("x", wyoming.MaxHeader+1)},
		{"payload too long", "{\"type\":\"audio-chunk\",\"payload_length\":1048577}\n"},
		{"data not JSON", "{\"type\":\"ping\",\"data_length\":3}\nabc"},
		{"cut payload", "{\"type\":\"audio-chunk\",\"payload_length\":100}\nabc"},
	}
	r := start(t, wyoming.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := wyomingtest.DialRaw(r.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			c := p.Conn()
			c.SetWriteDeadline(time.Now().Add(wait))
			if _, err := io.WriteString(c, tt.in); err != nil {
				t.Fatal(err)
			}
			if tt.name == "cut payload" {
				c.(*net.TCPConn).CloseWrite()
			}
			expectClosed(t, c)
			if !strings.Contains(r.log.String(), "framing") {
				t.Error("the closing was not logged with its reason")
			}
			q := dial(t, r.addr)
			if _, err := q.Ping("still there", wait); err != nil {
				t.Errorf("next connection: %v", err)
			}
			q.Close()
		})
	}
}

// TestRefused: an address outside wyoming.allow is closed at once and
// logged; an allowed one is served.
func TestRefused(t *testing.T) {
	r := start(t, wyoming.Config{Allow: []string{"10.0.0.0/8", "192.168.1.10"}})
	p, err := wyomingtest.DialRaw(r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	expectClosed(t, p.Conn())
	if !strings.Contains(r.log.String(), "refused") || r.s.Ready() {
		t.Errorf("refusal not logged, or ready: %v", r.s.Ready())
	}

	ok := start(t, wyoming.Config{Allow: []string{"10.0.0.0/8", "127.0.0.1"}})
	q := dial(t, ok.addr)
	if _, err := q.Ping("hi", wait); err != nil {
		t.Error(err)
	}
}

// TestSecondConnection: a new connection replaces the current one (Home
// Assistant reconnecting while its old connection is half-open), which
// is closed; a turn in progress on the old one ends "went away".
func TestSecondConnection(t *testing.T) {
	r := start(t, wyoming.Config{})
	old := dial(t, r.addr)
	ch := r.answer(context.Background(), assistant.Utterance{Audio: speech(10)})
	if _, err := old.ReceiveRun(wait); err != nil {
		t.Fatal(err)
	}
	p := dial(t, r.addr)
	if resp := response(t, ch); resp.Text != "Sorry, Home Assistant went away." {
		t.Errorf("turn on the replaced connection: %+v", resp)
	}
	if _, err := old.Next(wait); !errors.Is(err, io.EOF) {
		t.Errorf("old connection: %v, want it closed", err)
	}
	if !r.s.Ready() {
		t.Error("not ready on the new connection")
	}
	if _, err := p.Ping("new", wait); err != nil {
		t.Error(err)
	}
	if !strings.Contains(r.log.String(), "replaces") {
		t.Error("the replacement was not logged")
	}
}

// TestNew: New refuses a bad configuration.
func TestNew(t *testing.T) {
	for _, cfg := range []wyoming.Config{{Mode: "x"}, {Listen: "udp://1.2.3.4:5"}, {Allow: []string{"nope"}}} {
		if _, err := wyoming.New(cfg, &inputs{}, nil); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	if _, err := wyoming.New(wyoming.Config{}, nil, nil); err == nil {
		t.Error("nil Inputs accepted")
	}
}

// TestRun: Run listens on cfg.Listen and returns when cancelled.
func TestRun(t *testing.T) {
	s, err := wyoming.New(wyoming.Config{Listen: "tcp://127.0.0.1:0"}, &inputs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
}
