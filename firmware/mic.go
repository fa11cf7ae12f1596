package firmware

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
)

// scriptedMic is an audio source for the demo, the bench and `hark run
// --wav`: silent (Read blocks) until an utterance is played, which it then
// hands out as fast as it is read.
type scriptedMic struct {
	queue chan utterance
	cur   *utterance // owned by the reading goroutine
}

type utterance struct {
	pcm    []byte
	played chan struct{}
}

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

// scriptedHark is an assistant over a simulated button and a scripted
// microphone, as the demo and the bench run it: the caller presses and
// speaks through buttons, listener and mic (pressAndSay), and states
// copies what the LED is shown (waitForRest).
type scriptedHark struct {
	a        *assistant
	buttons  chan Event
	listener *watchedListener
	mic      *scriptedMic
	states   chan State

	cancel  context.CancelFunc
	pttDone chan error
	runDone chan error
}

// startScriptedHark runs push-to-talk from a scripted microphone into rec
// and the assistant with cfg, extra commands, speaker and led. prepare, if
// set, is given the assistant before it starts, to finish it. stop stops
// both; rec must stay open until then.
func startScriptedHark(ctx context.Context, cfg *Config, rec pipeline.Recognizer, speaker Speaker, led Indicator, extra []commands.Command, log *slog.Logger, prepare func(*assistant) error) (*scriptedHark, error) {
	ctx, cancel := context.WithCancel(ctx)
	h := &scriptedHark{
		buttons: make(chan Event),
		mic:     newScriptedMic(),
		states:  make(chan State, 64),
		cancel:  cancel,
		pttDone: make(chan error, 1),
		runDone: make(chan error, 1),
	}
	// Push-to-talk reports an utterance too long only after a Down, which
	// only the assistant, built below, issues.
	ptt := audio.NewPTT(h.mic, rec, pttConfig(cfg.Audio, log, func() { h.a.listenedTooLong() }))
	go func() { h.pttDone <- ptt.Run(ctx) }()
	h.listener = &watchedListener{Listener: ptt, downs: make(chan struct{}, 1)}
	a, err := newAssistant(ctx, cfg, devices{
		listener: h.listener,
		speaker:  speaker,
		led:      &watchedIndicator{Indicator: led, states: h.states},
	}, extra, clockwork.NewRealClock(), log)
	if err == nil && prepare != nil {
		err = prepare(a)
	}
	if err != nil {
		cancel()
		<-h.pttDone
		return nil, err
	}
	h.a = a
	go func() { h.runDone <- a.run(ctx, h.buttons, shutdownGrace) }()
	return h, nil
}

// stop stops the assistant and push-to-talk and returns their errors.
func (h *scriptedHark) stop() error {
	h.cancel()
	return errors.Join(<-h.runDone, <-h.pttDone)
}
