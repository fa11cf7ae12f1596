package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"io"
	"time"

	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// transcript is what `hark transcribe` prints.
type transcript struct {
	Text   string `json:"text"`
	Engine string `json:"engine"`
	// MS is the decoding time in milliseconds, from the first audio fed to
	// the final result; loading the model and the file is not counted.
	MS int64 `json:"ms"`
}

// runTranscribe is `hark transcribe [--engine vosk|pocketsphinx] [--model DIR]
// [--patterns FILE] FILE.wav`: it decodes a WAV file as one utterance, as
// if the button had been held through it, and prints the transcript as JSON.
func runTranscribe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transcribe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hark transcribe [--config FILE] [--engine vosk|pocketsphinx] [--model DIR] [--patterns FILE] FILE.wav\n\n"+
			`Decodes FILE.wav (16-bit PCM, any rate and channel count) and prints {"text":…,"engine":…,"ms":…}.`+"\n"+
			"With patterns or a configuration, decoding is restricted to what the commands can match (with --config: its\n"+
			"commands, lists and built-ins, its engine and model unless --engine or --model say otherwise, and its\n"+
			"recognizer.grammar). Exit 2: bad usage, file, configuration or model.")
		fs.PrintDefaults()
	}
	engine := fs.String("engine", "vosk", "recognition `engine`: vosk or pocketsphinx")
	model := fs.String("model", "", "model `DIR` (default: the configuration's for vosk, Debian's en-us for pocketsphinx)")
	var src patternSources
	src.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "hark transcribe: want exactly one FILE.wav")
		fs.Usage()
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "hark transcribe: %v\n", err)
		return exitUsage
	}

	var g *grammar.Grammar
	openPass := config.Default().Recognizer.OpenPass
	if src.given() {
		m, err := src.manager()
		if err != nil {
			return fail(err)
		}
		if src.cfg == nil || src.cfg.Recognizer.Grammar {
			g = m.Grammar(time.Now(), assistant.GrammarLimit).RecognizerGrammar()
		}
		if src.cfg != nil {
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			if !set["engine"] {
				*engine = src.cfg.Recognizer.Engine
			}
			if !set["model"] && *engine == src.cfg.Recognizer.Engine {
				*model = src.cfg.Recognizer.Model
			}
			openPass = src.cfg.Recognizer.OpenPass
		}
	}
	pcm, err := audio.ReadWAV(fs.Arg(0))
	if err != nil {
		return fail(err)
	}
	r, err := openEngine(*engine, *model, openPass)
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	if g != nil {
		switch err := r.SetGrammar(g); {
		case errors.Is(err, pipeline.ErrGrammarUnsupported):
			fmt.Fprintf(stderr, "hark transcribe: warning: %v; decoding openly\n", err)
		case err != nil:
			return fail(err)
		}
	}

	start := time.Now()
	text, err := decode(ctx, r, pcm)
	if err != nil {
		fmt.Fprintf(stderr, "hark transcribe: %s: %v\n", fs.Arg(0), err)
		return exitFailure
	}
	out, err := json.Marshal(transcript{Text: text, Engine: *engine, MS: time.Since(start).Milliseconds()})
	if err != nil {
		fmt.Fprintf(stderr, "hark transcribe: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return exitOK
}

// openEngine loads the named engine with the model in dir (empty: the
// engine's default model) and the open pass on or off, as hark run would.
func openEngine(engine, dir string, openPass bool) (pipeline.Recognizer, error) {
	switch engine {
	case "vosk":
		if dir == "" {
			dir = config.Default().Recognizer.Model
		}
	case "pocketsphinx":
	default:
		return nil, fmt.Errorf("--engine %q: want vosk or pocketsphinx", engine)
	}
	return firmware.OpenRecognizer(config.RecognizerConfig{Engine: engine, Model: dir, OpenPass: openPass}, nil)
}

// chunk is 100 ms of audio, the size live capture delivers.
const chunk = pipeline.SampleRate / 10 * 2

// decode feeds pcm in capture-sized chunks and returns the final text.
func decode(ctx context.Context, r pipeline.Recognizer, pcm []byte) (string, error) {
	for len(pcm) > 0 {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n := min(chunk, len(pcm))
		if _, err := r.Accept(pcm[:n]); err != nil {
			return "", err
		}
		pcm = pcm[n:]
	}
	res, err := r.Final()
	return res.Text, err
}
