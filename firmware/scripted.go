package firmware

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// scriptedMic is an audio source for `hark run --wav`, the demo and the
// bench: silent (Read blocks) until an utterance is played, which it then
// hands out as fast as it is read.
type scriptedMic struct {
	queue chan utterance
	cur   *utterance // owned by the reading goroutine
}

type utterance struct {
	pcm    []byte
	played chan struct{}
}

var _ audio.Source = (*scriptedMic)(nil)

func newScriptedMic() *scriptedMic {
	return &scriptedMic{queue: make(chan utterance)}
}

// play queues pcm (16 kHz mono S16LE) and returns a channel closed once the
// reader has taken all of it and come back for more. A push-to-talk reader
// hands each chunk over before reading the next, so by then the recognizer
// has been fed the whole utterance.
func (m *scriptedMic) play(ctx context.Context, pcm []byte) (<-chan struct{}, error) {
	u := utterance{pcm: pcm[:len(pcm)&^1], played: make(chan struct{})}
	select {
	case m.queue <- u:
		return u.played, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Read implements audio.Source.
func (m *scriptedMic) Read(ctx context.Context, p []byte) (int, error) {
	if m.cur != nil && len(m.cur.pcm) == 0 {
		close(m.cur.played)
		m.cur = nil
	}
	if m.cur == nil {
		select {
		case u := <-m.queue:
			m.cur = &u
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	n := copy(p[:len(p)&^1], m.cur.pcm)
	m.cur.pcm = m.cur.pcm[n:]
	return n, nil
}

// scriptedRun presses a simulated button over a scripted microphone and
// follows the assistant's states: `hark run --wav`, and Scripted.
type scriptedRun struct {
	mic    *scriptedMic
	downs  chan struct{}        // a Down has returned
	states chan assistant.State // the states shown, dropped when nobody reads
}

func newScriptedRun() *scriptedRun {
	return &scriptedRun{mic: newScriptedMic(), downs: make(chan struct{}, 1), states: make(chan assistant.State, 64)}
}

// listening takes push-to-talk's events: once an utterance has begun,
// audio played reaches the recognizer.
func (s *scriptedRun) listening(e audio.Event) {
	if e.Kind != audio.Listening {
		return
	}
	select {
	case s.downs <- struct{}{}:
	default:
	}
}

// onEvent copies the assistant's states; the loop must never wait for it.
func (s *scriptedRun) onEvent(e assistant.Event) {
	if e.Kind != assistant.EventState {
		return
	}
	select {
	case s.states <- e.State:
	default:
	}
}

// play presses and says pcm, leaving the button down.
func (s *scriptedRun) play(ctx context.Context, a *assistant.Assistant, pcm []byte) error {
	select {
	case <-s.downs: // drop a stale signal
	default:
	}
	a.Send(assistant.Input{Kind: assistant.Pressed})
	select {
	case <-s.downs:
	case <-ctx.Done():
		return ctx.Err()
	}
	played, err := s.mic.play(ctx, pcm)
	if err != nil {
		return err
	}
	select {
	case <-played:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// say is one push-to-talk turn: press, say pcm, release, and wait for the
// assistant to come to rest.
func (s *scriptedRun) say(ctx context.Context, a *assistant.Assistant, pcm []byte) error {
	if err := s.play(ctx, a, pcm); err != nil {
		return err
	}
	a.Send(assistant.Input{Kind: assistant.Released})
	return s.waitForRest(ctx)
}

// waitForRest waits for the assistant to come back to idle or muted (or to
// show an error) after being busy.
func (s *scriptedRun) waitForRest(ctx context.Context) error {
	busy := false
	for {
		select {
		case st := <-s.states:
			if !st.AtRest() {
				busy = true
			} else if busy {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Scripted is Hark over a simulated button and a scripted microphone, as
// the demo and the bench run it: push-to-talk from the script into a
// recognizer, and the assistant, with speech and the LED given by the
// caller.
type Scripted struct {
	run    *scriptedRun
	a      *assistant.Assistant
	cancel context.CancelFunc
	group  *errgroup.Group
}

// StartScripted starts push-to-talk into rec and the assistant with cfg,
// speaker and indicator; opts is the assistant's (OnEvent is called before
// the script follows the event). Stop stops both; rec must stay open until
// then.
func StartScripted(ctx context.Context, cfg *config.Config, rec pipeline.Recognizer, speaker assistant.Speaker, indicator assistant.Indicator, opts assistant.Options) (*Scripted, error) {
	s := &Scripted{run: newScriptedRun()}
	var mic micReports
	ptt := audio.NewPTT(s.run.mic, rec, pttConfig(cfg.Audio, opts.Logger, func(e audio.Event) {
		s.run.listening(e)
		mic.report(e)
	}))
	if user := opts.OnEvent; user != nil {
		opts.OnEvent = func(e assistant.Event) { user(e); s.run.onEvent(e) }
	} else {
		opts.OnEvent = s.run.onEvent
	}
	a, err := assistant.New(cfg.Assistant(), assistant.Devices{Listener: ptt, Speaker: speaker, Indicator: indicator}, opts)
	if err != nil {
		return nil, err
	}
	s.a = a
	mic.attach(a)
	ctx, s.cancel = context.WithCancel(ctx)
	g, ctx := errgroup.WithContext(ctx)
	s.group = g
	g.Go(func() error { return ptt.Run(ctx) })
	g.Go(func() error { return a.Run(ctx) })
	return s, nil
}

// Assistant is the running assistant.
func (s *Scripted) Assistant() *assistant.Assistant { return s.a }

// States are the states the assistant shows, from its start; the script
// reads them too (WaitForRest), so read them only between turns.
func (s *Scripted) States() <-chan assistant.State { return s.run.states }

// Play presses the button and says pcm (16 kHz mono S16LE), leaving the
// button down; it returns once the recognizer has been fed all of it.
func (s *Scripted) Play(ctx context.Context, pcm []byte) error { return s.run.play(ctx, s.a, pcm) }

// Release releases the button.
func (s *Scripted) Release() { s.a.Send(assistant.Input{Kind: assistant.Released}) }

// WaitForRest waits for the assistant to be busy and then at rest again.
func (s *Scripted) WaitForRest(ctx context.Context) error { return s.run.waitForRest(ctx) }

// Say is one turn: Play, Release, WaitForRest.
func (s *Scripted) Say(ctx context.Context, pcm []byte) error { return s.run.say(ctx, s.a, pcm) }

// Stop stops the assistant and push-to-talk and returns their errors once
// every goroutine they ran has returned.
func (s *Scripted) Stop() error {
	s.cancel()
	err := s.group.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// wavMic is the microphone of `hark run --mic-wav FILE`: each utterance
// hears the file from its start, then silence, and between utterances there
// is silence, all paced like a microphone's capture and stamped with when
// it was "captured" (a TimedSource), so push-to-talk treats it as it does a
// microphone: a release while the file still plays cuts it there (with
// push-to-talk's tail), a release after it waits only for the audio up to
// the edge.
type wavMic struct {
	file  string
	pcm   []byte // 16 kHz mono S16LE
	log   *slog.Logger
	start chan struct{} // capacity 1: an utterance has begun

	lastUtt int // the utterance the file last started for; push-to-talk's goroutine

	// Owned by the reading goroutine.
	pos      int       // the next byte of pcm to play; len(pcm): silence
	captured time.Time // when the last sample handed out was "captured"
}

var _ audio.TimedSource = (*wavMic)(nil)

// wavMic hands out silence in silenceChunk pieces (few wake-ups while the
// button is up; a press cuts one short) and the file in fileChunk pieces, a
// capture device's period.
const (
	silenceChunk   = 100 * time.Millisecond
	fileChunk      = 10 * time.Millisecond
	maxBehind      = time.Second
	bytesPerSecond = 2 * pipeline.SampleRate
)

func bytesFor(d time.Duration) int {
	return int(int64(d)*bytesPerSecond/int64(time.Second)) &^ 1
}

func durationOf(n int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / bytesPerSecond)
}

// openWAVMic reads the WAV file at path, converted to Hark's format (see
// audio.ReadWAV); its errors name the file and the problem.
func openWAVMic(path string, log *slog.Logger) (*wavMic, error) {
	pcm, err := audio.ReadWAV(path)
	if err != nil {
		return nil, err
	}
	if len(pcm) < 2 {
		return nil, &audio.WAVError{File: path, Problem: "holds no audio"}
	}
	return &wavMic{file: path, pcm: pcm[:len(pcm)&^1], log: log, start: make(chan struct{}, 1), lastUtt: -1, pos: len(pcm)}, nil
}

// length is how long the file plays.
func (m *wavMic) length() time.Duration { return durationOf(len(m.pcm)) }

// listening takes push-to-talk's events, on its goroutine, never blocking:
// an utterance that has begun hears the file from its start. (Listening
// again while listening goes on with the same audio.)
func (m *wavMic) listening(e audio.Event) {
	if e.Kind != audio.Listening || e.Utterance == m.lastUtt {
		return
	}
	m.lastUtt = e.Utterance
	select {
	case m.start <- struct{}{}:
	default: // already signalled: the reader restarts the file once
	}
}

// Read implements audio.Source: the file or silence, each piece handed out
// once it would have been captured.
func (m *wavMic) Read(ctx context.Context, p []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if m.captured.IsZero() {
		m.captured = time.Now()
	}
	n := len(p) &^ 1
	if n == 0 {
		return 0, io.ErrShortBuffer
	}
	select {
	case <-m.start:
		m.begin()
	default:
	}
	if m.pos < len(m.pcm) {
		n = min(n, bytesFor(fileChunk), len(m.pcm)-m.pos)
		if err := m.waitFor(ctx, n, nil); err != nil {
			return 0, err
		}
		copy(p, m.pcm[m.pos:m.pos+n])
		m.pos += n
		m.captured = m.captured.Add(durationOf(n))
		if m.pos == len(m.pcm) {
			m.log.Info("mic-wav: played", "file", m.file)
		}
		return n, nil
	}
	if behind := time.Since(m.captured); behind > maxBehind {
		// Not read for a while (a suspended machine): the silence that
		// was never read is dropped, as a device's overrun would.
		m.captured = m.captured.Add(behind - silenceChunk)
	}
	n = min(n, bytesFor(silenceChunk))
	if err := m.waitFor(ctx, n, m.start); err != nil {
		if err != errPressed {
			return 0, err
		}
		// A press: the silence captured up to now, then the file.
		m.begin()
		if n = min(n, bytesFor(time.Since(m.captured))); n <= 0 {
			return m.Read(ctx, p)
		}
	}
	clear(p[:n])
	m.captured = m.captured.Add(durationOf(n))
	return n, nil
}

// errPressed is waitFor's word for an utterance that began meanwhile.
var errPressed = errors.New("pressed")

// waitFor waits until n more bytes would have been captured, or ctx is
// done, or (with pressed) an utterance begins.
func (m *wavMic) waitFor(ctx context.Context, n int, pressed <-chan struct{}) error {
	wait := time.Until(m.captured.Add(durationOf(n)))
	if wait <= 0 {
		return nil // behind, as a device's buffer would be: catch up
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-pressed:
		return errPressed
	}
}

// begin plays the file from its start.
func (m *wavMic) begin() {
	m.pos = 0
	m.log.Info("mic-wav: playing", "file", m.file, "seconds", m.length().Seconds())
}

// Captured implements audio.TimedSource.
func (m *wavMic) Captured() time.Time { return m.captured }
