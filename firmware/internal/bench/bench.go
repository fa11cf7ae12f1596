package bench

import (
	"context"
	"errors"
	"fmt"
	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/demo"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// Options configure Bench.
type Options struct {
	// Runs is the number of measured push-to-talk turns per engine, after
	// one unmeasured warm-up turn.
	Runs int
	// Engines to measure: "vosk" (the generated test model over tones, and
	// the first of VoskModels present over espeak-ng speech) and
	// "pocketsphinx" (over espeak-ng speech).
	Engines []string
	// WAVDir caches the spoken utterances, generated with espeak-ng.
	WAVDir     string
	VoskModels []string
	// Logger receives Hark's log, with its telemetry line per utterance;
	// nil discards it.
	Logger *slog.Logger
}

// Result is one engine's figures. Latencies are over the turns whose
// expected command ran.
type Result struct {
	Engine  string // engine/model
	Skipped string // why it was not measured; the figures are then zero
	Runs    int
	Matched int // turns whose expected command started
	// ToCommand is from the button's release to the command's handler
	// starting; ToResponse to its answer reaching the speaker.
	ToCommand, ToResponse Quantiles
	// RTF is the recognizer's busy time (Accept and Final) over the
	// duration of the audio it was fed.
	RTF float64
}

// Quantiles of a set of latencies.
type Quantiles struct{ P50, P99 time.Duration }

// benchPhrase is an utterance of a bench turn and the command it must run.
type benchPhrase struct {
	pcm     []byte
	command string
}

// Run runs Hark's whole path — simulated push-to-talk over recorded or
// generated audio, the recognizer's final decode, matching, dispatch on
// the scheduler, the command and its answer — opts.Runs times per engine,
// with a speaker that says nothing, and measures each turn from the
// button's release. An engine that cannot run here (no model, not built
// in) gets a Skipped result saying why.
func Run(ctx context.Context, opts Options) ([]Result, error) {
	if opts.Runs < 1 {
		return nil, fmt.Errorf("bench: %d runs; want at least 1", opts.Runs)
	}
	for _, e := range opts.Engines {
		if e != "vosk" && e != "pocketsphinx" {
			return nil, fmt.Errorf("bench: unknown engine %q (want vosk or pocketsphinx)", e)
		}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var results []Result
	for _, e := range opts.Engines {
		var rs []Result
		var err error
		if e == "vosk" {
			rs, err = benchVosk(ctx, opts, log)
		} else {
			rs, err = benchPocketsphinx(ctx, opts, log)
		}
		if err != nil {
			return nil, err
		}
		results = append(results, rs...)
	}
	return results, nil
}

// benchVosk measures the generated test model and, if present, a real one.
func benchVosk(ctx context.Context, opts Options, log *slog.Logger) ([]Result, error) {
	if !firmware.VoskBuilt {
		return []Result{{Engine: "vosk", Skipped: "this hark was built without Vosk (tag novosk)"}}, nil
	}
	dir, err := os.MkdirTemp("", "hark-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true}); err != nil {
		return nil, err
	}
	cfg := config.Default()
	cfg.Recognizer = config.RecognizerConfig{Engine: "vosk", Model: dir, Grammar: true}
	// The built-ins' words are not in the test model's five-word vocabulary.
	cfg.Builtins.Disable = assistant.BuiltinNames()
	var phrases []benchPhrase
	for _, words := range [][]string{{"one", "on"}, {"two", "off"}, {"zero"}, {"one", "off"}, {"two", "on"}} {
		command := "switch"
		if words[0] == "zero" {
			command = "reset"
		}
		phrases = append(phrases, benchPhrase{pcm: testmodel.Utterance(words...), command: command})
	}
	cmds := []commands.Command{
		{Name: "switch", Pattern: "(one|two) (on|off)"},
		{Name: "reset", Pattern: "zero", Kind: commands.Async},
	}
	tones, err := benchEngine(ctx, "vosk/testmodel (tones)", &cfg, cmds, phrases, opts.Runs, log)
	if err != nil {
		return nil, err
	}
	real := Result{Engine: "vosk/real model (speech)"}
	model := demo.FindVoskModel(opts.VoskModels)
	if model == "" {
		real.Skipped = fmt.Sprintf("no Vosk model in %s (`make model` fetches one)", strings.Join(opts.VoskModels, ", "))
		return []Result{tones, real}, nil
	}
	cfg = config.Default()
	cfg.Recognizer = config.RecognizerConfig{Engine: "vosk", Model: model, Grammar: true}
	if real, err = benchSpeech(ctx, "vosk/"+filepath.Base(model)+" (speech)", &cfg, opts, log); err != nil {
		return nil, err
	}
	return []Result{tones, real}, nil
}

func benchPocketsphinx(ctx context.Context, opts Options, log *slog.Logger) ([]Result, error) {
	const name = "pocketsphinx/en-us (speech)"
	if !firmware.PocketsphinxBuilt {
		return []Result{{Engine: name, Skipped: "this hark was built without PocketSphinx (build without the tag nopocketsphinx, as `make build` does)"}}, nil
	}
	cfg := config.Default()
	cfg.Recognizer = config.RecognizerConfig{Engine: "pocketsphinx", Grammar: true}
	r, err := benchSpeech(ctx, name, &cfg, opts, log)
	if err != nil {
		return nil, err
	}
	return []Result{r}, nil
}

// benchSpeech measures cfg's recognizer over espeak-ng speech, beside the
// built-ins.
func benchSpeech(ctx context.Context, name string, cfg *config.Config, opts Options, log *slog.Logger) (Result, error) {
	cmds := []commands.Command{
		{Name: "light", Pattern: "turn (on|off) the light"},
		{Name: "door", Pattern: "(open|close) the door", Kind: commands.Async},
	}
	var phrases []benchPhrase
	for _, p := range []struct{ text, command string }{
		{"turn on the light", "light"}, {"open the door", "door"}, {"turn off the light", "light"}, {"close the door", "door"},
	} {
		pcm, err := demo.SpokenWAV(ctx, opts.WAVDir, p.text)
		if err != nil {
			return Result{}, err
		}
		phrases = append(phrases, benchPhrase{pcm: pcm, command: p.command})
	}
	return benchEngine(ctx, name, cfg, cmds, phrases, opts.Runs, log)
}

// benchEngine runs Hark with cfg's recognizer and cmds (whose handlers it
// sets) over phrases in turn, runs times after a warm-up turn.
func benchEngine(ctx context.Context, name string, cfg *config.Config, cmds []commands.Command, phrases []benchPhrase, runs int, log *slog.Logger) (Result, error) {
	rec, err := firmware.OpenRecognizer(cfg.Recognizer, log)
	if err != nil {
		return Result{}, fmt.Errorf("bench %s: %w", name, err)
	}
	defer rec.Close()
	timed := &timedRecognizer{Recognizer: rec}
	probe := &benchProbe{}
	for i := range cmds {
		cmds[i].Handler = probe.handler(cmds[i].Name)
	}

	h, err := firmware.StartScripted(ctx, cfg, timed, probe, probe, assistant.Options{Commands: cmds, Logger: log})
	if err != nil {
		return Result{}, err
	}
	rig := benchRig{Scripted: h, probe: probe, timed: timed}
	res, err := rig.turns(ctx, phrases, runs)
	res.Engine = name
	// The recognizer is closed (deferred above) only once nothing uses it.
	if err = errors.Join(err, h.Stop()); err != nil {
		return Result{}, err
	}
	return res, nil
}

// benchRig is a running Hark's simulated button and microphone, and what
// watches it.
type benchRig struct {
	*firmware.Scripted
	probe *benchProbe
	timed *timedRecognizer
}

// turns says phrases in turn, runs times after a warm-up turn, timing each
// turn from the button's release.
func (r *benchRig) turns(ctx context.Context, phrases []benchPhrase, runs int) (Result, error) {
	res := Result{Runs: runs}
	var toCommand, toResponse []time.Duration
	for i := range runs + 1 {
		p := phrases[i%len(phrases)]
		if err := r.Play(ctx, p.pcm); err != nil {
			return res, err
		}
		released := time.Now()
		r.Release()
		if err := r.WaitForRest(ctx); err != nil {
			return res, err
		}
		command, started, said := r.probe.take()
		if i == 0 { // the warm-up
			r.timed.reset()
			continue
		}
		if command == p.command && !said.IsZero() {
			res.Matched++
			toCommand = append(toCommand, started.Sub(released))
			toResponse = append(toResponse, said.Sub(released))
		}
	}
	res.ToCommand, res.ToResponse, res.RTF = quantiles(toCommand), quantiles(toResponse), r.timed.rtf()
	return res, nil
}

// quantiles by the nearest-rank method; zero for no samples.
func quantiles(ds []time.Duration) Quantiles {
	if len(ds) == 0 {
		return Quantiles{}
	}
	ds = slices.Sorted(slices.Values(ds))
	rank := func(p float64) time.Duration { return ds[int(math.Ceil(p*float64(len(ds))))-1] }
	return Quantiles{P50: rank(0.50), P99: rank(0.99)}
}

// WriteTable prints results as a table, one row per engine, and why
// each skipped engine was skipped below it.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "engine\tutterances\tmatched\trelease→command p50\tp99\trelease→response p50\tp99\tRTF")
	var notes []string
	for _, r := range results {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped\t-\t-\t-\t-\t-\t-\n", r.Engine)
			notes = append(notes, fmt.Sprintf("%s skipped: %s\n", r.Engine, r.Skipped))
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%s\t%s\t%s\t%s\t%.3f\n", r.Engine, r.Runs, r.Matched, r.Runs,
			benchMS(r.Matched, r.ToCommand.P50), benchMS(r.Matched, r.ToCommand.P99),
			benchMS(r.Matched, r.ToResponse.P50), benchMS(r.Matched, r.ToResponse.P99), r.RTF)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, strings.Join(notes, ""))
	return err
}

