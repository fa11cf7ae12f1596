package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// PTTConfig tunes push-to-talk. Zero values mean the defaults given per
// field.
type PTTConfig struct {
	// PreRoll is how much audio from just before the button went down is
	// fed first, so a syllable said a moment early is not lost. Default
	// 500 ms; negative means none.
	PreRoll time.Duration
	// MaxUtterance ends an utterance that runs this long, with a MaxLength
	// event. Default 10 s.
	MaxUtterance time.Duration
	// Tail is how long Up goes on listening past the release edge while
	// speech is still going on there: a person often lets go while saying
	// the last word. It ends early at a pause, and is not taken when the
	// release falls in silence. Default 300 ms; negative means none. Only
	// a TimedSource has a tail.
	Tail time.Duration
	// MaxLate bounds how long Up waits for a TimedSource to deliver the
	// audio captured up to the release (and the tail): a device that
	// stalls costs at most this. Default 1 s.
	MaxLate time.Duration
	// KeepAudio hands each utterance's audio, as the recognizer got it
	// (pre-roll first, tail last), to its Heard event, to send on (Home
	// Assistant's pipeline, say); it holds up to MaxUtterance of audio.
	KeepAudio bool
	// OnEvent receives what push-to-talk reports (Listening, Heard,
	// MaxLength, GrammarRefused), in order, from Run's goroutine. It must
	// not block: hand the event on to whoever acts on it.
	OnEvent func(Event)
	// Logger receives MaxLength events and recognizer reset failures; nil
	// discards them.
	Logger *slog.Logger
}

// Errors of PTT.
var (
	ErrNotListening = errors.New("push-to-talk: not listening to that utterance")
	ErrRunning      = errors.New("push-to-talk is already running")
)

// chunkSize is the reader's buffer: 500 ms. While the button is down a Read
// takes what has come, a device period or so; while it is up a batching
// source fills the buffer, so idle push-to-talk is woken twice a second.
// (On the null device 100 ms batches idled at 1.7 % of a core, 500 ms ones
// at 1.2 % while the device called into Go every period; with the C
// callback, which wakes Go only for a full batch, 0.8 %.)
const chunkSize = bytesPerSecond / 2

// batchingSource is a Source that can hold each Read until it fills the
// buffer (Capture). While the button is up and the microphone is live
// push-to-talk only keeps the pre-roll, so it lets the source batch and is
// woken once per chunkSize instead of once per device period. Otherwise it
// takes every period as it comes: while the button is down the recognizer
// keeps up with the speech and has its end when the button goes up, and
// while muted what the source holds at unmuting is only a period of Hark's
// own voice, as without batching.
type batchingSource interface {
	Source
	setFill(fill bool)
	queued() int // bytes a Read could take now
}

// PTT gates a Source into a Recognizer by a push-to-talk button: it is the
// one owner of the audio path. Run reads the source all the time, keeping
// the pre-roll while the button is up; Listen starts an utterance,
// streaming pre-roll and live audio to the recognizer while the person
// speaks; Finish ends it at the release edge and reports what was heard.
//
// Listen, Finish, Discard, Mute and UseGrammar are requests: they return at
// once, never blocking the caller (the assistant's main loop), and Run
// carries them out in the order they were made. What comes of them is
// reported through OnEvent. The recognizer belongs to Run's goroutine
// while Run runs: use UseGrammar rather than the recognizer's SetGrammar.
type PTT struct {
	src   Source
	batch batchingSource // src, if it batches; else nil
	timed TimedSource    // src, if it says when its audio was captured; else nil
	rec   pipeline.Recognizer
	cfg   PTTConfig

	mu      sync.Mutex
	queue   []request     // requests not yet taken by Run
	wake    chan struct{} // capacity 1: "the queue may be non-empty"
	running atomic.Bool   // Run has been called

	// Owned by Run's goroutine.
	pre    *history
	max    int // bytes in the longest utterance
	muted  bool
	skip   int             // bytes of audio still to come from before the pre-roll
	active bool            // the button is down
	over   bool            // the utterance hit the maximum length and has its result
	utt    int             // the utterance being listened to (Listen's id)
	fed    int             // bytes fed into the current utterance
	kept   []byte          // what was fed, with PTTConfig.KeepAudio
	result pipeline.Result // the result of an utterance that is over
	err    error           // the first error of the current utterance
	voice  voiceTracker    // when speech was last heard (TimedSource only)
	ending *ending         // an Up waiting for the audio up to its release
}

// ending is a Finish waiting for the source to deliver the audio captured
// up to the release edge, and then for the tail.
type ending struct {
	at      time.Time        // the release edge
	started time.Time        // when Finish was taken, for Event.Decode
	timeout <-chan time.Time // MaxLate
	tailing bool             // speech went on at the release: listening on
}

