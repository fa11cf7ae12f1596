//go:build !nopocketsphinx

package pocketsphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdint.h>
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <sphinxbase/feat.h>

void harkPocketsphinxSetLog(void);
uintptr_t harkPocketsphinxSwapLogTarget(uintptr_t target);
int harkCMNLen(ps_decoder_t *ps);
void harkCMNSave(ps_decoder_t *ps, mfcc_t *buf, int32 *nframe);
void harkCMNRestore(ps_decoder_t *ps, const mfcc_t *buf, int32 nframe);
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"runtime/cgo"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Config configures a Recognizer.
type Config struct {
	// Model names the model files; the zero Model means FindModel(DefaultModelDir).
	Model Model
	// Options are extra decoder arguments as pocketsphinx_continuous takes
	// them, e.g. {"-remove_noise": "no"}; they override tunedOptions.
	Options map[string]string
	// LeadingPad and TrailingPad are silence fed before the first and after
	// the last sample of each utterance. Push-to-talk cuts audio tight
	// around the speech; the decoder's silence model and its endpointing
	// need a little room on each side. Zero means DefaultPad, negative none.
	LeadingPad, TrailingPad time.Duration
	// Logger receives the warnings and errors of this recognizer and of the
	// library while it works for it; nil discards them.
	Logger *slog.Logger
	// OpenSlots says how commands with open slots (*, **, String, a Word
	// without a list) are heard when the grammar also has closed commands.
	// OpenSecondPass (the default) puts them in the grammar, each open
	// slot a loop of a few frequent words (see StructuredJSGF); when the
	// grammar hears one, the audio of each open slot is decoded a second
	// time with the language model, whose words take the slot's place.
	// Closed commands cost nothing more.
	// OpenOff leaves open commands out (a Pi Zero's CPU, or to rule out
	// their being heard for closed ones): they cannot be heard.
	OpenSlots OpenMode
	// GrammarOptions are numeric decoder settings (e.g. "-lw", "-wip",
	// "-pip", "-silprob") for the grammar's search only, the open pass
	// keeping Options; they override tunedGrammarOptions.
	GrammarOptions map[string]float64
	// RejectThreshold: under a grammar, each utterance is also decoded
	// with a free phone loop (the acoustic model's best account of the
	// sound, bound by no words), and the utterance is Rejected when, over
	// the frames either path spends in speech (not silence or fillers),
	// the grammar's path has more than this many times the phone loop's
	// acoustic score (log-likelihoods, so both negative: a ratio above 1
	// means the grammar's words fit worse; see rejectPass). Zero means
	// DefaultRejectThreshold; negative turns rejection off, and with it the
	// phone loop's decoding.
	RejectThreshold float64
}

// DefaultRejectThreshold is Config.RejectThreshold's default, a ratio of
// the grammar's acoustic score to the phone loop's over the speech frames.
// It was tuned on the espeak-ng (en-us) and flite slt utterances of
// BenchmarkRejection, flite awb, rms and kal16 and festival's HTS voice
// held out: every threshold from 2.31 to 2.36 gives the least worst case
// over the two (9.5 %, espeak-ng's false rejects, 4.8 points of them
// misheard with or without rejection), and 2.33 is the middle of that
// window; the nearest espeak-ng utterances on either side scored 2.30 (in
// the grammar) and 2.37 (out of it). A ratio rather than a difference
// per frame (this threshold's first form), because how well the model fits
// a voice at all scales both scores: espeak-ng's in-grammar commands
// scored up to 23 per frame below the phone loop, the other voices'
// out-of-grammar sentences from 9, and no difference served all voices
// (the best worst case over the six was 14.3 %, also when counting speech
// frames only, against 9.5 % for this ratio). Counting speech frames only
// keeps the leading and trailing silence, which differs between voices
// and which both paths explain alike, out of the ratio: over all frames
// its best worst case was 11.9 %. The measure was chosen seeing all six
// voices; only its threshold was tuned on two.
const DefaultRejectThreshold = 2.33

// freeSearch is the name of the phone-loop search of rejection.
const freeSearch = "hark-free"

