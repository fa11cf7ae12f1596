package assistant

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// TextAssistant is the assistant of Run answering typed text, with no
// microphone, loudspeaker or LED: a way to try commands, in tests and
// examples. Each Say is one utterance, taken exactly as a spoken one from
// the press of the button on, with the text as its transcript: the same
// commands (built-ins, the configuration's, the caller's), async ones on
// the main loop and blocking ones on workers, answers in spoken order.
type TextAssistant struct {
	a        *Assistant
	listener *typedListener
	rest     *restIndicator
	answers  []commands.Response // owned by the main loop

	mu      sync.Mutex // one utterance at a time
	cancel  context.CancelFunc
	stopped chan struct{} // closed when the assistant has stopped
	err     error         // why it stopped; read after stopped is closed
}

// ErrTextAssistantClosed is returned by Say once Close has been called.
var ErrTextAssistantClosed = errors.New("text assistant closed")

// NewTextAssistant starts a TextAssistant with cfg and cmds, which are
// taken as Options.Commands are. It logs nothing; the answers are what Say
// returns. Close stops it.
func NewTextAssistant(cfg Config, cmds []commands.Command) (*TextAssistant, error) {
	return NewTextAssistantWith(cfg, Options{Commands: cmds})
}

// NewTextAssistantWith is NewTextAssistant with opts (its Commands,
// Language, Clock and Logger; the devices are its own).
func NewTextAssistantWith(cfg Config, opts Options) (*TextAssistant, error) {
	cfg.Grammar = false // no recognizer to restrict
	ctx, cancel := context.WithCancel(context.Background())
	t := &TextAssistant{listener: &typedListener{}, rest: &restIndicator{}, cancel: cancel, stopped: make(chan struct{})}
	a, err := New(cfg, Devices{Listener: t.listener, Speaker: silentSpeaker{}, Indicator: t.rest}, opts)
	if err != nil {
		cancel()
		return nil, err
	}
	a.onAnswer = func(r commands.Response) { t.answers = append(t.answers, r) }
	t.a = a
	t.listener.send = a.Send
	go func() {
		t.err = a.Run(ctx)
		close(t.stopped)
	}()
	return t, nil
}

// Say takes text as one utterance and returns the answers given from then
// until the assistant is back at rest: those of the utterance's commands
// (an answer a command gives after its turn is over is an announcement,
// returned by the next Say) and any announcement made meanwhile.
func (t *TextAssistant) Say(ctx context.Context, text string) ([]commands.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.listener.queue(text)
	done := make(chan []commands.Response, 1)
	err := t.a.sched.Post("typed", func() {
		finish := func() {
			done <- t.answers
			t.answers = nil
		}
		t.a.handle(Input{Kind: Pressed})
		if t.a.machine.State() != Listening {
			finish() // the press was refused: nothing was heard
			return
		}
		t.rest.then = finish
		t.a.handle(Input{Kind: Released})
	})
	if errors.Is(err, scheduler.ErrClosed) {
		return nil, ErrTextAssistantClosed
	} else if err != nil {
		return nil, err
	}
	select {
	case answers := <-done:
		return answers, nil
	case <-t.stopped:
		return nil, ErrTextAssistantClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops the assistant, giving running commands a few seconds to
// return, and reports what kept them from it.
func (t *TextAssistant) Close() error {
	t.cancel()
	<-t.stopped
	if t.err != nil {
		return fmt.Errorf("text assistant: %w", t.err)
	}
	return nil
}

// typedListener is the listener of typed utterances: Finish hands out the
// texts queued by Say, one per utterance.
type typedListener struct {
	mu    sync.Mutex
	texts []string
	send  func(Input) // the assistant's inbox
}

func (l *typedListener) queue(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.texts = append(l.texts, text)
}

func (l *typedListener) Listen(int) {}

func (l *typedListener) Finish(utt int, _ time.Time) {
	l.mu.Lock()
	var text string
	if len(l.texts) > 0 {
		text, l.texts = l.texts[0], l.texts[1:]
	}
	l.mu.Unlock()
	l.send(Input{Kind: Decoded, ID: utt, Text: text})
}

func (l *typedListener) Discard(int)                 {}
func (l *typedListener) Mute(bool)                   {}
func (l *typedListener) UseGrammar(*grammar.Grammar) {}

// silentSpeaker says nothing: a TextAssistant returns its answers.
type silentSpeaker struct{}

func (silentSpeaker) Say(context.Context, string) error { return nil }

// restIndicator is the LED of a TextAssistant: when the assistant comes to
// rest it calls then, once. It is shown states on the main loop, which
// owns then.
type restIndicator struct {
	then func()
}

func (r *restIndicator) Show(s State) {
	if !s.AtRest() || r.then == nil {
		return
	}
	then := r.then
	r.then = nil
	then()
}

func (*restIndicator) Blocked(scheduler.BlockInfo) {}
func (*restIndicator) Recovered(time.Duration)     {}