// orNone is d, with zero meaning def and a negative d none.
func orNone(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// NewPTT returns a push-to-talk gate from src into rec; start it with Run.
func NewPTT(src Source, rec pipeline.Recognizer, cfg PTTConfig) *PTT {
	cfg.PreRoll = orNone(cfg.PreRoll, 500*time.Millisecond)
	if cfg.MaxUtterance <= 0 {
		cfg.MaxUtterance = 10 * time.Second
	}
	cfg.Tail = orNone(cfg.Tail, 300*time.Millisecond)
	if cfg.MaxLate <= 0 {
		cfg.MaxLate = time.Second
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = func(Event) {}
	}
	cfg.Logger = orDiscard(cfg.Logger)
	batch, _ := src.(batchingSource)
	timed, _ := src.(TimedSource)
	return &PTT{
		src:   src,
		batch: batch,
		timed: timed,
		rec:   rec,
		cfg:   cfg,
		wake:  make(chan struct{}, 1),
		pre:   newHistory(durationBytes(cfg.PreRoll)),
		max:   max(2, durationBytes(cfg.MaxUtterance)),
	}
}

type requestKind int

const (
	reqListen requestKind = iota
	reqFinish
	reqDiscard
	reqMute
	reqUnmute
	reqGrammar
)

type request struct {
	kind    requestKind
	utt     int              // reqListen, reqFinish, reqDiscard
	at      time.Time        // reqFinish: the release edge
	grammar *grammar.Grammar // reqGrammar
	done    chan struct{}    // if set, closed once the request is carried out (tests wait on it)
}

// chunk is a buffer passed from the reader to Run's loop and back, so the
// audio path allocates nothing per chunk.
type chunk struct {
	data []byte
	n    int
	end  time.Time // when its last sample was captured (TimedSource)
	err  error
}

// Run reads the source and carries out the requests until ctx is done;
// then it returns nil. If the source ends (io.EOF) Run goes on serving with
// no more audio; any other source error ends Run with that error. Run may
// be called once.
func (p *PTT) Run(ctx context.Context) error {
	if !p.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	p.batchIfIdle()
	defer p.setFill(false) // the source's default
	ctx, cancel := context.WithCancel(ctx)
	free, full := make(chan *chunk, 2), make(chan *chunk)
	for range cap(free) {
		free <- &chunk{data: make([]byte, chunkSize)}
	}
	readerDone := make(chan struct{})
	go p.read(ctx, free, full, readerDone)
	defer func() {
		cancel()
		<-readerDone
	}()

	defer func() {
		if p.ending != nil {
			p.finishUp()
		}
	}()
	for {
		// While a Finish waits for the end of its audio, later requests
		// wait: they were made after the release.
		wake, timeout := p.wake, (<-chan time.Time)(nil)
		if p.ending != nil {
			wake, timeout = nil, p.ending.timeout
		}
		select {
		case <-ctx.Done():
			return nil
		case c := <-full:
			// A request made before this audio came applies to it; but a
			// Finish takes the audio up to its release edge, this too.
			p.serveQueue(full, free, true)
			err := p.take(c, free)
			if err != nil {
				full = nil // the source is exhausted or failed: no more audio comes
			}
			if p.ending != nil && (err != nil || p.settled()) {
				p.finishUp()
			}
			if err != nil && err != io.EOF {
				return err
			}
			p.mu.Lock()
			if len(p.queue) > 0 {
				p.signal() // a Finish, or what came after it
			}
			p.mu.Unlock()
		case <-wake:
			p.serveQueue(full, free, false)
		case <-timeout:
			p.cfg.Logger.Warn("audio: the microphone did not deliver the audio up to the release in time; decoding what came",
				"waited", p.cfg.MaxLate, "late_by", p.ending.at.Sub(p.voice.now))
			p.finishUp()
		}
	}
}

// read moves audio from the source to Run's loop until the source fails or
// ctx is done.
func (p *PTT) read(ctx context.Context, free chan *chunk, full chan<- *chunk, done chan<- struct{}) {
	defer close(done)
	for {
		var c *chunk
		select {
		case c = <-free:
		case <-ctx.Done():
			return
		}
		c.n, c.err = p.src.Read(ctx, c.data)
		if p.timed != nil {
			c.end = p.timed.Captured()
		}
		select {
		case full <- c:
		case <-ctx.Done():
			return
		}
		if c.err != nil {
			return
		}
	}
}

// take handles one chunk from the reader and returns it to the free list.
// It returns the source's error, if the chunk carries one.
func (p *PTT) take(c *chunk, free chan<- *chunk) error {
	if p.timed != nil && c.n > 0 {
		p.voice.observe(c.data[:c.n], c.end)
	}
	p.audio(c.data[:c.n])
	err := c.err
	free <- c
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		if err == io.EOF {
			p.cfg.Logger.Debug("audio source ended")
			return err
		}
		return fmt.Errorf("audio source: %w", err)
	}
	return nil
}

