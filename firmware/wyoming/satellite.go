package wyoming

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/assistant"
)

// Inputs is what the satellite hands to the rest of Hark. Its methods are
// called on a connection's goroutine (Timers also on Run's, as Home
// Assistant connects) and must not block (the firmware posts them to the
// main loop) nor call the Satellite.
type Inputs interface {
	// Announce says text when Hark is free: a Home Assistant timer for
	// this device has finished.
	Announce(text string)
	// Transcript is what Home Assistant's speech-to-text heard in a turn,
	// for the log and MQTT.
	Transcript(text string)
	// Timers is how many of Home Assistant's timers for this device are
	// running (started or resumed, not paused, not yet finished or
	// cancelled), each time that number changes; the calls come in order.
	// Before the first call it is 0.
	Timers(running int)
}

// The answers of a turn that did not go well.
const (
	sayNotConnected = "Sorry, Home Assistant is not connected."
	sayGone         = "Sorry, Home Assistant went away."
	sayNoAnswer     = "Sorry, Home Assistant did not answer."
	sayCancelled    = "Cancelled."
)

const (
	samplesPerChunk = 1024 // as Home Assistant's own chunks
	inputRate       = 16000
	// writeTimeout bounds one event's write: a Home Assistant that stops
	// reading is dropped rather than holding the turn.
	writeTimeout = 5 * time.Second
	// keepAlive is the TCP keep-alive period of accepted connections, so
	// that a Home Assistant host that vanished without closing is noticed.
	keepAlive = 15 * time.Second
	outQueue  = 64 // events queued for the writer
	maxTimers = 64 // Home Assistant timers remembered for their names
)

// Satellite is a Wyoming satellite server. It implements
// assistant.Fallback.
type Satellite struct {
	cfg     Config
	in      Inputs
	log     *slog.Logger
	allow   []netip.Prefix
	addr    string        // where Run listens
	turns   chan struct{} // holds one token per turn in progress: one at a time
	ready   atomic.Bool   // a connection is current and running
	version string
	// relisten is how long Run waits to try listening again.
	relisten time.Duration

	mu      sync.Mutex // guards the fields below; never held across I/O
	cur     *conn
	timers  map[string]haTimer // by Home Assistant's timer id
	running int                // running timers, as last told to Inputs.Timers
}

// haTimer is what Hark knows of one of Home Assistant's timers.
type haTimer struct {
	name    string
	running bool      // not paused
	ends    time.Time // when it should finish, while running
}

var _ assistant.Fallback = (*Satellite)(nil)

// New returns a satellite for cfg (defaults applied, then validated),
// reporting to in and logging to log (nil: discard).
func New(cfg Config, in Inputs, log *slog.Logger) (*Satellite, error) {
	cfg = cfg.WithDefaults()
	if ps := cfg.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("wyoming: %w", errors.Join(problems(ps)...))
	}
	if in == nil {
		return nil, errors.New("wyoming: no Inputs")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	addr, _ := listenAddr(cfg.Listen)
	s := &Satellite{cfg: cfg, in: in, log: log, addr: addr, turns: make(chan struct{}, 1), timers: map[string]haTimer{}, relisten: 10 * time.Second}
	for _, a := range cfg.Allow {
		p, _ := parseAllow(a)
		s.allow = append(s.allow, p)
	}
	s.version = cfg.Version
	if s.version == "" {
		s.version = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			s.version = bi.Main.Version
		}
	}
	return s, nil
}

