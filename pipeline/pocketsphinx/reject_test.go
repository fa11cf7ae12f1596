//go:build !nopocketsphinx

package pocketsphinx

import (
	"testing"

	"github.com/hark-assistant/hark/pipeline"
)

// recogniseResult feeds pcm in 100 ms chunks and returns Final's result.
func recogniseResult(tb testing.TB, r *Recognizer, pcm []byte) pipeline.Result {
	tb.Helper()
	for len(pcm) > 0 {
		n := min(3200, len(pcm))
		if _, err := r.Accept(pcm[:n]); err != nil {
			tb.Fatal(err)
		}
		pcm = pcm[n:]
	}
	res, err := r.Final()
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// TestRejection: under the grammar of the built-in and example commands,
// espeak-ng saying a command is heard and accepted, and saying what Home
// Assistant would be asked is rejected; with rejection off, or decoding
// openly, nothing is rejected.
func TestRejection(t *testing.T) {
	dir := t.TempDir()
	const in, out = "set a timer for five minutes", "add milk to my shopping list"
	inPCM, outPCM := speak(t, dir, in, "-v", "en-us"), speak(t, dir, out, "-v", "en-us")
	g := harkGrammar(t)

	r := newRecognizer(t, Config{})
	if err := r.SetGrammar(g); err != nil {
		t.Fatal(err)
	}
	if res := recogniseResult(t, r, inPCM); res.Text != in || res.Rejected {
		t.Errorf("%q: heard %q, rejected %v (gap %.2f, threshold %.2f); want it accepted", in, res.Text, res.Rejected, r.lastGap, DefaultRejectThreshold)
	}
	if res := recogniseResult(t, r, outPCM); !res.Rejected {
		t.Errorf("%q: heard %q, not rejected (gap %.2f, threshold %.2f)", out, res.Text, r.lastGap, DefaultRejectThreshold)
	}

	off := newRecognizer(t, Config{RejectThreshold: -1})
	if err := off.SetGrammar(g); err != nil {
		t.Fatal(err)
	}
	if res := recogniseResult(t, off, outPCM); res.Rejected || res.Text == "" {
		t.Errorf("rejection off: %q heard as %+v; want the nearest command, not rejected", out, res)
	}

	if err := r.SetGrammar(nil); err != nil {
		t.Fatal(err)
	}
	if res := recogniseResult(t, r, outPCM); res.Rejected {
		t.Errorf("open decoding: %q rejected (%+v)", out, res)
	}
}
