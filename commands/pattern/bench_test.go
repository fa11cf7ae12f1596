package pattern

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	benchVerbs = []string{"turn", "switch", "open", "close", "start", "stop", "play", "show", "find", "check"}
	benchNouns = []string{"light", "lamp", "door", "window", "music", "radio", "timer", "alarm", "heating", "fan",
		"kettle", "oven", "blinds", "garage", "gate", "camera", "speaker", "tv", "printer", "news"}
	// 20 words; two of the 200 commands match it.
	benchUtterance = "could you please turn on the kitchen light and then tell me how warm the oven is right now"
)

// benchCommands returns 200 patterns and the naive regular expressions
// written by hand for the same commands, the way one would without a
// pattern language: one regexp per command, searched in the lower-cased text.
func benchCommands() (patterns, regexps []string) {
	for i := range 200 {
		v, n := benchVerbs[i%len(benchVerbs)], benchNouns[(i/len(benchVerbs))%len(benchNouns)]
		switch i % 4 {
		case 0:
			patterns = append(patterns, fmt.Sprintf("(please)? %s on the $room:Word %s", v, n))
			regexps = append(regexps, fmt.Sprintf(`\b(?:please )?%s on the (\pL+) %s\b`, v, n))
		case 1:
			patterns = append(patterns, fmt.Sprintf("%s (on|off) (the)? %s", v, n))
			regexps = append(regexps, fmt.Sprintf(`\b%s (?:on|off) (?:the )?%s\b`, v, n))
		case 2:
			patterns = append(patterns, fmt.Sprintf("set the %s to $n:Number", n))
			regexps = append(regexps, fmt.Sprintf(`\bset the %s to (\d+)\b`, n))
		case 3:
			patterns = append(patterns, fmt.Sprintf("how ** the %s is", n))
			regexps = append(regexps, fmt.Sprintf(`\bhow (.+?) the %s is\b`, n))
		}
	}
	return patterns, regexps
}

func compileBench(b *testing.B) ([]*Pattern, []*regexp.Regexp) {
	srcs, res := benchCommands()
	types := NewTypes()
	var pats []*Pattern
	for _, s := range srcs {
		pats = append(pats, MustCompile(s, types))
	}
	var rxs []*regexp.Regexp
	for _, s := range res {
		rxs = append(rxs, regexp.MustCompile(s))
	}
	return pats, rxs
}

func matchAll(pats []*Pattern, text string) int {
	u := Split(text)
	found := 0
	for _, p := range pats {
		if _, ok := p.Find(u, 0, len(u.Tokens)); ok {
			found++
		}
	}
	return found
}

func matchAllRegexp(rxs []*regexp.Regexp, text string) int {
	lower := strings.ToLower(text)
	found := 0
	for _, rx := range rxs {
		if rx.FindStringSubmatchIndex(lower) != nil {
			found++
		}
	}
	return found
}

// BenchmarkMatch200 matches a 20-word utterance against 200 patterns and
// reports how many times faster that is than the naive regexp baseline,
// timed in the same run.
func BenchmarkMatch200(b *testing.B) {
	pats, rxs := compileBench(b)
	if got, want := matchAll(pats, benchUtterance), matchAllRegexp(rxs, benchUtterance); got != want || got == 0 {
		b.Fatalf("patterns found %d commands, regexps %d", got, want)
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		matchAll(pats, benchUtterance)
	}
	hark := time.Since(start)
	b.StopTimer()
	// The baseline is much slower: fewer rounds keep the run short.
	rounds := b.N/10 + 1
	start = time.Now()
	for range rounds {
		matchAllRegexp(rxs, benchUtterance)
	}
	baseline := float64(time.Since(start)) / float64(rounds)
	b.ReportMetric(baseline, "regexp-ns/op")
	b.ReportMetric(baseline/(float64(hark)/float64(b.N)), "x-faster")
}

// BenchmarkMatch200Regexp is the naive baseline alone.
func BenchmarkMatch200Regexp(b *testing.B) {
	_, rxs := compileBench(b)
	for range b.N {
		matchAllRegexp(rxs, benchUtterance)
	}
}

// longPattern returns a pattern of at least size bytes made of ordinary
// pieces: words, alternatives, optional groups, repetitions, wildcards and
// parameters, ending in an open slot.
func longPattern(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "turn (on|off) the (big|small)? {very} $room%d:Word light * ", i)
	}
	b.WriteString("**")
	return b.String()
}

// BenchmarkCompileLong compiles long patterns: the time per op should grow
// in step with the size (4x from 64 KiB to 256 KiB), not with its square.
func BenchmarkCompileLong(b *testing.B) {
	types := NewTypes()
	for _, size := range []int{64 << 10, 256 << 10} {
		src := longPattern(size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Compile(src, types); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExpandLong lists the one phrase of long patterns: the time per
// op should grow in step with the size, not with its square.
func BenchmarkExpandLong(b *testing.B) {
	types := NewTypes()
	for _, size := range []int{64 << 10, 256 << 10} {
		p := MustCompile(strings.Repeat("turn (on) the light ", size/20), types)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			for b.Loop() {
				if e := p.Expand(50); len(e.Phrases) != 1 {
					b.Fatalf("%d phrases", len(e.Phrases))
				}
			}
		})
	}
}
