//go:build nopocketsphinx

package bench

import (
	"context"
	"strings"
	"testing"
)

// TestBenchPocketsphinxNotBuilt: without the engine the row says so.
func TestBenchPocketsphinxNotBuilt(t *testing.T) {
	results, err := Run(context.Background(), Options{Runs: 1, Engines: []string{"pocketsphinx"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || !strings.Contains(results[0].Skipped, "built without PocketSphinx") {
		t.Errorf("results %+v, want pocketsphinx skipped as not built", results)
	}
}
