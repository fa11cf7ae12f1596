package vosk

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	vosk "github.com/alphacep/vosk-api/go"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// unknownWord is the token Vosk grammars use for speech outside the phrase
// list; keeping it in the list stops libvosk forcing any sound onto a phrase.
const unknownWord = "[unk]"

// errClosed is returned by a Recognizer used after Close.
var errClosed = errors.New("vosk: recognizer is closed")

// Recognizer is the Vosk engine behind pipeline.Recognizer. Results carry
// per-word times from the start of the utterance. It is not safe for
// concurrent use.
//
// Each utterance gets its own libvosk recogniser, created at its first
// Accept (or by SetGrammar between utterances): a reused one reports times
// from the start of the whole stream, keeps undecoded audio of a Reset
// utterance, and libvosk 0.3.39 cannot change its grammar.
//
// Each Accept hands the binding a fresh C copy of the audio (the binding
// mallocs and frees per call); at the 20–100 ms chunks of live capture this
// costs far less than decoding them.
type Recognizer struct {
	model      *Model
	sampleRate float64
	closed     bool

	r           *vosk.VoskRecognizer // ready for the current or next utterance; nil if none
	grammar     string               // JSON phrase list of r; "" means open decoding
	nextGrammar string               // grammar for the next utterance
	inUtterance bool                 // audio accepted since the last Final or Reset

	// The open pass: a second recogniser without a grammar, fed the same
	// audio while the grammar has commands left to open decoding.
	noOpenPass bool
	open       *vosk.VoskRecognizer
	openRules  *openRules // of r's grammar; nil: no open pass
	nextOpen   *openRules
}

// openRules are the commands of a structured grammar left to open decoding.
type openRules struct {
	g    *grammar.Grammar
	cmds []grammar.Command
}

// Bounds of the phrase list a structured grammar is expanded to. A command
// with more phrases than CommandPhraseLimit (or that would take the list
// past PhraseLimit) is left out, logged, and heard by the open pass.
const (
	CommandPhraseLimit = 1000
	PhraseLimit        = 2000
)

// SetOpenPass turns the open pass on (the default) or off from the next
// utterance on. With it on, while the grammar has commands with open slots
// or past the phrase bound, a second recogniser without a grammar decodes
// the same audio, and its transcript is taken when it holds one of those
// commands: about twice the CPU while listening. Off (a Pi Zero), such
// commands cannot be heard while a grammar is set.
func (r *Recognizer) SetOpenPass(on bool) { r.noOpenPass = !on }

var _ pipeline.Recognizer = (*Recognizer)(nil)

// NewRecognizer returns a recogniser for audio at sampleRate (Hark uses
// pipeline.SampleRate), decoding openly until SetGrammar.
func (m *Model) NewRecognizer(sampleRate float64) (*Recognizer, error) {
	if sampleRate <= 0 {
		return nil, fmt.Errorf("vosk: sample rate %v Hz is not positive", sampleRate)
	}
	r := &Recognizer{model: m, sampleRate: sampleRate}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	return r, nil
}

// prepare makes r.r a fresh libvosk recogniser for nextGrammar unless it
// already is one. It must not be called inside an utterance.
func (r *Recognizer) prepare() error {
	wantOpen := r.nextOpen != nil && !r.noOpenPass && r.nextGrammar != ""
	if r.r != nil && r.grammar == r.nextGrammar && (r.open != nil) == wantOpen {
		r.openRules = r.nextOpen
		return nil
	}
	nr, err := r.model.newVoskRecognizer(r.sampleRate, r.nextGrammar)
	if err != nil {
		return err
	}
	var open *vosk.VoskRecognizer
	if wantOpen {
		if open, err = r.model.newVoskRecognizer(r.sampleRate, ""); err != nil {
			nr.Free()
			return err
		}
	}
	r.drop()
	r.r, r.grammar, r.open, r.openRules = nr, r.nextGrammar, open, r.nextOpen
	return nil
}

// drop frees the libvosk recogniser, if any.
func (r *Recognizer) drop() {
	if r.r != nil {
		r.r.Free()
		r.r = nil
	}
	if r.open != nil {
		r.open.Free()
		r.open = nil
	}
}

