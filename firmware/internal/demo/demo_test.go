//go:build !nopocketsphinx

package demo

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestDemo runs the scripted demo end to end: espeak-ng speech through
// push-to-talk into PocketSphinx, the dispatcher, the built-ins, the demo's
// commands and the watchdog.
func TestDemo(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatal("the demo needs espeak-ng (make setup installs it)")
	}
	var out bytes.Buffer
	err := Demo(context.Background(), DemoOptions{Out: &out, WAVDir: t.TempDir(), VoskModels: []string{t.TempDir()}})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	text := out.String()
	for _, want := range []string{
		"recognizer: PocketSphinx",
		`heard     "what time is it" → time`,
		`→ time, date`,
		`heard     "turn on the light" → light`,
		`hark      "Which room?"`,
		`heard     "the kitchen" → light room`,
		`hark      "The kitchen light is on."`,
		`hark      "Timer set for 5 seconds."`,
		`hark      "Your timer for 5 seconds is done."`,
		`WATCHDOG  main loop blocked by "slow report"`,
		`hark      "The report is ready."`,
		`→ help`,
		"demo done",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("demo output:\n%s", text)
	}
}