// audio routes captured audio by the state of the button.
func (p *PTT) audio(pcm []byte) {
	n := min(p.skip, len(pcm))
	pcm, p.skip = pcm[n:], p.skip-n
	switch {
	case len(pcm) == 0, p.muted:
		// Discarded: while Hark speaks the microphone hears Hark.
	case !p.active:
		p.pre.write(pcm)
	case !p.over:
		p.feed(pcm)
	}
}

// feed passes pcm to the recognizer, ending the utterance at the maximum
// length.
func (p *PTT) feed(pcm []byte) {
	if p.err != nil || p.over {
		return
	}
	if room := p.max - p.fed; len(pcm) > room {
		pcm = pcm[:room]
	}
	if len(pcm) > 0 {
		if _, err := p.rec.Accept(pcm); err != nil {
			p.err = fmt.Errorf("recognizer: %w", err)
			return
		}
		p.fed += len(pcm)
		if p.cfg.KeepAudio {
			p.kept = append(p.kept, pcm...)
		}
	}
	if p.fed >= p.max {
		p.result, p.err = p.rec.Final()
		p.over = true
		e := Event{Kind: MaxLength, Utterance: p.utt, Length: bytesDuration(p.fed)}
		p.cfg.Logger.Info(e.String())
		p.cfg.OnEvent(e)
	}
}

// serveQueue carries out the queued requests in order, up to a Finish that
// has to wait for its audio (Run serves the rest once it has it), or, with
// beforeFinish, up to any Finish.
func (p *PTT) serveQueue(full <-chan *chunk, free chan<- *chunk, beforeFinish bool) {
	for p.ending == nil {
		p.mu.Lock()
		if len(p.queue) == 0 || beforeFinish && p.queue[0].kind == reqFinish {
			p.mu.Unlock()
			return
		}
		r := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		p.serve(r, full, free)
		if r.done != nil {
			close(r.done)
		}
	}
}

// serve carries out one request on Run's goroutine.
func (p *PTT) serve(r request, full <-chan *chunk, free chan<- *chunk) {
	switch r.kind {
	case reqListen:
		if p.active {
			p.utt = r.utt // listening already: the same audio goes on
			p.cfg.OnEvent(Event{Kind: Listening, Utterance: r.utt})
			return
		}
		p.active, p.utt, p.over, p.fed, p.err, p.result = true, r.utt, false, 0, nil, pipeline.Result{}
		p.kept = nil // the last utterance's went with its Heard event
		older, newer := p.pre.contents()
		if p.batch != nil {
			// What the source holds is the newest audio from before the
			// press, and is fed next: feed no more than PreRoll in all,
			// dropping the oldest.
			excess := max(0, len(older)+len(newer)+p.batch.queued()-len(p.pre.buf)+1) &^ 1
			for _, part := range []*[]byte{&older, &newer} {
				n := min(excess, len(*part))
				*part, excess = (*part)[n:], excess-n
			}
			p.skip = excess
		}
		p.batchIfIdle() // what the source holds comes at once, then every period
		p.feed(older)
		p.feed(newer)
		p.pre.reset()
		p.cfg.OnEvent(Event{Kind: Listening, Utterance: r.utt})
	case reqFinish:
		p.finish(r, full, free)
	case reqDiscard:
		if !p.active || r.utt != p.utt {
			return
		}
		p.active, p.skip = false, 0
		p.batchIfIdle()
		p.kept = nil
		if err := p.rec.Reset(); err != nil {
			p.cfg.Logger.Warn("resetting recognizer", "err", err)
		}
	case reqMute:
		p.muted = true
		p.pre.reset()
		p.batchIfIdle()
	case reqUnmute:
		p.muted = false
		p.batchIfIdle()
	case reqGrammar:
		if err := p.rec.SetGrammar(r.grammar); err != nil {
			p.cfg.OnEvent(Event{Kind: GrammarRefused, Err: err})
		}
	default:
		panic(fmt.Sprintf("audio: unknown request %d", r.kind))
	}
}

