//go:build !nopocketsphinx

package pocketsphinx

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline/grammar"
	tts "github.com/hark-assistant/hark/pipeline/pipelinetest/voices"
)

// inGrammar are sentences the built-in commands and the example
// configuration's (firmware/hark.yaml) accept: the grammar of
// testdata/hark-grammar.json.
var inGrammar = []string{
	"turn on the kitchen light", "turn off the bedroom light", "turn on the living room light",
	"turn off the hallway light", "turn on the lounge light", "turn off the kitchen light",
	"how long have you been up", "how long have you been running", "thank you",
	"what time is it", "what's the time", "tell me the time", "what is the time",
	"what is the date", "what's today's date", "what day is it",
	"set a timer for five minutes", "start a timer for ten seconds", "set a timer for twenty five minutes",
	"start a timer for one hour", "set a timer for thirty seconds", "set a timer for two hours",
	"start a timer for forty five seconds",
	"how long is left", "how much time is left", "how much time left", "what's left on the timer",
	"what is left on the timer", "cancel the timer", "stop the timer",
	"what can i say", "what can you do", "what can i do", "help", "stop", "cancel", "never mind", "be quiet",
	"repeat that", "say it again", "what did you say",
	"turn on the bedroom light and set a timer for ten minutes",
}

// outOfGrammar are things people say to Home Assistant that Hark's
// commands do not declare.
var outOfGrammar = []string{
	"turn on the kitchen lights", "what's the weather like", "add milk to my shopping list",
	"set the thermostat to twenty degrees", "is the front door locked", "play some jazz in the living room",
	"dim the bedroom lights to fifty percent", "what's the temperature outside", "lock the back door",
	"open the garage door", "turn up the volume", "pause the music", "skip this song",
	"close the blinds in the office", "is the washing machine finished", "start the vacuum cleaner",
	"what's on my calendar today", "remind me to call mum at six", "set the living room to movie mode",
	"turn the fan on", "how warm is it in the nursery", "arm the alarm system", "show the front door camera",
	"what's the humidity in the bathroom", "turn off all the lights", "will it rain tomorrow",
	"who is at the door", "activate the good night scene", "open the curtains", "set the heating to nineteen degrees",
	"what's the air quality", "turn on the coffee machine", "how much energy did we use today",
	"water the garden", "play the news", "tell me a joke", "when is sunset", "mute the television",
	"start the dishwasher at ten", "is the garage open", "set the brightness to thirty percent", "what song is this",
}

// rejectionVoices: espeak-ng, Debian's flite voices, festival's HTS voice.
// The threshold was tuned on espeak-ng and flite slt; the others are held
// out.
var rejectionVoices = []tts.Voice{
	tts.ESpeak("-v", "en-us"),
	tts.Flite("slt"), tts.Flite("awb"), tts.Flite("rms"), tts.Flite("kal16"),
	tts.FestivalHTS(),
}

// synthesise renders text in v as 16 kHz mono S16LE (see tts.Voice.Synthesise).
func synthesise(tb testing.TB, dir string, v tts.Voice, text string) []byte {
	tb.Helper()
	pcm, err := v.Synthesise(context.Background(), dir, text)
	if err != nil {
		tb.Fatal(err)
	}
	return pcm
}

// harkGrammar is the grammar of the built-in commands and of the example
// configuration's, as `hark grammar --config firmware/hark.yaml` prints it
// (its "rules").
func harkGrammar(tb testing.TB) *grammar.Grammar {
	tb.Helper()
	data, err := os.ReadFile("testdata/hark-grammar.json")
	if err != nil {
		tb.Fatal(err)
	}
	var g grammar.Grammar
	if err := json.Unmarshal(data, &g); err != nil {
		tb.Fatal(err)
	}
	return &g
}

// rejectionOutcome is how one utterance was heard.
type rejectionOutcome struct {
	said, heard  string
	in, rejected bool
	ratio        float64
}

// decodeAll decodes each utterance with r and notes what it heard, the
// ratio (see speechRatio) and the decoding time.
func decodeAll(tb testing.TB, r *Recognizer, said []string, pcm [][]byte, in bool) ([]rejectionOutcome, time.Duration) {
	var out []rejectionOutcome
	var busy time.Duration
	for i, p := range pcm {
		start := time.Now()
		for len(p) > 0 {
			n := min(3200, len(p))
			if _, err := r.Accept(p[:n]); err != nil {
				tb.Fatal(err)
			}
			p = p[n:]
		}
		res, err := r.Final()
		if err != nil {
			tb.Fatal(err)
		}
		busy += time.Since(start)
		out = append(out, rejectionOutcome{said: said[i], heard: res.Text, in: in, rejected: res.Rejected, ratio: r.lastRatio})
	}
	return out, busy
}

// BenchmarkRejection measures rejection of speech outside the grammar
// (Config.RejectThreshold) over the sentences of inGrammar and
// outOfGrammar, synthesised in each of rejectionVoices, with the grammar
// of the built-in and example commands. Per voice it reports
//   - FA-pct: false accepts, out-of-grammar utterances not rejected;
//   - FR-pct: false rejects, in-grammar utterances rejected or misheard;
//
// and, over the espeak-ng utterances decoded again with rejection off,
// cost: the decoding time with rejection over that without. Each
// utterance's ratio is logged (-v) for tuning the threshold
// (TestRejectionDump writes both paths' segments, for trying other
// measures offline). DefaultRejectThreshold was tuned on espeak-ng and
// flite slt; flite awb, rms and kal16 and festival-hts are held out.
func BenchmarkRejection(b *testing.B) {
	dir := b.TempDir()
	g := harkGrammar(b)
	for range b.N {
		for vi, v := range rejectionVoices {
			var inPCM, outPCM [][]byte
			for _, s := range inGrammar {
				inPCM = append(inPCM, synthesise(b, dir, v, s))
			}
			for _, s := range outOfGrammar {
				outPCM = append(outPCM, synthesise(b, dir, v, s))
			}
			r := newRecognizer(b, Config{})
			if err := r.SetGrammar(g); err != nil {
				b.Fatal(err)
			}
			ins, tIn := decodeAll(b, r, inGrammar, inPCM, true)
			outs, tOut := decodeAll(b, r, outOfGrammar, outPCM, false)
			fa, fr := 0, 0
			for _, o := range append(ins, outs...) {
				wrong := o.in && (o.rejected || o.heard != o.said) || !o.in && !o.rejected
				switch {
				case wrong && o.in:
					fr++
				case wrong:
					fa++
				}
				b.Logf("%s in=%v ratio=%.3f rejected=%v wrong=%v said=%q heard=%q", v.Name, o.in, o.ratio, o.rejected, wrong, o.said, o.heard)
			}
			b.ReportMetric(100*float64(fa)/float64(len(outs)), v.Name+"-FA-pct")
			b.ReportMetric(100*float64(fr)/float64(len(ins)), v.Name+"-FR-pct")
			if vi == 0 {
				off := newRecognizer(b, Config{RejectThreshold: -1})
				if err := off.SetGrammar(g); err != nil {
					b.Fatal(err)
				}
				_, oIn := decodeAll(b, off, inGrammar, inPCM, true)
				_, oOut := decodeAll(b, off, outOfGrammar, outPCM, false)
				b.ReportMetric(float64(tIn+tOut)/float64(oIn+oOut), "cost")
				b.Logf("espeak-ng: %v with rejection, %v without", tIn+tOut, oIn+oOut)
			}
		}
	}
}