// Accept feeds 16-bit little-endian mono samples and reports whether
// libvosk detected an endpoint (enough trailing silence after speech). The
// utterance goes on until Final or Reset either way.
func (r *Recognizer) Accept(pcm []byte) (bool, error) {
	if r.closed {
		return false, errClosed
	}
	if len(pcm)%2 != 0 {
		return false, fmt.Errorf("vosk: %d bytes of audio is not a whole number of 16-bit samples", len(pcm))
	}
	if !r.inUtterance {
		if err := r.prepare(); err != nil {
			// Drop the grammar that failed: kept, it would fail every utterance.
			r.nextGrammar, r.nextOpen = r.grammar, r.openRules
			return false, err
		}
		r.inUtterance = true
	}
	rc := r.r.AcceptWaveform(pcm)
	if rc < 0 {
		return false, fmt.Errorf("vosk: libvosk rejected %d bytes of audio", len(pcm))
	}
	if r.open != nil && r.open.AcceptWaveform(pcm) < 0 {
		return false, fmt.Errorf("vosk: libvosk rejected %d bytes of audio", len(pcm))
	}
	return rc == 1, nil
}

// Partial returns the best guess so far for the current utterance.
func (r *Recognizer) Partial() string {
	if r.closed || !r.inUtterance {
		return ""
	}
	var p struct {
		Partial string `json:"partial"`
	}
	if err := json.Unmarshal([]byte(r.r.PartialResult()), &p); err != nil {
		return ""
	}
	return withoutUnknown(pipeline.Result{Text: p.Partial}, false).Text
}

// Final ends the utterance and returns its words with their times. Under
// a grammar whose model knows "[unk]" (see grammarJSON), speech outside
// the grammar decodes as "[unk]": the result is then Rejected, the
// "[unk]" words left out of it — unless the open pass heard one of the
// commands left to it, which is taken instead.
func (r *Recognizer) Final() (pipeline.Result, error) {
	if r.closed {
		return pipeline.Result{}, errClosed
	}
	if !r.inUtterance {
		return pipeline.Result{}, nil
	}
	js := r.r.FinalResult()
	var openJS string
	if r.open != nil {
		openJS = r.open.FinalResult()
	}
	rules := r.openRules
	r.inUtterance = false
	r.drop()
	closed, err := parseResult(js)
	if err != nil {
		return closed, err
	}
	closed = withoutUnknown(closed, r.grammar != "")
	if openJS == "" {
		return closed, nil
	}
	open, err := parseResult(openJS)
	if err != nil {
		return closed, err
	}
	if _, ok := rules.g.Contains(strings.Fields(open.Text), rules.cmds); ok || closed.Text == "" && !closed.Rejected {
		return open, nil
	}
	return closed, nil
}

// withoutUnknown drops the "[unk]" words of res, which under a grammar
// stand for speech outside it: a result with one is Rejected, its Text
// and Words what is left of the grammar's sentence.
func withoutUnknown(res pipeline.Result, grammar bool) pipeline.Result {
	words := strings.Fields(res.Text)
	if !slices.Contains(words, unknownWord) {
		return res
	}
	res.Text = strings.Join(slices.DeleteFunc(words, func(w string) bool { return w == unknownWord }), " ")
	res.Words = slices.DeleteFunc(res.Words, func(w pipeline.Word) bool { return w.Word == unknownWord })
	res.Rejected = grammar
	return res
}

// parseResult decodes libvosk's result JSON, e.g.
// {"result":[{"conf":1.0,"end":0.9,"start":0.3,"word":"zero"}],"text":"zero"}.
func parseResult(js string) (pipeline.Result, error) {
	var v struct {
		Text   string          `json:"text"`
		Result []pipeline.Word `json:"result"`
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return pipeline.Result{}, fmt.Errorf("vosk: cannot parse libvosk result %q: %w", js, err)
	}
	return pipeline.Result{Text: v.Text, Words: v.Result}, nil
}

// Reset drops the current utterance.
func (r *Recognizer) Reset() error {
	if r.closed {
		return errClosed
	}
	if r.inUtterance {
		r.inUtterance = false
		r.drop()
	}
	return nil
}

