package bench

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/internal/demo"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pipelinetest/voices"
)

// NoiseSNR is the signal-to-noise ratio of the accuracy benchmark's noisy
// condition, in dB: white noise this far below the speech's RMS.
const NoiseSNR = 20

// AccuracyVoices are the voices the accuracy benchmark speaks in: three
// espeak-ng voices and rates, Debian's four flite voices and festival's
// HTS voice.
var AccuracyVoices = []voices.Voice{
	voices.ESpeak("-v", "en-us", "-s", "160"), voices.ESpeak("-v", "en-gb", "-s", "140"), voices.ESpeak("-v", "en-us+m3", "-s", "190"),
	voices.Flite("slt"), voices.Flite("awb"), voices.Flite("rms"), voices.Flite("kal16"),
	voices.FestivalHTS(),
}

// accuracyCommands are the commands of the accuracy benchmark beside the
// built-ins, %s standing for each number's type: plain Number in the
// grammar "Number", and the range after it in the grammar "range".
var accuracyCommands = []struct{ name, pattern, rng string }{
	{"light", "turn (on|off) the $where:room light", ""},
	{"volume", "set the volume to $n:%s", "(0..100)"},
	{"dim", "dim the $where:room light to $level:%s percent", "(0..100)"},
	{"heat", "set the temperature to $deg:%s degrees", "(5..30)"},
	{"rewind", "rewind $n:%s seconds", "(1..120)"},
}

// Grammars are the two forms of accuracyCommands measured.
const (
	GrammarNumber = "Number"
	GrammarRange  = "range"
)

// accuracyConfig is the configuration of the accuracy benchmark in the
// grammar form (GrammarNumber or GrammarRange).
func accuracyConfig(form string) string {
	var b strings.Builder
	// The engine is chosen by Accuracy; the configuration gives the commands.
	b.WriteString("recognizer:\n  engine: pocketsphinx\n  model: \"\"\nlists:\n  room: [kitchen, bedroom, hallway, living room, {say: lounge, value: living room}]\ncommands:\n")
	for _, c := range accuracyCommands {
		p := c.pattern
		if c.rng != "" {
			typ := "Number"
			if form == GrammarRange {
				typ += c.rng
			}
			p = fmt.Sprintf(p, typ)
		}
		fmt.Fprintf(&b, "  - name: %s\n    pattern: %q\n    say: OK.\n", c.name, p)
	}
	return b.String()
}

// accuracySentences are what is said and what must be matched, each
// command as its name and its parameters (see render). Every number is a
// whole one inside its command's range, so both grammar forms allow them.
var accuracySentences = []struct{ said, want string }{
	{"what time is it", "time"},
	{"what's the date", "date"},
	{"set a timer for ten minutes", "timer amount=10 unit=1m0s"},
	{"start a timer for forty five seconds", "timer amount=45 unit=1s"},
	{"set a timer for two hours", "timer amount=2 unit=1h0m0s"},
	{"how long is left", "timer_status"},
	{"cancel the timer", "cancel_timer"},
	{"turn on the kitchen light", "light where=kitchen"},
	{"turn off the bedroom light", "light where=bedroom"},
	{"turn on the living room light", "light where=living room"},
	{"turn off the lounge light", "light where=living room"},
	{"set the volume to thirty", "volume n=30"},
	{"set the volume to fifteen", "volume n=15"},
	{"set the volume to eighty five", "volume n=85"},
	{"set the volume to a hundred", "volume n=100"},
	{"set the volume to seven", "volume n=7"},
	{"dim the kitchen light to forty percent", "dim level=40 where=kitchen"},
	{"dim the bedroom light to ninety percent", "dim level=90 where=bedroom"},
	{"dim the hallway light to sixty five percent", "dim level=65 where=hallway"},
	{"dim the living room light to twenty percent", "dim level=20 where=living room"},
	{"set the temperature to nineteen degrees", "heat deg=19"},
	{"set the temperature to twenty one degrees", "heat deg=21"},
	{"set the temperature to twelve degrees", "heat deg=12"},
	{"set the temperature to twenty four degrees", "heat deg=24"},
	{"rewind thirteen seconds", "rewind n=13"},
	{"rewind fifty seconds", "rewind n=50"},
	{"rewind a hundred and ten seconds", "rewind n=110"},
	{"rewind eighteen seconds", "rewind n=18"},
	{"turn on the kitchen light and set the volume to twenty", "light where=kitchen; volume n=20"},
	{"set a timer for three minutes and turn off the hallway light", "timer amount=3 unit=1m0s; light where=hallway"},
}