func problems(ps []Problem) []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// Run listens on cfg.Listen and serves Home Assistant until ctx is
// cancelled; it returns once every connection it accepted is closed and
// its goroutines have returned. While it cannot listen (the port is taken)
// it says so once and tries again every relisten: Hark answers on its own
// meanwhile, rather than exiting and being restarted again and again.
func (s *Satellite) Run(ctx context.Context) error {
	lc := net.ListenConfig{KeepAlive: keepAlive}
	for failed := false; ; failed = true {
		l, err := lc.Listen(ctx, "tcp", s.addr)
		if err == nil {
			s.log.Info("wyoming satellite listening", "addr", l.Addr().String(), "name", s.cfg.Name, "mode", s.cfg.Mode)
			return s.Serve(ctx, l)
		}
		if !failed {
			s.log.Error("wyoming: cannot listen: Hark answers on its own until it can", "addr", s.addr, "err", err, "retry", s.relisten)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.relisten):
		}
	}
}

// Serve is Run on a listener of the caller's; it closes l.
func (s *Satellite) Serve(ctx context.Context, l net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		<-ctx.Done()
		l.Close()
	})
	var err error
	for {
		nc, aerr := l.Accept()
		if aerr != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(aerr, net.ErrClosed) {
				err = fmt.Errorf("wyoming: %w", aerr)
				break
			}
			// Out of file descriptors and the like: wait, not spin.
			s.log.Warn("wyoming: accept failed", "err", aerr)
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		s.accept(nc, &wg)
	}
	cancel()
	// Only this goroutine makes connections current, and it has stopped.
	s.mu.Lock()
	c := s.cur
	s.mu.Unlock()
	if c != nil {
		c.close()
	}
	wg.Wait()
	return err
}

// accept takes a new connection: refused when its address is not
// allowed; otherwise it replaces the current one (see the package doc).
func (s *Satellite) accept(nc net.Conn, wg *sync.WaitGroup) {
	remote := nc.RemoteAddr().String()
	if !s.allowed(nc.RemoteAddr()) {
		s.log.Warn("wyoming: refused a connection from an address not in wyoming.allow", "remote", remote)
		nc.Close()
		return
	}
	c := &conn{s: s, nc: nc, remote: remote, out: make(chan Event, outQueue), closed: make(chan struct{})}
	s.mu.Lock()
	old := s.cur
	s.cur = c
	s.setReady()
	s.forgetMissedTimers(time.Now())
	s.mu.Unlock()
	if old != nil {
		s.log.Info("wyoming: a new connection replaces the current one", "remote", remote, "old", old.remote)
		old.close()
	} else {
		s.log.Info("wyoming: Home Assistant connected", "remote", remote)
	}
	wg.Go(c.writeLoop)
	wg.Go(c.readLoop)
}

