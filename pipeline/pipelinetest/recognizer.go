package pipelinetest

import (
	"context"
	"slices"
	"sync"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Recognizer is a fake pipeline.Recognizer. Final returns the results
// scripted with Script or ScriptResult, in order, and an empty Result once
// they run out; it records every utterance fed, every grammar set, resets
// and Close, and lets a test wait until audio has been accepted.
//
// The zero value is ready to use. Unlike a real engine it is safe for
// concurrent use: the code under test feeds it from its goroutine while the
// test reads what it recorded.
type Recognizer struct {
	mu         sync.Mutex
	script     []final
	acceptErr  error
	grammarErr error
	current    []byte   // the utterance being fed
	utterances [][]byte // every utterance ended by Final
	accepted   int      // bytes accepted in all, for WaitAccepted
	fed        chan struct{}
	grammars   []*grammar.Grammar
	resets     int
	closed     bool
}

var _ pipeline.Recognizer = (*Recognizer)(nil)

type final struct {
	res pipeline.Result
	err error
}

// Script queues the texts of the next Finals, one per Final, in order.
func (r *Recognizer) Script(texts ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, text := range texts {
		r.script = append(r.script, final{res: pipeline.Result{Text: text}})
	}
}

// ScriptResult queues what one later Final returns, after those already
// queued; an error there fails that utterance.
func (r *Recognizer) ScriptResult(res pipeline.Result, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, final{res, err})
}

// FailAccept makes every Accept fail with err until FailAccept(nil).
func (r *Recognizer) FailAccept(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acceptErr = err
}

// Accept records pcm as part of the current utterance. It never reports an
// endpoint.
func (r *Recognizer) Accept(pcm []byte) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acceptErr != nil {
		return false, r.acceptErr
	}
	r.current = append(r.current, pcm...)
	r.accepted += len(pcm)
	if r.fed != nil {
		close(r.fed)
		r.fed = nil
	}
	return false, nil
}

// Partial is always empty: the fake guesses nothing before Final.
func (r *Recognizer) Partial() string { return "" }

// Final records the current utterance and returns the next scripted result.
func (r *Recognizer) Final() (pipeline.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.utterances = append(r.utterances, r.current)
	r.current = nil
	if len(r.script) == 0 {
		return pipeline.Result{}, nil
	}
	f := r.script[0]
	r.script = r.script[1:]
	return f.res, f.err
}

// Reset drops the current utterance and counts the reset.
func (r *Recognizer) Reset() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current = nil
	r.resets++
	return nil
}

// SetGrammar records g.
func (r *Recognizer) SetGrammar(g *grammar.Grammar) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grammarErr != nil {
		return r.grammarErr
	}
	r.grammars = append(r.grammars, g)
	return nil
}

// FailSetGrammar makes every SetGrammar refuse its grammar with err (it
// is then not recorded) until FailSetGrammar(nil).
func (r *Recognizer) FailSetGrammar(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.grammarErr = err
}

// Close marks the recognizer closed. It does not refuse later calls: a
// test asks Closed whether the code under test closed it.
func (r *Recognizer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}

// Current returns a copy of the audio fed into the utterance under way.
func (r *Recognizer) Current() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.current)
}

// Utterances returns the audio of every utterance ended by Final, oldest
// first.
func (r *Recognizer) Utterances() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([][]byte, len(r.utterances))
	for i, u := range r.utterances {
		out[i] = slices.Clone(u)
	}
	return out
}

// Accepted is how many bytes Accept has taken in all, over every utterance.
func (r *Recognizer) Accepted() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted
}

// WaitAccepted returns once Accept has taken at least n bytes in all (see
// Accepted), or with ctx.Err() when ctx is done first.
func (r *Recognizer) WaitAccepted(ctx context.Context, n int) error {
	for {
		r.mu.Lock()
		if r.accepted >= n {
			r.mu.Unlock()
			return nil
		}
		if r.fed == nil {
			r.fed = make(chan struct{})
		}
		fed := r.fed
		r.mu.Unlock()
		select {
		case <-fed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Grammars returns the grammar of every SetGrammar call, oldest first.
func (r *Recognizer) Grammars() []*grammar.Grammar {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.grammars)
}

// Resets is how many times Reset was called.
func (r *Recognizer) Resets() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resets
}

// Closed reports whether Close was called.
func (r *Recognizer) Closed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
