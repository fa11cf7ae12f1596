//go:build !nopocketsphinx

package bench

import (
	"context"
	"os/exec"
	"testing"
)

// TestBenchPocketsphinx runs the bench over espeak-ng speech through
// PocketSphinx.
func TestBenchPocketsphinx(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatal("the bench needs espeak-ng (make setup installs it)")
	}
	const runs = 4
	results, err := Run(context.Background(), Options{Runs: runs, Engines: []string{"pocketsphinx"}, WAVDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("results %+v, want one", results)
	}
	checkMeasured(t, results[0], runs)
}
