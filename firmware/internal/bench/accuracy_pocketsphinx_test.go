//go:build !nopocketsphinx

package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline/pipelinetest/voices"
)

// TestAccuracyPocketsphinx runs the accuracy benchmark's first sentences
// in one voice through PocketSphinx, both grammar forms and a setting,
// clean and noisy.
func TestAccuracyPocketsphinx(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	set, err := ParseSetting("reject 2.33")
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var misses []string
	results, err := Accuracy(ctx, AccuracyOptions{
		Engines: []string{"pocketsphinx"}, Voices: []voices.Voice{voices.Flite("slt")}, WAVDir: t.TempDir(),
		Settings: []Setting{set}, Misses: func(s string) { misses = append(misses, s) }, sentences: n,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 3 {
		t.Fatalf("%d results, want 3 (Number, range, reject 2.33): %+v", len(results), results)
	}
	right := 0
	for i, want := range []struct{ setting, form string }{{"", GrammarNumber}, {"", GrammarRange}, {"reject 2.33", GrammarNumber}} {
		r := results[i]
		if r.Engine != "pocketsphinx" || r.Setting != want.setting || r.Grammar != want.form || r.Voice != "flite-slt" || r.Family != voices.FamilyFlite {
			t.Errorf("result %d: %+v, want pocketsphinx %q %s flite-slt", i, r, want.setting, want.form)
		}
		if r.Clean.Total != n || r.Noisy.Total != n {
			t.Errorf("result %d: %d clean and %d noisy utterances, want %d each", i, r.Clean.Total, r.Noisy.Total, n)
		}
		right += r.Clean.Right + r.Noisy.Right
	}
	// Clear speech of the built-ins: most must be understood.
	if right < 3*2*n*3/4 {
		t.Errorf("%d of %d understood, want at least three quarters; misses:\n%s", right, 3*2*n, strings.Join(misses, "\n"))
	}
}