// OpenMode is Config.OpenSlots.
type OpenMode int

const (
	OpenSecondPass OpenMode = iota
	OpenOff
)

// DefaultPad is the silence added on each side of an utterance when Config
// leaves LeadingPad and TrailingPad zero.
// Measured on 35 espeak-ng commands (5 voices and rates): 0–100 ms gives
// 35/35, 200 ms 34/35, 500 ms 33/35.
const DefaultPad = 100 * time.Millisecond

// tunedOptions are Hark's decoder settings for every search; none yet
// (-fsgusefiller no lost 6 of 35 espeak-ng commands).
var tunedOptions = map[string]string{}

// tunedGrammarOptions are Hark's settings for the grammar's search alone,
// the language model's (open decoding, an open slot's words) keeping the
// library's. Wider beams: on 35 espeak-ng commands, each the first
// utterance of a fresh decoder and decoded once (see decodeAgain), 34/35
// against the library defaults' 33/35 at no measurable cost; an adapted
// decoder got 35/35 either way. Given to the language model too they
// changed nothing on BenchmarkSpokenAccuracy but its time (117 against 87
// ms an utterance on average, all of it the 3 open slots' decoding). A
// language weight of 2 instead of the library's 6.5 lets the acoustics
// outweigh the grammar's branch probabilities (1/20 per number word, 1/12
// per command). On the 51 utterances of BenchmarkSpokenAccuracy (17
// commands, 3 espeak-ng voices and rates): -lw 6.5 (default) 40/51, 4
// 42/51, 2 43/51, 1 43/51; set for both searches, -lw 2 also slowed the
// language model 3.4 times.
var tunedGrammarOptions = map[string]float64{"-lw": 2, "-beam": 1e-60, "-pbeam": 1e-60, "-wbeam": 1e-40}

// Recognizer is a pipeline.Recognizer backed by a PocketSphinx decoder.
type Recognizer struct {
	ps            *C.ps_decoder_t
	log           *slog.Logger
	logTarget     cgo.Handle // of log, for the library's log hook; 0 once closed
	defaultSearch string
	frameRate     float64
	leadingPad    []int16
	trailingPad   []int16

	started     bool // ps_start_utt was called for the current utterance
	inSpeech    bool // the decoder heard speech in the current utterance
	endpoint    bool // speech was followed by silence
	carry       []byte
	samples     []int16
	pending     *search // to switch to at the next utterance; nil if none
	current     search  // in force
	openPass    bool    // decode each utterance openly too (Config.OpenSlots)
	grammarOpts map[string]float64
	utt         []int16      // the current utterance's audio, kept for the open pass and rejection
	reject      float64      // Config.RejectThreshold; <= 0: off
	lastRatio   float64      // of the last utterance decoded under a grammar (see rejectPass)
	lastSegs    [2][]segment // the grammar's and the phone loop's segments of it (for tests)

	// warm is set once cepstral mean normalisation has adapted to the
	// microphone; until then the utterance is kept in first to decode again.
	warm  bool
	first []int16
}

var _ pipeline.Recognizer = (*Recognizer)(nil)

// setLogOnce installs the library's log hook. The hook is process-wide (the
// library keeps one callback for all decoders), which is the one piece of
// global state this package has: installed once, it holds nothing. Which
// logger a message goes to is decided per call: the library logs
// synchronously on the calling thread, so every call into it runs under
// logRoute, which names the caller's logger in a thread-local variable of
// the C shim (log.c) for exactly that call. Recognizers on other goroutines,
// and tests, never see each other's messages, and nothing outlives a call.
var setLogOnce sync.Once

// logRoute sends what the library logs on this goroutine to the logger of
// target until the returned function is called; use it as
// defer logRoute(target)(). The goroutine stays on its thread meanwhile, as
// the target is the thread's. Routes nest: the inner one restores the outer.
func logRoute(target cgo.Handle) (restore func()) {
	runtime.LockOSThread()
	prev := C.harkPocketsphinxSwapLogTarget(C.uintptr_t(target))
	return func() {
		C.harkPocketsphinxSwapLogTarget(prev)
		runtime.UnlockOSThread()
	}
}

