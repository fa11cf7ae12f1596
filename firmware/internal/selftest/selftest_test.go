package selftest

import (
	"bytes"
	"context"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/led/ledtest"
	"github.com/hark-assistant/hark/firmware/config"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSelfTestSim(t *testing.T) {
	cfg := config.Default()
	var out bytes.Buffer
	if !SelfTest(context.Background(), &cfg, true, &out) {
		t.Fatalf("selftest --sim failed:\n%s", &out)
	}
	rows := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^led +ok +idle, listening, thinking, speaking, error, muted shown`),
		regexp.MustCompile(`^audio +ok +"NULL Capture Device" delivered \d+ ms of audio`),
		regexp.MustCompile(`^model +ok +pocketsphinx default model loads`),
		regexp.MustCompile(`^button +ok +simulated GPIO17: press and release reported \(Down, Up\)`),
		regexp.MustCompile(`^watchdog +ok +detected after \d+ ms, LED blinked`),
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), len(want), &out)
	}
	for i, re := range want {
		if !re.MatchString(rows[i]) {
			t.Errorf("row %d = %q, want %v", i, rows[i], re)
		}
	}
}

func TestSelfTestReportsBrokenModel(t *testing.T) {
	cfg := config.Default()
	cfg.Recognizer.Model = t.TempDir() // exists, but is no model
	var out bytes.Buffer
	if SelfTest(context.Background(), &cfg, true, &out) {
		t.Fatalf("selftest passed with an empty model directory:\n%s", &out)
	}
	if !regexp.MustCompile(`(?m)^model +FAIL +.*` + regexp.QuoteMeta(cfg.Recognizer.Model)).MatchString(out.String()) {
		t.Errorf("no model failure naming the directory:\n%s", &out)
	}
	if !regexp.MustCompile(`(?m)^watchdog +ok`).MatchString(out.String()) {
		t.Errorf("one failure stopped the other checks:\n%s", &out)
	}
}

// TestBlockForTripsThreshold: the deliberate block outlasts any configured
// threshold, so the watchdog check can pass with it.
func TestBlockForTripsThreshold(t *testing.T) {
	for _, threshold := range []time.Duration{50 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second, time.Minute} {
		got := blockFor(threshold)
		if got <= threshold || got < selfTestBlock {
			t.Errorf("blockFor(%v) = %v, want over the threshold and at least %v", threshold, got, selfTestBlock)
		}
	}
	if got := blockFor(time.Second); got != selfTestBlock {
		t.Errorf("blockFor(1s) = %v, want the documented %v", got, selfTestBlock)
	}
}

// TestSelfTestOneDriver: every check shows on one LED driver, which has
// stopped, the light off, when SelfTest returns (a second driver once
// started on the same light before the first was joined).
func TestSelfTestOneDriver(t *testing.T) {
	cfg := config.Default()
	light := &ledtest.Light{}
	var out bytes.Buffer
	selfTest(context.Background(), &cfg, true, &out, light)
	calls := light.Calls()
	var sets []ledtest.Call
	for _, c := range calls {
		if !c.IsDescribe() {
			sets = append(sets, c)
		}
	}
	if len(sets) == 0 || sets[len(sets)-1].Color != led.Black {
		t.Fatalf("the light was left %v, want off once SelfTest returned; calls %v", sets, calls)
	}
	n := len(light.Calls())
	time.Sleep(200 * time.Millisecond)
	if after := light.Calls(); len(after) != n {
		t.Errorf("the light was set after SelfTest returned: %v", after[n:])
	}
}