// render writes matches as accuracySentences does: each command's name
// and its parameters in order of name, commands separated by "; ".
func render(ms []commands.Match) string {
	var out []string
	for _, m := range ms {
		s := m.Command
		for _, k := range slices.Sorted(maps.Keys(m.Params)) {
			s += fmt.Sprintf(" %s=%v", k, m.Params[k].Value)
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// Setting is a set of PocketSphinx decoder settings measured against
// Hark's own (the zero Setting), to see whether it helps one voice family
// and hurts another.
type Setting struct {
	Name string // as ParseSetting was given it; "" for Hark's
	// Options, GrammarOptions and RejectThreshold override Hark's, as the
	// fields of pocketsphinx.Config of the same names.
	Options         map[string]string
	GrammarOptions  map[string]float64
	RejectThreshold float64
}

// ParseSetting reads a Setting written as key value pairs: "-key value"
// a decoder option for every search (Options), "g-key value" one for the
// grammar's search alone (GrammarOptions, e.g. "g-lw 6.5", Hark's being
// 2), "reject value" the rejection threshold (-1: off).
func ParseSetting(s string) (Setting, error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f)%2 != 0 {
		return Setting{}, fmt.Errorf("setting %q: want key value pairs", s)
	}
	set := Setting{Name: strings.Join(f, " "), Options: map[string]string{}, GrammarOptions: map[string]float64{}}
	for i := 0; i < len(f); i += 2 {
		k, v := f[i], f[i+1]
		switch g, grammarOnly := strings.CutPrefix(k, "g-"); {
		case k == "reject" || grammarOnly:
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return Setting{}, fmt.Errorf("setting %q: %s: %w", s, k, err)
			}
			if grammarOnly {
				set.GrammarOptions["-"+g] = x
			} else {
				set.RejectThreshold = x
			}
		case strings.HasPrefix(k, "-"):
			set.Options[k] = v
		default:
			return Setting{}, fmt.Errorf("setting %q: key %q: want -key, g-key or reject", s, k)
		}
	}
	return set, nil
}

// AccuracyOptions configure Accuracy.
type AccuracyOptions struct {
	// Engines: "pocketsphinx" (Debian's en-us model) and "vosk" (the
	// first of VoskModels present: a real speech model; Vosk's generated
	// test model hears tones, not speech).
	Engines    []string
	VoskModels []string
	// Voices speak the sentences; nil means AccuracyVoices.
	Voices []voices.Voice
	// WAVDir keeps the spoken sentences.
	WAVDir string
	// Settings are measured beside Hark's own with PocketSphinx, on the
	// grammar GrammarNumber.
	Settings []Setting
	// Misses, when set, is told each sentence not understood.
	Misses func(string)
	// sentences, when above zero, says only the first this many of
	// accuracySentences (for tests).
	sentences int
}

// Score is how many of Total utterances were understood: Right gave the
// commands and parameters said; Rejected were rejected as outside the
// grammar (which Hark answers as not understood).
type Score struct{ Right, Rejected, Total int }

// Add adds s and t.
func (s Score) Add(t Score) Score {
	return Score{s.Right + t.Right, s.Rejected + t.Rejected, s.Total + t.Total}
}

// Pct is the share right, in percent.
func (s Score) Pct() float64 {
	if s.Total == 0 {
		return 0
	}
	return 100 * float64(s.Right) / float64(s.Total)
}

// AccuracyResult is one voice's figures for an engine, setting and grammar.
type AccuracyResult struct {
	Engine  string
	Skipped string // why the engine was not measured; the rest is then zero
	Setting string // Setting.Name: "" for Hark's
	Grammar string // GrammarNumber or GrammarRange
	Voice   string
	Family  string
	// Clean is the speech as synthesised, Noisy with white noise NoiseSNR
	// dB below it.
	Clean, Noisy Score
}

// accuracyPass is a setting and grammar form measured over every voice.
type accuracyPass struct {
	set  Setting
	form string
}

// decoderOpener opens a recognizer for one voice and condition.
type decoderOpener func() (pipeline.Recognizer, error)

// Accuracy says every sentence of the benchmark in each voice, clean and
// with noise, to each engine given the grammar of the built-ins and the
// benchmark's commands, each number a plain Number (GrammarNumber) or its
// range (GrammarRange), and counts the utterances whose commands and
// parameters match what was said. Each voice and condition gets a fresh
// recognizer, so no voice's figures depend on what was decoded before.
// An engine that cannot run here gets one result saying why.
func Accuracy(ctx context.Context, opts AccuracyOptions) ([]AccuracyResult, error) {
	if opts.Voices == nil {
		opts.Voices = AccuracyVoices
	}
	var results []AccuracyResult
	for _, e := range opts.Engines {
		var open func(Setting) decoderOpener
		switch e {
		case "pocketsphinx":
			if !firmware.PocketsphinxBuilt {
				results = append(results, AccuracyResult{Engine: e, Skipped: "this hark was built without PocketSphinx (tag nopocketsphinx)"})
				continue
			}
			open = openPocketsphinx
		case "vosk":
			model := demo.FindVoskModel(opts.VoskModels)
			switch {
			case !firmware.VoskBuilt:
				results = append(results, AccuracyResult{Engine: e, Skipped: "this hark was built without Vosk (tag novosk)"})
				continue
			case model == "":
				results = append(results, AccuracyResult{Engine: e, Skipped: fmt.Sprintf("no Vosk speech model in %s (`make model` fetches one; the generated test model hears tones, not speech)", strings.Join(opts.VoskModels, ", "))})
				continue
			}
			e += "/" + filepath.Base(model)
			open = func(Setting) decoderOpener {
				return func() (pipeline.Recognizer, error) {
					return firmware.OpenRecognizer(config.RecognizerConfig{Engine: "vosk", Model: model, Grammar: true}, slog.New(slog.DiscardHandler))
				}
			}
		default:
			return nil, fmt.Errorf("accuracy: unknown engine %q (want pocketsphinx or vosk)", e)
		}
		runs := []accuracyPass{{Setting{}, GrammarNumber}, {Setting{}, GrammarRange}}
		if e == "pocketsphinx" {
			for _, s := range opts.Settings {
				runs = append(runs, accuracyPass{s, GrammarNumber})
			}
		}
		for _, r := range runs {
			rs, err := accuracyRun(ctx, opts, open(r.set), r.set.Name, r.form)
			if err != nil {
				return nil, fmt.Errorf("accuracy %s %s %s: %w", e, r.set.Name, r.form, err)
			}
			for i := range rs {
				rs[i].Engine, rs[i].Setting = e, r.set.Name
			}
			results = append(results, rs...)
		}
	}
	return results, nil
}

// accuracyRun measures one engine and setting (named setting, for
// opts.Misses) with the grammar form, per voice.
func accuracyRun(ctx context.Context, opts AccuracyOptions, open decoderOpener, setting, form string) ([]AccuracyResult, error) {
	cfg, err := config.Parse("accuracy.yaml", []byte(accuracyConfig(form)))
	if err != nil {
		return nil, err
	}
	m, err := assistant.MatchManager(cfg.Assistant())
	if err != nil {
		return nil, err
	}
	g := m.Grammar(time.Now(), assistant.GrammarLimit).RecognizerGrammar()
	var out []AccuracyResult
	for _, v := range opts.Voices {
		res := AccuracyResult{Grammar: form, Voice: v.Name, Family: v.Family}
		for _, noisy := range []bool{false, true} {
			score := &res.Clean
			if noisy {
				score = &res.Noisy
			}
			r, err := open()
			if err != nil {
				return nil, err
			}
			err = r.SetGrammar(g)
			sentences := accuracySentences
			if opts.sentences > 0 {
				sentences = sentences[:opts.sentences]
			}
			for _, s := range sentences {
				if err != nil {
					break
				}
				var pcm []byte
				if pcm, err = v.Synthesise(ctx, opts.WAVDir, s.said); err != nil {
					break
				}
				condition := "clean"
				if noisy {
					condition = fmt.Sprintf("%d dB SNR", NoiseSNR)
					pcm = voices.AddNoise(pcm, NoiseSNR, seed(v.Name, s.said))
				}
				var heard pipeline.Result
				if heard, err = decodeUtterance(ctx, r, pcm); err != nil {
					break
				}
				score.Total++
				got := ""
				if heard.Rejected {
					score.Rejected++
				} else {
					got = render(m.Match(heard.Text, time.Now()))
				}
				if got == s.want {
					score.Right++
				} else if opts.Misses != nil {
					opts.Misses(fmt.Sprintf("%s %s %s: said %q, heard %q (rejected %v): %q, want %q", strings.TrimSpace(setting+" "+form), v.Name, condition, s.said, heard.Text, heard.Rejected, got, s.want))
				}
			}
			if err = errors.Join(err, r.Close()); err != nil {
				return nil, err
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// seed is the noise's seed for a voice's sentence: the same every run.
func seed(voice, said string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, voice+"|"+said)
	return h.Sum64()
}

// decodeUtterance feeds pcm in 100 ms chunks, as a microphone would, and
// returns the final result.
func decodeUtterance(ctx context.Context, r pipeline.Recognizer, pcm []byte) (pipeline.Result, error) {
	const chunk = 2 * pipeline.SampleRate / 10
	for len(pcm) > 0 {
		if err := ctx.Err(); err != nil {
			return pipeline.Result{}, err
		}
		n := min(chunk, len(pcm))
		if _, err := r.Accept(pcm[:n]); err != nil {
			return pipeline.Result{}, err
		}
		pcm = pcm[n:]
	}
	return r.Final()
}

// families are the voice families in the order the tables give them.
var families = []string{voices.FamilyESpeak, voices.FamilyFlite, voices.FamilyFestival}

// accuracyKey selects results: an engine, a setting, a grammar form and
// a voice family or a voice ("" for all).
type accuracyKey struct{ engine, setting, form, family, voice string }

// sum adds up the results k selects.
func sum(results []AccuracyResult, k accuracyKey) (clean, noisy Score, voiceNames []string) {
	for _, r := range results {
		if r.Skipped != "" || r.Engine != k.engine || r.Setting != k.setting || r.Grammar != k.form ||
			k.family != "" && r.Family != k.family || k.voice != "" && r.Voice != k.voice {
			continue
		}
		clean, noisy = clean.Add(r.Clean), noisy.Add(r.Noisy)
		voiceNames = append(voiceNames, strings.TrimPrefix(r.Voice, r.Family+"-"))
	}
	return clean, noisy, voiceNames
}

func pct(s Score) string {
	if s.Total == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %% (%d/%d)", s.Pct(), s.Right, s.Total)
}

// WriteAccuracy writes results as Markdown tables: per engine and voice
// family with plain Numbers, clean and noisy; Numbers against ranges per
// family and per voice; and each setting against Hark's, saying whether
// it raises one family while lowering another.
func WriteAccuracy(w io.Writer, results []AccuracyResult) error {
	var b strings.Builder
	var engines, settings, notes []string
	for _, r := range results {
		if !slices.Contains(engines, r.Engine) {
			engines = append(engines, r.Engine)
		}
		if r.Skipped != "" {
			notes = append(notes, fmt.Sprintf("%s not measured: %s.", r.Engine, r.Skipped))
		}
		if r.Setting != "" && !slices.Contains(settings, r.Setting) {
			settings = append(settings, r.Setting)
		}
	}
	n := len(accuracySentences)
	fmt.Fprintf(&b, "Sentences understood (commands and parameters right; %d sentences per voice, numbers as `Number`):\n\n", n)
	fmt.Fprintf(&b, "| engine | voice family | voices | clean | %d dB SNR |\n|---|---|---|---|---|\n", NoiseSNR)
	for _, e := range engines {
		for _, f := range append(slices.Clone(families), "") {
			clean, noisy, vs := sum(results, accuracyKey{e, "", GrammarNumber, f, ""})
			if f == "" {
				f = "**all**"
			}
			if clean.Total > 0 {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", e, f, strings.Join(vs, ", "), pct(clean), pct(noisy))
			}
		}
	}
	for _, note := range notes {
		fmt.Fprintf(&b, "\n%s\n", note)
	}
	fmt.Fprintf(&b, "\nNumbers as `Number` against ranges (`Number(0..100)`, `(5..30)`, `(1..120)`):\n\n")
	fmt.Fprintf(&b, "| engine | voice family | Number, clean | range, clean | Number, %d dB | range, %d dB |\n|---|---|---|---|---|---|\n", NoiseSNR, NoiseSNR)
	for _, e := range engines {
		for _, f := range append(slices.Clone(families), "") {
			nc, nn, _ := sum(results, accuracyKey{e, "", GrammarNumber, f, ""})
			rc, rn, _ := sum(results, accuracyKey{e, "", GrammarRange, f, ""})
			if f == "" {
				f = "**all**"
			}
			if nc.Total > 0 {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", e, f, pct(nc), pct(rc), pct(nn), pct(rn))
			}
		}
	}
	fmt.Fprintf(&b, "\nPer voice:\n\n| engine | voice | Number, clean | range, clean | Number, %d dB | range, %d dB |\n|---|---|---|---|---|---|\n", NoiseSNR, NoiseSNR)
	for _, r := range results {
		if r.Skipped != "" || r.Setting != "" || r.Grammar != GrammarNumber {
			continue
		}
		rc, rn, _ := sum(results, accuracyKey{r.Engine, "", GrammarRange, "", r.Voice})
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Engine, r.Voice, pct(r.Clean), pct(rc), pct(r.Noisy), pct(rn))
	}
	if len(settings) > 0 {
		writeSettings(&b, results, settings)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSettings writes each setting's figures per family beside Hark's
// and whether it trades one family against another.
func writeSettings(b *strings.Builder, results []AccuracyResult, settings []string) {
	const e = "pocketsphinx"
	fmt.Fprintf(b, "\nPocketSphinx settings against Hark's (numbers as `Number`; change in sentences right):\n\n")
	fmt.Fprintf(b, "| setting | voice family | clean | %d dB SNR | change, clean | change, %d dB |\n|---|---|---|---|---|---|\n", NoiseSNR, NoiseSNR)
	for _, f := range families {
		clean, noisy, _ := sum(results, accuracyKey{e, "", GrammarNumber, f, ""})
		fmt.Fprintf(b, "| Hark's | %s | %s | %s | | |\n", f, pct(clean), pct(noisy))
	}
	var verdicts []string
	for _, s := range settings {
		var up, down []string
		for _, f := range families {
			hc, hn, _ := sum(results, accuracyKey{e, "", GrammarNumber, f, ""})
			clean, noisy, _ := sum(results, accuracyKey{e, s, GrammarNumber, f, ""})
			if clean.Total == 0 {
				continue
			}
			dc, dn := clean.Right-hc.Right, noisy.Right-hn.Right
			fmt.Fprintf(b, "| `%s` | %s | %s | %s | %+d | %+d |\n", s, f, pct(clean), pct(noisy), dc, dn)
			switch {
			case dc+dn > 0:
				up = append(up, f)
			case dc+dn < 0:
				down = append(down, f)
			}
		}
		verdict := "no family gains while another loses"
		if len(up) > 0 && len(down) > 0 {
			verdict = fmt.Sprintf("raises %s while lowering %s: a trade-off", strings.Join(up, ", "), strings.Join(down, ", "))
		}
		verdicts = append(verdicts, fmt.Sprintf("`%s`: %s.\n", s, verdict))
	}
	fmt.Fprintf(b, "\n%s", strings.Join(verdicts, ""))
}