// finish starts ending the utterance for a Finish: it takes the audio the
// reader has already handed over and, from a TimedSource, waits for the
// audio captured up to the release edge and the tail (Run's loop goes on
// taking audio meanwhile; settled says when it has come).
func (p *PTT) finish(r request, full <-chan *chunk, free chan<- *chunk) {
	if !p.active || r.utt != p.utt {
		p.cfg.OnEvent(Event{Kind: Heard, Utterance: r.utt, Err: ErrNotListening})
		return
	}
	live := p.drain(full, free)
	now := time.Now()
	at := r.at
	if at.IsZero() {
		at = now
	}
	p.ending = &ending{at: at, started: now}
	if !live || full == nil || p.settled() {
		p.finishUp()
		return
	}
	p.ending.timeout = time.After(p.cfg.MaxLate)
}

// settled reports whether the ending utterance has all its audio: what was
// captured up to the release edge and, if speech was going on there, the
// tail, which a pause ends early.
func (p *PTT) settled() bool {
	e := p.ending
	switch {
	case p.over || p.err != nil || p.timed == nil:
		return true
	case p.voice.now.Before(e.at):
		return false
	case p.cfg.Tail == 0:
		return true
	case !e.tailing && e.at.Sub(p.voice.last) >= pause:
		return true // released in silence
	}
	e.tailing = true
	return !p.voice.now.Before(e.at.Add(p.cfg.Tail)) || p.voice.now.Sub(p.voice.last) >= pause
}

// finishUp ends the utterance and reports what was heard.
func (p *PTT) finishUp() {
	started := p.ending.started
	p.ending = nil
	p.active, p.skip = false, 0
	p.batchIfIdle()
	if !p.over && p.err == nil {
		p.result, p.err = p.rec.Final()
	}
	e := Event{Kind: Heard, Utterance: p.utt, Result: p.result, Err: p.err, Audio: p.kept}
	p.kept = nil
	if p.err != nil {
		e.Result = pipeline.Result{}
		if err := p.rec.Reset(); err != nil {
			p.cfg.Logger.Warn("resetting recognizer", "err", err)
		}
	}
	e.Decode = time.Now().Sub(started)
	p.cfg.OnEvent(e)
}

// batchIfIdle has a batching source batch while the button is up and the
// microphone is live (see batchingSource).
func (p *PTT) batchIfIdle() { p.setFill(!p.active && !p.muted) }

func (p *PTT) setFill(fill bool) {
	if p.batch != nil {
		p.batch.setFill(fill)
	}
}

// drain feeds audio the reader has already handed over, so the end of the
// speech is not cut.
// It reports false when the source has ended or failed.
func (p *PTT) drain(full <-chan *chunk, free chan<- *chunk) bool {
	for {
		select {
		case c := <-full:
			if err := p.take(c, free); err != nil {
				return false
			}
		default:
			return true
		}
	}
}

// request queues r for Run and returns at once.
func (p *PTT) request(r request) {
	p.mu.Lock()
	p.queue = append(p.queue, r)
	p.mu.Unlock()
	p.signal()
}

func (p *PTT) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Listen starts utterance utt: the pre-roll and then live audio stream to
// the recognizer until Finish or Discard. A Listening event says when it
// has begun. Listen while listening goes on with the same audio, as utt.
func (p *PTT) Listen(utt int) { p.request(request{kind: reqListen, utt: utt}) }

// Finish ends utterance utt, released at the edge at (zero: when Run takes
// the request), and reports what was heard as a Heard event. Everything
// captured up to the edge is decoded: from a TimedSource Run waits (at
// most MaxLate) for that audio, and for the tail when speech was going on
// at the edge; from another source it decodes what the source has
// delivered. After a MaxLength event the result is the one taken at the
// maximum length. Finish of an utterance not being listened to reports
// ErrNotListening.
func (p *PTT) Finish(utt int, at time.Time) {
	p.request(request{kind: reqFinish, utt: utt, at: at})
}

// Discard ends utterance utt and drops its audio, reporting nothing.
func (p *PTT) Discard(utt int) { p.request(request{kind: reqDiscard, utt: utt}) }

// Mute discards microphone audio while muted is true (set it while Hark
// speaks, so Hark does not hear itself). Muting also empties the pre-roll.
// Mute is independent of listening: audio is discarded even during an
// utterance, so stop speech and unmute when the person presses.
func (p *PTT) Mute(muted bool) {
	kind := reqUnmute
	if muted {
		kind = reqMute
	}
	p.request(request{kind: kind})
}

// UseGrammar restricts the recognizer to what g can match from the next
// utterance on; nil means open decoding (see pipeline.Recognizer.SetGrammar).
// A grammar the recognizer refuses is reported as a GrammarRefused event.
func (p *PTT) UseGrammar(g *grammar.Grammar) { p.request(request{kind: reqGrammar, grammar: g}) }