// New loads the model and returns a Recognizer decoding openly with the
// model's language model. Errors name the missing or unreadable file.
func New(cfg Config) (*Recognizer, error) {
	m := cfg.Model
	if m == (Model{}) {
		var err error
		if m, err = FindModel(DefaultModelDir); err != nil {
			return nil, err
		}
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	setLogOnce.Do(func() { C.harkPocketsphinxSetLog() })
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	target := cgo.NewHandle(log)
	defer logRoute(target)()
	ok := false
	defer func() {
		if !ok {
			target.Delete()
		}
	}()

	args := map[string]string{
		"-hmm":  m.Acoustic,
		"-dict": m.Dictionary,
		"-lm":   m.LanguageModel,
	}
	for k, v := range tunedOptions {
		args[k] = v
	}
	if cfg.RejectThreshold >= 0 {
		// The phone loop of rejection over context-independent phones:
		// with triphones it took 100 times the grammar's decoding time.
		args["-allphone_ci"] = "yes"
	}
	for k, v := range cfg.Options {
		args[k] = v
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	argv := make([]*C.char, 0, 2*len(args))
	for _, k := range keys {
		argv = append(argv, C.CString(k), C.CString(args[k]))
	}
	defer func() {
		for _, a := range argv {
			C.free(unsafe.Pointer(a))
		}
	}()
	conf := C.cmd_ln_parse_r(nil, C.ps_args(), C.int32(len(argv)), &argv[0], C.TRUE)
	if conf == nil {
		return nil, fmt.Errorf("pocketsphinx: bad decoder options %v", cfg.Options)
	}
	for k := range cfg.GrammarOptions {
		ck := C.CString(k)
		known := C.cmd_ln_exists_r(conf, ck) != 0
		C.free(unsafe.Pointer(ck))
		if !known {
			C.cmd_ln_free_r(conf)
			return nil, fmt.Errorf("pocketsphinx: unknown grammar option %q", k)
		}
	}
	ps := C.ps_init(conf)
	C.cmd_ln_free_r(conf) // ps_init retains what it keeps
	if ps == nil {
		return nil, fmt.Errorf("pocketsphinx: loading model %s (dictionary %s, language model %s) failed", m.Acoustic, m.Dictionary, m.LanguageModel)
	}
	grammarOpts := map[string]float64{}
	for k, v := range tunedGrammarOptions {
		grammarOpts[k] = v
	}
	for k, v := range cfg.GrammarOptions {
		grammarOpts[k] = v
	}
	reject := cfg.RejectThreshold
	if reject == 0 {
		reject = DefaultRejectThreshold
	}
	if reject > 0 {
		// Without a phone language model the library warns that it
		// "failed to load" one (none was named): that warning is dropped.
		quiet := cgo.NewHandle(slog.New(slog.DiscardHandler))
		restore := logRoute(quiet)
		name := C.CString(freeSearch)
		rc := C.ps_set_allphone_file(ps, name, nil)
		C.free(unsafe.Pointer(name))
		restore()
		quiet.Delete()
		if rc < 0 {
			C.ps_free(ps)
			return nil, errors.New("pocketsphinx: cannot set up the phone loop for rejection")
		}
	}
	lead, trail := padding(cfg.LeadingPad), padding(cfg.TrailingPad)
	ok = true
	return &Recognizer{
		ps:            ps,
		log:           log,
		logTarget:     target,
		defaultSearch: C.GoString(C.ps_get_search(ps)),
		frameRate:     float64(C.cmd_ln_int_r(C.ps_get_config(ps), cFrate)),
		leadingPad:    silence(lead),
		trailingPad:   silence(trail),
		openPass:      cfg.OpenSlots == OpenSecondPass,
		grammarOpts:   grammarOpts,
		reject:        max(reject, 0),
	}, nil
}

func padding(d time.Duration) time.Duration {
	if d == 0 {
		return DefaultPad
	}
	return max(d, 0)
}

var cFrate = C.CString("-frate") // lives as long as the process, like the library

// silence is d of near-silence: a deterministic ±1 LSB dither, because
// exact zeros give log(0) energies that upset the front end.
func silence(d time.Duration) []int16 {
	n := int(d.Seconds() * pipeline.SampleRate)
	s := make([]int16, n)
	x := uint32(1)
	for i := range s {
		x = x*1664525 + 1013904223
		s[i] = int16(x>>31)*2 - 1
	}
	return s
}

//export goPocketsphinxLog
func goPocketsphinxLog(target C.uintptr_t, level C.int, msg *C.char) {
	log := cgo.Handle(target).Value().(*slog.Logger)
	text := strings.TrimSpace(C.GoString(msg))
	if level >= C.ERR_ERROR {
		log.Error("pocketsphinx: " + text)
		return
	}
	log.Warn("pocketsphinx: " + text)
}

func (r *Recognizer) start() error {
	if r.started {
		return nil
	}
	if g := r.pending; g != nil {
		// Dropped even if refused: kept, it would fail every utterance.
		r.pending = nil
		if err := r.applyGrammar(*g); err != nil {
			return err
		}
	}
	if err := r.startUtt(); err != nil {
		return err
	}
	r.started, r.inSpeech, r.endpoint = true, false, false
	return r.process(r.leadingPad)
}

// startUtt starts an utterance with frame numbers counted from it: without
// a new stream they run on from the previous utterances.
func (r *Recognizer) startUtt() error {
	if C.ps_start_stream(r.ps) < 0 || C.ps_start_utt(r.ps) < 0 {
		return errors.New("pocketsphinx: cannot start utterance")
	}
	return nil
}

func (r *Recognizer) process(s []int16) error {
	if len(s) == 0 {
		return nil
	}
	if C.ps_process_raw(r.ps, (*C.int16)(unsafe.Pointer(&s[0])), C.size_t(len(s)), C.FALSE, C.FALSE) < 0 {
		return errors.New("pocketsphinx: decoding failed")
	}
	speech := C.ps_get_in_speech(r.ps) != 0
	if speech {
		r.inSpeech = true
	} else if r.inSpeech && !r.endpoint {
		// The detector calls the first second "speech" while it learns the
		// noise floor, so silence after it counts only once a word was heard.
		r.endpoint = r.Partial() != ""
		r.inSpeech = false
	}
	return nil
}

// Accept feeds 16 kHz mono S16LE audio. The endpoint is the decoder's
// voice activity detector going quiet after speech in which the decoder
// heard at least one word; it stays reported until the utterance ends.
func (r *Recognizer) Accept(pcm []byte) (bool, error) {
	if r.ps == nil {
		return false, errClosed
	}
	defer logRoute(r.logTarget)()
	if err := r.start(); err != nil {
		return false, err
	}
	if len(r.carry) > 0 {
		pcm = append(r.carry, pcm...)
		r.carry = nil
	}
	if len(pcm)%2 == 1 {
		r.carry = []byte{pcm[len(pcm)-1]}
		pcm = pcm[:len(pcm)-1]
	}
	r.samples = r.samples[:0]
	for i := 0; i < len(pcm); i += 2 {
		r.samples = append(r.samples, int16(binary.LittleEndian.Uint16(pcm[i:])))
	}
	if !r.warm {
		r.first = append(r.first, r.samples...)
	}
	if r.wantsUtt() {
		r.utt = append(r.utt, r.samples...)
	}
	if err := r.process(r.samples); err != nil {
		return false, err
	}
	return r.endpoint, nil
}

var errClosed = errors.New("pocketsphinx: recognizer is closed")

// Partial is the decoder's current best hypothesis.
func (r *Recognizer) Partial() string {
	if r.ps == nil || !r.started {
		return ""
	}
	defer logRoute(r.logTarget)()
	words := strings.Fields(C.GoString(C.ps_get_hyp(r.ps, nil)))
	kept := words[:0]
	for _, w := range words {
		if !isFiller(w) {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// Final ends the utterance and returns its words, fillers and silences left
// out. An utterance with no audio gives an empty Result.
func (r *Recognizer) Final() (pipeline.Result, error) {
	if r.ps == nil {
		return pipeline.Result{}, errClosed
	}
	defer logRoute(r.logTarget)()
	if !r.started {
		return pipeline.Result{}, r.Reset()
	}
	if err := r.process(r.trailingPad); err != nil {
		return pipeline.Result{}, err
	}
	if C.ps_end_utt(r.ps) < 0 {
		return pipeline.Result{}, errors.New("pocketsphinx: cannot end utterance")
	}
	r.started, r.carry = false, nil
	if !r.warm && len(r.first) > 0 {
		if err := r.decodeAgain(); err != nil {
			return pipeline.Result{}, err
		}
	}
	res := pipeline.Result{Words: r.words()}
	if r.rejecting() {
		var err error
		if res.Rejected, err = r.rejectPass(res); err != nil {
			return pipeline.Result{}, err
		}
	}
	if r.wantsOpenPass() && !res.Rejected {
		var err error
		if res, err = r.withOpenPass(res); err != nil {
			return pipeline.Result{}, err
		}
	}
	r.utt = r.utt[:0]
	res.Text = strings.Join(wordsOf(res), " ")
	return res, nil
}

// decodeAgain decodes the first utterance a second time. PocketSphinx 0.8
// normalises the cepstral mean with a fixed initial estimate until the end
// of the first utterance, which is then the one most often misheard (on 35
// espeak-ng commands 30 right against 35 once adapted). Ending it adapted the
// estimate; decoding it again costs the first utterance's decoding time once.
func (r *Recognizer) decodeAgain() error {
	utt := r.first
	r.warm, r.first = true, nil
	return r.decodePadded(utt)
}

func (r *Recognizer) words() []pipeline.Word {
	lmath := C.ps_get_logmath(r.ps)
	lead := float64(len(r.leadingPad)) / pipeline.SampleRate
	var words []pipeline.Word
	for seg := C.ps_seg_iter(r.ps); seg != nil; seg = C.ps_seg_next(seg) {
		w := C.GoString(C.ps_seg_word(seg))
		if isFiller(w) {
			continue
		}
		if i := strings.IndexByte(w, '('); i > 0 {
			w = w[:i] // "the(2)" is the dictionary's second pronunciation of "the"
		}
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		conf := float64(C.logmath_exp(lmath, C.ps_seg_prob(seg, nil, nil, nil)))
		words = append(words, pipeline.Word{
			Word:       w,
			Start:      max(0, float64(sf)/r.frameRate-lead),
			End:        max(0, float64(ef+1)/r.frameRate-lead),
			Confidence: min(1, max(0, conf)),
		})
	}
	return words
}

// isFiller reports decoder tokens that are not words: <s>, </s>, <sil>,
// [NOISE], ++GARBAGE++ and the like, and the (NULL) of a grammar's empty
// transitions (the joins of a phrase sequence).
func isFiller(w string) bool {
	return w == "" || strings.ContainsAny(w[:1], "<[+(")
}

// Reset drops the current utterance.
func (r *Recognizer) Reset() error {
	if r.ps == nil {
		return errClosed
	}
	defer logRoute(r.logTarget)()
	if r.started {
		C.ps_end_utt(r.ps)
		r.started = false
	}
	r.carry, r.first, r.utt = nil, r.first[:0], r.utt[:0]
	return nil
}

// SetGrammar restricts decoding to what gr can match from the next
// utterance on; nil or a grammar without commands goes back to open
// decoding with the language model. gr becomes a structured JSGF (see
// StructuredJSGF), its open commands served by the open pass (see
// Config.OpenSlots). Words are normalised with Words; a part with a word
// missing from the dictionary is dropped with a logged warning. It fails,
// keeping the current search, if nothing is usable or the decoder refuses
// the grammar. Set during an utterance, the grammar is applied when the
// next one starts: if the decoder refuses it then, that first Accept
// returns the error and feeds nothing, and the grammar is dropped, the
// current search staying for the Accepts after.
func (r *Recognizer) SetGrammar(gr *grammar.Grammar) error {
	if r.ps == nil {
		return errClosed
	}
	defer logRoute(r.logTarget)()
	// Built now so the caller hears about an unusable grammar at once.
	var g search
	if gr != nil && !r.openPass {
		closed, open := gr.Split()
		if len(open) > 0 {
			names := make([]string, len(open))
			for i, c := range open {
				names[i] = c.Name
			}
			r.log.Warn("pocketsphinx: commands with open slots cannot be heard (open pass off)", "commands", names)
			gr = &grammar.Grammar{Commands: closed, Rules: gr.UsedRules(closed), Connectors: gr.Connectors}
		}
	}
	if gr != nil && len(gr.Commands) > 0 {
		s, err := StructuredJSGF(gr, lexicon{r.ps})
		if err != nil {
			return err
		}
		for _, d := range s.Dropped {
			r.log.Warn("pocketsphinx: left out of the grammar", "part", d.Phrase, "reason", d.Reason, "commands", d.Commands)
		}
		if len(s.Open) > 0 {
			r.log.Info("pocketsphinx: commands with open slots: their slots' words are decoded openly once the grammar hears one", "commands", s.Open)
		}
		g = search{jsgf: s.JSGF, phrases: len(s.Closed) + len(s.Open), structured: s}
	}
	if r.started {
		r.pending = &g
		return nil
	}
	return r.applyGrammar(g)
}

// search is what SetGrammar set up: a JSGF grammar, or open decoding with
// the language model when jsgf is empty.
type search struct {
	jsgf       string
	openJSGF   string      // of the open commands (Structured.OpenJSGF)
	phrases    int         // commands kept in it
	structured *Structured // what jsgf was built from; nil for open decoding
}

const grammarSearch = "hark"

// applyGrammar switches to g. If the decoder refuses it, the search in
// force stays.
func (r *Recognizer) applyGrammar(g search) error {
	prev := r.current
	if g.jsgf == "" {
		return r.use(r.defaultSearch, g)
	}
	// Leave the grammar search before replacing it.
	if err := r.use(r.defaultSearch, search{}); err != nil {
		return err
	}
	name, text := C.CString(grammarSearch), C.CString(g.jsgf)
	defer C.free(unsafe.Pointer(name))
	defer C.free(unsafe.Pointer(text))
	// The grammar's search reads its weights and beams from the decoder's
	// configuration when it is made; the language model's search read
	// them in New. Grammar options are set for that moment only.
	conf := C.ps_get_config(r.ps)
	for k, v := range r.grammarOpts {
		ck := C.CString(k)
		old := C.cmd_ln_float_r(conf, ck)
		C.cmd_ln_set_float_r(conf, ck, C.double(v))
		defer func() {
			C.cmd_ln_set_float_r(conf, ck, old)
			C.free(unsafe.Pointer(ck))
		}()
	}
	if C.ps_set_jsgf_string(r.ps, name, text) < 0 {
		err := fmt.Errorf("pocketsphinx: grammar of %d phrases rejected by the decoder", g.phrases)
		if prev.jsgf != "" {
			// A refused grammar leaves the decoder's grammar search as it was.
			err = errors.Join(err, r.use(grammarSearch, prev))
		}
		return err
	}
	return r.use(grammarSearch, g)
}

// use switches the decoder to the named search, which serves g.
func (r *Recognizer) use(name string, g search) error {
	if err := r.setSearch(name); err != nil {
		return err
	}
	r.current = g
	return nil
}

// rejecting reports whether the utterance is checked against the phone
// loop: a grammar is in force and rejection is on.
func (r *Recognizer) rejecting() bool { return r.reject > 0 && r.current.jsgf != "" }

// wantsUtt reports whether the utterance's audio is kept for a second pass.
func (r *Recognizer) wantsUtt() bool { return r.wantsOpenPass() || r.rejecting() }

// rejectPass decides whether the utterance just decoded with the grammar
// (heard, its result) was outside it. The decoder's best path through the
// grammar explains the audio with the grammar's words; a free phone loop
// explains it with any sequence of phones, so its acoustic score is about
// the best the model can do, which the grammar's path nears only when its
// words fit the sound. Over the frames either path puts speech in, the
// grammar's acoustic score over the loop's (speechRatio), above r.reject,
// means the grammar's words were forced on speech that is something else.
// An utterance the grammar heard nothing in is rejected if the phone loop
// heard speech in it. An utterance the grammar heard an open command in is
// kept (its open slots are spelled with filler words, which fit no
// speech). The utterance's audio stays in r.utt for the open pass.
func (r *Recognizer) rejectPass(heard pipeline.Result) (bool, error) {
	if s := r.current.structured; s != nil && len(s.Open) > 0 {
		if spans, ok := s.g.OpenSpans(wordsOf(heard)); ok && len(spans) > 0 {
			return false, nil
		}
	}
	gram := r.segments()
	defer r.keepCMN()()
	defer func() { _ = r.setSearch(grammarSearch) }()
	if err := r.decodeWith(freeSearch, r.utt); err != nil {
		return false, err
	}
	free := r.segments()
	r.lastSegs = [2][]segment{gram, free}
	r.lastRatio = 0
	if len(heard.Words) == 0 {
		for _, s := range free {
			if !s.silent() {
				return true, nil
			}
		}
		return false, nil
	}
	r.lastRatio = speechRatio(gram, free)
	return r.lastRatio > r.reject, nil
}

// speechRatio is the acoustic score of the path gram over that of the path
// free, both summed over the frames where either path is in a word or a
// phone other than silence and fillers; 1 if there are none. The library
// gives a score per segment, not per frame: each frame of a segment is
// taken to score the segment's mean.
func speechRatio(gram, free []segment) float64 {
	n := 0
	for _, p := range [][]segment{gram, free} {
		for _, s := range p {
			n = max(n, s.EF+1)
		}
	}
	type frame struct {
		score  [2]float64
		speech bool
	}
	frames := make([]frame, n)
	for i, p := range [][]segment{gram, free} {
		for _, s := range p {
			if s.EF < s.SF || s.SF < 0 || s.Word == "(NULL)" {
				continue // (NULL): a grammar's empty transition, no sound
			}
			mean := float64(s.Ascr) / float64(s.EF-s.SF+1)
			for f := s.SF; f <= s.EF; f++ {
				frames[f].score[i] = mean
				frames[f].speech = frames[f].speech || !s.silent()
			}
		}
	}
	var g, l float64
	for _, f := range frames {
		if f.speech {
			g += f.score[0]
			l += f.score[1]
		}
	}
	switch {
	case l < 0:
		return g / l
	case g < 0:
		return math.Inf(1)
	}
	return 1
}

// segment is one word or phone of a decoded path: frames sf to ef
// included, and its acoustic score.
type segment struct {
	Word   string
	SF, EF int
	Ascr   int32
}

// silent reports a segment of silence or a filler.
func (s segment) silent() bool { return s.Word == "SIL" || isFiller(s.Word) }

// segments are the best path's segments of the utterance last decoded.
func (r *Recognizer) segments() []segment {
	var segs []segment
	for seg := C.ps_seg_iter(r.ps); seg != nil; seg = C.ps_seg_next(seg) {
		var ascr, lscr, lback C.int32
		C.ps_seg_prob(seg, &ascr, &lscr, &lback)
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		segs = append(segs, segment{C.GoString(C.ps_seg_word(seg)), int(sf), int(ef), int32(ascr)})
	}
	return segs
}

// wantsOpenPass reports whether the utterance is also decoded openly: the
// grammar has commands with open slots beside closed ones.
func (r *Recognizer) wantsOpenPass() bool {
	s := r.current.structured
	return r.openPass && s != nil && len(s.Open) > 0 && s.JSGF != ""
}

// withOpenPass transcribes the open slots of what the grammar heard
// (closed, its result): the grammar spells them with filler words, so the
// audio of each is decoded again with the language model and its words
// put in their place. A slot the language model hears nothing in keeps
// its filler words.
func (r *Recognizer) withOpenPass(closed pipeline.Result) (pipeline.Result, error) {
	utt := r.utt
	s := r.current.structured
	spans, ok := s.g.OpenSpans(wordsOf(closed))
	if !ok || len(spans) == 0 {
		return closed, nil
	}
	defer r.keepCMN()()
	defer func() { _ = r.setSearch(grammarSearch) }()
	var words []pipeline.Word
	next := 0
	for _, sp := range spans {
		words = append(words, closed.Words[next:sp[0]]...)
		next = sp[1]
		from := closed.Words[sp[0]].Start
		a := min(len(utt), int(from*pipeline.SampleRate))
		b := min(len(utt), int(closed.Words[sp[1]-1].End*pipeline.SampleRate))
		if a >= b {
			words = append(words, closed.Words[sp[0]:sp[1]]...)
			continue
		}
		if err := r.decodeWith(r.defaultSearch, utt[a:b]); err != nil {
			return closed, err
		}
		heard := r.words()
		if len(heard) == 0 {
			words = append(words, closed.Words[sp[0]:sp[1]]...)
			continue
		}
		for _, w := range heard {
			w.Start += from
			w.End += from
			words = append(words, w)
		}
	}
	words = append(words, closed.Words[next:]...)
	return pipeline.Result{Words: words}, nil
}

// keepCMN saves the decoder's cepstral mean for the returned function to
// restore: decoding a slot's audio again would move it, as a part of the
// utterance counted twice, and that changed how later utterances were
// heard (one of the 48 closed ones of BenchmarkSpokenAccuracy).
func (r *Recognizer) keepCMN() (restore func()) {
	saved := r.cmn()
	return func() { C.harkCMNRestore(r.ps, &saved.buf[0], saved.nframe) }
}

// cmnState is the decoder's live cepstral mean: the mean, the running sum
// and the frame count.
type cmnState struct {
	buf    []C.mfcc_t
	nframe C.int32
}

func (r *Recognizer) cmn() cmnState {
	s := cmnState{buf: make([]C.mfcc_t, 2*int(C.harkCMNLen(r.ps)))}
	C.harkCMNSave(r.ps, &s.buf[0], &s.nframe)
	return s
}

func wordsOf(res pipeline.Result) []string {
	words := make([]string, len(res.Words))
	for i, w := range res.Words {
		words[i] = w.Word
	}
	return words
}

// decodeWith decodes utt, padded, with the named search.
func (r *Recognizer) decodeWith(name string, utt []int16) error {
	if err := r.setSearch(name); err != nil {
		return err
	}
	return r.decodePadded(utt)
}

// decodePadded decodes utt as a whole utterance, with the pads around it,
// in the current search.
func (r *Recognizer) decodePadded(utt []int16) error {
	if err := r.startUtt(); err != nil {
		return err
	}
	for _, s := range [][]int16{r.leadingPad, utt, r.trailingPad} {
		if err := r.process(s); err != nil {
			return err
		}
	}
	if C.ps_end_utt(r.ps) < 0 {
		return errors.New("pocketsphinx: cannot end utterance")
	}
	return nil
}

func (r *Recognizer) setSearch(name string) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.ps_set_search(r.ps, cname) < 0 {
		return fmt.Errorf("pocketsphinx: cannot switch to search %q", name)
	}
	return nil
}

// Close frees the decoder. Later calls fail.
func (r *Recognizer) Close() error {
	if r.ps != nil {
		restore := logRoute(r.logTarget)
		C.ps_free(r.ps)
		restore()
		r.ps = nil
		r.logTarget.Delete() // no call is routed to it any more
		r.logTarget = 0
	}
	return nil
}

// lexicon answers from the decoder's dictionary.
type lexicon struct{ ps *C.ps_decoder_t }

func (l lexicon) Has(word string) bool {
	cw := C.CString(word)
	defer C.free(unsafe.Pointer(cw))
	phones := C.ps_lookup_word(l.ps, cw)
	if phones == nil {
		return false
	}
	C.free(unsafe.Pointer(phones))
	return true
}