func (s *Satellite) allowed(a net.Addr) bool {
	if len(s.allow) == 0 {
		return true
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range s.allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// setReady recomputes ready; s.mu is held.
func (s *Satellite) setReady() { s.ready.Store(s.cur != nil && s.cur.running) }

// Ready reports whether Home Assistant is connected and running the
// satellite (not paused): whether Answer can hand a turn over. It does not
// block.
func (s *Satellite) Ready() bool { return s.ready.Load() }

// First reports whether u goes to Home Assistant first: in mode
// satellite, while it is Ready, every press does (it has audio); words
// with no audio (typed, sent over MQTT) are Hark's to answer. It does not
// block.
func (s *Satellite) First(u assistant.Utterance) bool {
	return len(u.Audio) > 0 && s.cfg.Mode == ModeSatellite && s.ready.Load()
}

// conn is one connection from Home Assistant. Its reader goroutine is the
// only one that reads it and its writer goroutine the only one that
// writes it.
type conn struct {
	s         *Satellite
	nc        net.Conn
	remote    string
	out       chan Event    // to the writer
	closed    chan struct{} // closed by close
	closeOnce sync.Once

	running bool  // Home Assistant sent run-satellite, not pause-satellite; guarded by s.mu
	turn    *turn // the turn waiting for this connection's events; guarded by s.mu
}

func (c *conn) close() {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

var errGone = errors.New("connection closed")

// send queues e for the writer, waiting while the queue is full.
func (c *conn) send(ctx context.Context, e Event) error {
	select {
	case c.out <- e:
		return nil
	case <-c.closed:
		return errGone
	case <-ctx.Done():
		return ctx.Err()
	}
}

// trySend queues e if there is room, for callers that must not wait.
func (c *conn) trySend(e Event) {
	select {
	case c.out <- e:
	case <-c.closed:
	default:
		c.s.log.Warn("wyoming: send queue full, dropped an event", "type", e.Type)
	}
}

func (c *conn) writeLoop() {
	for {
		select {
		case <-c.closed:
			return
		case e := <-c.out:
			c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := WriteEvent(c.nc, e); err != nil {
				select {
				case <-c.closed:
				default:
					c.s.log.Warn("wyoming: closing the connection: write failed", "remote", c.remote, "type", e.Type, "err", err)
				}
				c.close()
				return
			}
		}
	}
}

func (c *conn) readLoop() {
	s := c.s
	defer s.drop(c)
	r := bufio.NewReader(c.nc)
	for {
		e, err := ReadEvent(r)
		if err != nil {
			select {
			case <-c.closed: // closed on our side: said why already
			default:
				switch {
				case errors.Is(err, io.EOF):
					s.log.Info("wyoming: Home Assistant disconnected", "remote", c.remote)
				case errors.Is(err, ErrFraming), errors.Is(err, io.ErrUnexpectedEOF):
					s.log.Warn("wyoming: closing the connection: it broke the event framing", "remote", c.remote, "err", err)
				default:
					s.log.Info("wyoming: connection lost", "remote", c.remote, "err", err)
				}
			}
			return
		}
		if err := s.handle(c, e); err != nil {
			s.log.Warn("wyoming: closing the connection", "remote", c.remote, "type", e.Type, "err", err)
			return
		}
	}
}

// drop closes c and, if it is current, leaves the satellite unconnected.
func (s *Satellite) drop(c *conn) {
	c.close()
	s.mu.Lock()
	wasCurrent := s.cur == c
	wasReady := wasCurrent && c.running
	if wasCurrent {
		s.cur = nil
		s.setReady()
	}
	s.mu.Unlock()
	if wasReady {
		s.log.Info("wyoming: Home Assistant is gone: presses are handled by Hark alone until it reconnects")
	}
}

// handle acts on one event from Home Assistant, on c's reader goroutine.
// Only an event Hark cannot answer (the connection is closing) is an
// error; unexpected events are logged and dropped.
func (s *Satellite) handle(c *conn, e Event) error {
	switch e.Type {
	case "describe":
		return c.send(context.Background(), s.info())
	case "ping":
		var d struct {
			Text *string `json:"text"`
		}
		_ = e.Decode(&d) // a ping with odd data still gets its pong
		return c.send(context.Background(), mustEvent("pong", map[string]any{"text": d.Text}, nil))
	case "pong":
	case "run-satellite", "pause-satellite":
		run := e.Type == "run-satellite"
		s.mu.Lock()
		changed := s.cur == c && c.running != run
		if s.cur == c {
			c.running = run
			s.setReady()
		}
		s.mu.Unlock()
		switch {
		case changed && run:
			s.log.Info("wyoming: Home Assistant runs the satellite", "remote", c.remote, "mode", s.cfg.Mode)
		case changed:
			s.log.Info("wyoming: Home Assistant paused the satellite: presses are handled by Hark alone", "remote", c.remote)
		}
	case "timer-started", "timer-updated", "timer-cancelled", "timer-finished":
		s.timer(e)
	case "transcribe", "voice-started", "voice-stopped", "transcript", "synthesize",
		"audio-start", "audio-chunk", "audio-stop", "error":
		s.mu.Lock()
		t := c.turn
		s.mu.Unlock()
		if t == nil {
			s.log.Debug("wyoming: event outside a turn, ignored", "type", e.Type)
			return nil
		}
		t.event(s, e)
	default:
		s.log.Debug("wyoming: unexpected event, ignored", "type", e.Type)
	}
	return nil
}

// info is the answer to describe (info.py's Info with a satellite).
func (s *Satellite) info() Event {
	sat := map[string]any{
		"name":        s.cfg.Name,
		"attribution": map[string]any{"name": "Hark", "url": "https://github.com/hark-assistant/hark"},
		"installed":   true,
		"description": "Hark push-to-talk voice assistant",
		"version":     s.version,
		"has_vad":     false,
	}
	if s.cfg.Area != "" {
		sat["area"] = s.cfg.Area
	}
	none := []any{}
	return mustEvent("info", map[string]any{
		"asr": none, "tts": none, "handle": none, "intent": none, "wake": none, "mic": none, "snd": none,
		"satellite": sat,
	}, nil)
}

// timer keeps and logs Home Assistant's timers (timer.py), tells Inputs
// how many run, and announces the finished ones.
func (s *Satellite) timer(e Event) {
	var d struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		TotalSeconds int    `json:"total_seconds"`
		IsActive     *bool  `json:"is_active"`
	}
	if err := e.Decode(&d); err != nil {
		s.log.Warn("wyoming: bad timer event, ignored", "type", e.Type, "err", err)
		return
	}
	now := time.Now()
	ends := now.Add(time.Duration(max(d.TotalSeconds, 0)) * time.Second)
	s.mu.Lock()
	t, known := s.timers[d.ID]
	room := known || len(s.timers) < maxTimers
	switch e.Type {
	case "timer-started":
		if room {
			t = haTimer{name: d.Name, running: true, ends: ends}
			s.timers[d.ID] = t
		}
	case "timer-updated":
		// An unknown id is a timer started before Hark heard of it.
		if room {
			switch {
			case d.IsActive != nil:
				t.running = *d.IsActive // false: paused
			case !known:
				t.running = true
			}
			if t.running {
				t.ends = ends // total_seconds: what is left, from now
			}
			s.timers[d.ID] = t
		}
	case "timer-cancelled", "timer-finished":
		delete(s.timers, d.ID)
	}
	s.reportTimers()
	s.mu.Unlock()
	name := t.name
	s.log.Info("wyoming: Home Assistant timer", "event", e.Type, "id", d.ID, "name", name, "seconds", d.TotalSeconds)
	if e.Type == "timer-finished" {
		text := "Your timer is done."
		if name = strings.TrimSpace(name); name != "" {
			text = "The " + name + " timer is done."
		}
		s.in.Announce(text)
	}
}

// forgetMissedTimers forgets the running timers that should have finished
// by now, as Home Assistant connects: their timer-finished was missed
// while it was not connected. s.mu is held.
func (s *Satellite) forgetMissedTimers(now time.Time) {
	for id, t := range s.timers {
		if t.running && !now.Before(t.ends) {
			delete(s.timers, id)
			s.log.Info("wyoming: forgot a Home Assistant timer whose end was missed while disconnected", "id", id, "name", t.name)
		}
	}
	s.reportTimers()
}

// reportTimers tells Inputs how many timers run, if that changed. s.mu
// is held, so that the reports come in order.
func (s *Satellite) reportTimers() {
	n := 0
	for _, t := range s.timers {
		if t.running {
			n++
		}
	}
	if n != s.running {
		s.running = n
		s.in.Timers(n)
	}
}

// Answer hands u's audio to Home Assistant's pipeline (speech-to-text to
// text-to-speech) and returns its answer: its text, and its audio to play,
// whose Played tells Home Assistant it has been played. Failures are
// answers too ("Sorry, …", StatusError). It returns promptly when ctx is
// cancelled.
func (s *Satellite) Answer(ctx context.Context, u assistant.Utterance) commands.Response {
	select {
	case s.turns <- struct{}{}:
		defer func() { <-s.turns }()
	case <-ctx.Done():
		return sorry(sayCancelled)
	}
	s.mu.Lock()
	c := s.cur
	ok := c != nil && c.running
	t := &turn{result: make(chan commands.Response, 1), turnNo: u.Turn, conn: c}
	if ok {
		c.turn = t
	}
	s.mu.Unlock()
	if !ok {
		s.log.Info("wyoming: turn not handed over: Home Assistant is not connected or has paused the satellite", "turn", u.Turn)
		return sorry(sayNotConnected)
	}
	defer func() {
		s.mu.Lock()
		if c.turn == t {
			c.turn = nil
		}
		s.mu.Unlock()
	}()

	s.log.Info("wyoming: turn handed to Home Assistant", "turn", u.Turn, "audio_ms", len(u.Audio)*1000/(2*inputRate))
	if r, done := s.sendUtterance(ctx, c, t, u.Audio); done {
		return r
	}
	timeout := time.NewTimer(s.cfg.Timeout)
	defer timeout.Stop()
	select {
	case r := <-t.result:
		return r
	case <-c.closed:
		s.log.Warn("wyoming: Home Assistant went away during a turn", "turn", u.Turn)
		return sorry(sayGone)
	case <-ctx.Done():
		return sorry(sayCancelled)
	case <-timeout.C:
		if said := t.said(); said != "" {
			// The text came but no audio: Hark says it itself.
			s.log.Warn("wyoming: Home Assistant sent its answer's text but not its audio in time", "turn", u.Turn, "timeout", s.cfg.Timeout)
			return commands.Response{Text: said, Command: assistant.FallbackCommand, Status: commands.StatusSuccess}
		}
		s.log.Warn("wyoming: Home Assistant did not answer in time", "turn", u.Turn, "timeout", s.cfg.Timeout)
		return sorry(sayNoAnswer)
	}
}

// sendUtterance sends run-pipeline and the audio; done is true when the
// turn ended while sending (with r its answer).
func (s *Satellite) sendUtterance(ctx context.Context, c *conn, t *turn, pcm []byte) (r commands.Response, done bool) {
	af := map[string]any{"rate": inputRate, "width": 2, "channels": 1}
	events := []Event{
		mustEvent("run-pipeline", map[string]any{"start_stage": "asr", "end_stage": "tts", "restart_on_end": false}, nil),
		mustEvent("audio-start", af, nil),
	}
	const step = samplesPerChunk * 2
	for i := 0; i < len(pcm); i += step {
		events = append(events, mustEvent("audio-chunk", af, pcm[i:min(i+step, len(pcm))]))
	}
	events = append(events, mustEvent("audio-stop", nil, nil))
	for i, e := range events {
		select {
		case r := <-t.result: // Home Assistant failed early (an error event)
			return r, true
		default:
		}
		switch err := c.send(ctx, e); {
		case errors.Is(err, errGone):
			s.log.Warn("wyoming: Home Assistant went away during a turn", "turn", t.turnNo)
			return sorry(sayGone), true
		case err != nil:
			if i > 1 {
				c.trySend(mustEvent("audio-stop", nil, nil)) // end the run Home Assistant started
			}
			return sorry(sayCancelled), true
		}
	}
	return commands.Response{}, false
}

func sorry(text string) commands.Response {
	return commands.Response{Text: text, Command: assistant.FallbackCommand, Status: commands.StatusError}
}

// turn is what a turn's Answer waits for. Its fields but said are touched
// only by the connection's reader.
type turn struct {
	turnNo     int
	conn       *conn                  // the connection the turn went to
	result     chan commands.Response // the answer, sent once
	finished   bool
	transcript string
	audio      *converter
	audioErr   error

	mu       sync.Mutex
	saidText string // synthesize's text
}

func (t *turn) said() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.saidText
}

func (t *turn) finish(r commands.Response) {
	if !t.finished {
		t.finished = true
		t.result <- r // buffered, sent once: never blocks
	}
}

// event handles one event of Home Assistant's pipeline run (the order of
// assist_satellite.py's on_pipeline_event).
func (t *turn) event(s *Satellite, e Event) {
	if t.finished {
		s.log.Debug("wyoming: event after the turn's answer, ignored", "type", e.Type)
		return
	}
	var d struct {
		Text string `json:"text"`
		Code string `json:"code"`
		format
	}
	if err := e.Decode(&d); err != nil {
		s.log.Warn("wyoming: bad event data, ignored", "type", e.Type, "err", err)
		return
	}
	switch e.Type {
	case "transcribe", "voice-started", "voice-stopped":
		s.log.Debug("wyoming: Home Assistant's pipeline", "event", e.Type, "turn", t.turnNo)
	case "transcript":
		t.transcript = d.Text
		s.log.Info("wyoming: Home Assistant heard", "turn", t.turnNo, "text", d.Text)
		s.in.Transcript(d.Text)
	case "synthesize":
		t.mu.Lock()
		t.saidText = d.Text
		t.mu.Unlock()
		s.log.Info("wyoming: Home Assistant answers", "turn", t.turnNo, "text", d.Text)
	case "audio-start", "audio-chunk":
		if t.audio == nil && t.audioErr == nil {
			t.audio, t.audioErr = newConverter(d.format)
			if t.audioErr != nil {
				s.log.Warn("wyoming: Home Assistant's answer audio cannot be played; Hark speaks the text", "err", t.audioErr)
			}
		}
		if e.Type == "audio-chunk" && t.audio != nil {
			t.audio.write(e.Payload)
		}
	case "audio-stop":
		t.finish(t.answer(s))
	case "error":
		s.log.Warn("wyoming: Home Assistant's pipeline failed", "turn", t.turnNo, "code", d.Code, "text", d.Text)
		t.finish(sorry(errorText(d.Code, d.Text)))
	}
}

// answer is the turn's response once the answer audio has ended.
func (t *turn) answer(s *Satellite) commands.Response {
	said := t.said()
	r := commands.Response{Text: said, Command: assistant.FallbackCommand, Status: commands.StatusSuccess}
	if t.audio == nil || len(t.audio.pcm) == 0 {
		if said == "" {
			return sorry(sayNoAnswer)
		}
		return r // Hark speaks the text
	}
	if t.audio.cut {
		s.log.Warn("wyoming: Home Assistant's answer audio was cut", "longer_than_s", maxAnswer)
	}
	if r.Text == "" {
		r.Text = "(Home Assistant's answer)"
	}
	c := t.conn
	r.Audio = &commands.Audio{PCM: t.audio.pcm, Rate: t.audio.f.Rate, Played: func(err error) {
		// On Hark's main loop: queue played for the writer, never wait.
		// Cut short or not, the answer is over for Home Assistant's run.
		if err != nil {
			s.log.Debug("wyoming: answer audio cut short", "err", err)
		}
		c.trySend(mustEvent("played", nil, nil))
	}}
	return r
}

// errorText is what Hark says for Home Assistant's error event: its codes
// are the pipeline's (homeassistant/components/assist_pipeline).
func errorText(code, text string) string {
	switch code {
	case "stt-no-text-recognized":
		return "Sorry, I didn't get that."
	case "stt-stream-failed", "stt-provider-missing", "stt-provider-unsupported-metadata":
		return "Sorry, Home Assistant's speech recognition failed."
	case "intent-failed", "intent-not-supported":
		return "Sorry, Home Assistant could not handle that."
	case "tts-failed", "tts-not-supported":
		return "Sorry, Home Assistant could not speak its answer."
	}
	if text = strings.TrimRight(strings.TrimSpace(text), "."); text != "" && len(text) < 200 {
		return "Sorry, Home Assistant failed: " + text + "."
	}
	return "Sorry, Home Assistant failed."
}

// mustEvent builds the events of this package, whose data always marshals.
func mustEvent(typ string, data any, payload []byte) Event {
	e, err := NewEvent(typ, data, payload)
	if err != nil {
		panic(err)
	}
	return e
}