func benchMS(matched int, d time.Duration) string {
	if matched == 0 {
		return "-"
	}
	return ms(d) + " ms"
}

// benchProbe is the loudspeaker (saying nothing) and the LED (showing
// nothing) of a bench, and notes when a turn's command started and its
// first answer reached the speaker.
type benchProbe struct {
	mu      sync.Mutex
	command string
	started time.Time
	said    time.Time
}

// handler is a command that notes it started and answers at once.
func (p *benchProbe) handler(name string) commands.Handler {
	return func(req *commands.Request) (commands.Response, error) {
		now := time.Now()
		p.mu.Lock()
		if p.started.IsZero() {
			p.command, p.started = name, now
		}
		p.mu.Unlock()
		return commands.Response{Text: "OK, " + req.Text + "."}, nil
	}
}

func (p *benchProbe) Say(context.Context, string) error {
	now := time.Now()
	p.mu.Lock()
	if p.said.IsZero() {
		p.said = now
	}
	p.mu.Unlock()
	return nil
}

// take returns what the last turn did and forgets it.
func (p *benchProbe) take() (command string, started, said time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	command, started, said = p.command, p.started, p.said
	p.command, p.started, p.said = "", time.Time{}, time.Time{}
	return command, started, said
}

func (p *benchProbe) Show(assistant.State)        {}
func (p *benchProbe) Blocked(scheduler.BlockInfo) {}
func (p *benchProbe) Recovered(time.Duration)     {}

// timedRecognizer adds up the time the engine spends decoding and the
// audio it is fed, for the real-time factor.
type timedRecognizer struct {
	pipeline.Recognizer
	mu   sync.Mutex
	busy time.Duration
	fed  int // bytes of audio
}

func (r *timedRecognizer) Accept(pcm []byte) (bool, error) {
	start := time.Now()
	endpoint, err := r.Recognizer.Accept(pcm)
	r.add(time.Since(start), len(pcm))
	return endpoint, err
}

func (r *timedRecognizer) Final() (pipeline.Result, error) {
	start := time.Now()
	res, err := r.Recognizer.Final()
	r.add(time.Since(start), 0)
	return res, err
}

func (r *timedRecognizer) add(d time.Duration, bytes int) {
	r.mu.Lock()
	r.busy += d
	r.fed += bytes
	r.mu.Unlock()
}

func (r *timedRecognizer) reset() {
	r.mu.Lock()
	r.busy, r.fed = 0, 0
	r.mu.Unlock()
}

func (r *timedRecognizer) rtf() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fed == 0 {
		return 0
	}
	audio := time.Duration(r.fed) * time.Second / (2 * pipeline.SampleRate)
	return float64(r.busy) / float64(audio)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
