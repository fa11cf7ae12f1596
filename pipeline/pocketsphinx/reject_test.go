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
		t.Errorf("%q: heard %q, rejected %v (ratio %.2f, threshold %.2f); want it accepted", in, res.Text, res.Rejected, r.lastRatio, DefaultRejectThreshold)
	}
	if res := recogniseResult(t, r, outPCM); !res.Rejected {
		t.Errorf("%q: heard %q, not rejected (ratio %.2f, threshold %.2f)", out, res.Text, r.lastRatio, DefaultRejectThreshold)
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

// TestSpeechRatio: the ratio counts the frames either path spends in
// speech, each segment's score spread over its frames, and leaves out
// silence both agree on and a grammar's (NULL) transitions.
func TestSpeechRatio(t *testing.T) {
	gram := []segment{{"<sil>", 0, 9, -1000}, {"stop", 10, 19, -400}, {"(NULL)", 19, 19, 0}, {"<sil>", 20, 29, -10}}
	free := []segment{{"SIL", 0, 11, -12}, {"S", 12, 15, -80}, {"T", 16, 21, -120}, {"SIL", 22, 29, -1}}
	// Frames 10-21: the grammar's 10-19 (-400) and 2 of its trailing
	// <sil> (-2); the loop's last 2 frames of SIL (-2), S and T (-200).
	if got, want := speechRatio(gram, free), 402.0/202.0; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("speechRatio = %v, want %v", got, want)
	}
	if got := speechRatio(gram[:1], free[:1]); got != 1 {
		t.Errorf("silence only: speechRatio = %v, want 1", got)
	}
}