// SetGrammar restricts decoding to what g can match from the next
// utterance on (at once if no audio of the current one was accepted); nil
// or a grammar without commands goes back to open decoding. g is expanded
// to a phrase list, each command within CommandPhraseLimit phrases and all
// within PhraseLimit; commands with open slots or past the bound are logged
// and left to the open pass (see SetOpenPass). Spoken numbers expand over
// pattern.DefaultNumberPhrases, or a parameter's own range. Phrases with
// words the model does not know are dropped and logged. A model without a
// runtime graph cannot restrict: it keeps decoding openly and SetGrammar
// returns pipeline.ErrGrammarUnsupported (logged once per model). A
// grammar libvosk refuses fails the call that builds it, the grammar
// before it staying: SetGrammar between utterances; set during one, the
// next utterance's first Accept, which then feeds nothing.
func (r *Recognizer) SetGrammar(g *grammar.Grammar) error {
	if r.closed {
		return errClosed
	}
	var open *openRules
	var phrases []string
	if g != nil && len(g.Commands) > 0 {
		if err := g.Check(); err != nil {
			return err
		}
		pl := g.PhraseList(CommandPhraseLimit, PhraseLimit)
		if len(pl.TooBig) > 0 {
			r.model.log.Warn("vosk: commands with more phrases than the grammar's bound are decoded openly", "commands", pl.TooBig, "bound", CommandPhraseLimit)
		}
		if len(pl.Open) > 0 {
			open = &openRules{g: g}
			for _, c := range g.Commands {
				if slices.Contains(pl.Open, c.Name) {
					open.cmds = append(open.cmds, c)
				}
			}
			if r.noOpenPass {
				r.model.log.Warn("vosk: commands left to open decoding cannot be heard (open pass off)", "commands", pl.Open)
			}
		}
		phrases = pl.Phrases
		if len(phrases) == 0 && len(pl.Open) == 0 {
			return errors.New("vosk: grammar has no commands")
		}
	}
	grammar, err := r.grammarJSON(phrases)
	if err != nil {
		return err
	}
	previous, previousOpen := r.nextGrammar, r.nextOpen
	r.nextGrammar, r.nextOpen = grammar, open
	if r.inUtterance {
		return nil
	}
	// Between utterances, build it now so a grammar libvosk rejects is
	// reported here rather than by the next Accept.
	if err := r.prepare(); err != nil {
		r.nextGrammar, r.nextOpen = previous, previousOpen
		return err
	}
	return nil
}

// grammarJSON builds libvosk's JSON phrase list, "" for open decoding.
func (r *Recognizer) grammarJSON(phrases []string) (string, error) {
	var normalised []string
	for _, p := range phrases {
		p = strings.Join(strings.Fields(p), " ")
		if p != "" && p != unknownWord && !slices.Contains(normalised, p) {
			normalised = append(normalised, p)
		}
	}
	if len(normalised) == 0 {
		return "", nil
	}
	if !r.model.grammarGraph {
		r.model.grammarWarning.Do(func() {
			r.model.log.Warn("vosk: model has no runtime graph (graph/HCLr.fst + graph/Gr.fst); grammars are ignored, decoding stays open", "model", r.model.dir)
		})
		return "", pipeline.ErrGrammarUnsupported
	}
	var list, dropped []string
	for _, p := range normalised {
		known := true
		for _, w := range strings.Fields(p) {
			ok, err := r.model.knows(w)
			if err != nil {
				return "", err
			}
			known = known && ok
		}
		if known {
			list = append(list, p)
		} else {
			dropped = append(dropped, p)
		}
	}
	if len(list) == 0 {
		return "", fmt.Errorf("vosk: no grammar phrase is in the vocabulary of model %s: %q", r.model.dir, dropped)
	}
	if len(dropped) > 0 {
		r.model.log.Warn("vosk: grammar phrases with words outside the model's vocabulary dropped", "model", r.model.dir, "phrases", dropped)
	}
	if ok, err := r.model.knows(unknownWord); err != nil {
		return "", err
	} else if ok {
		list = append(list, unknownWord)
	}
	js, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("vosk: grammar: %w", err)
	}
	return string(js), nil
}

// Close frees the recogniser; later calls return an error.
func (r *Recognizer) Close() error {
	r.closed = true
	r.drop()
	return nil
}
