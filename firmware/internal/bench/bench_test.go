package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// checkMeasured checks the figures of an engine that ran: every turn ran
// its command, and the latencies are positive and ordered. The response
// comes after its command started in every turn, so each of its quantiles
// is at least the command's.
func checkMeasured(t *testing.T, r Result, runs int) {
	t.Helper()
	if r.Skipped != "" || r.Runs != runs || r.Matched != runs {
		t.Fatalf("%s: skipped %q, %d runs, %d matched; want %d of %d", r.Engine, r.Skipped, r.Runs, r.Matched, runs, runs)
	}
	for _, q := range []Quantiles{r.ToCommand, r.ToResponse} {
		if q.P50 <= 0 || q.P50 > q.P99 {
			t.Errorf("%s: quantiles %+v, want 0 < p50 <= p99", r.Engine, q)
		}
	}
	if r.ToCommand.P50 > r.ToResponse.P50 || r.ToCommand.P99 > r.ToResponse.P99 {
		t.Errorf("%s: release→command %+v later than release→response %+v", r.Engine, r.ToCommand, r.ToResponse)
	}
	if r.RTF <= 0 {
		t.Errorf("%s: RTF %v, want > 0", r.Engine, r.RTF)
	}
}

// TestBenchVosk runs the bench over the generated Vosk test model; with no
// real model present that row says it was skipped.
func TestBenchVosk(t *testing.T) {
	const runs = 6 // more than the phrases: the bench cycles through them
	noModel := t.TempDir()
	results, err := Run(context.Background(), Options{Runs: runs, Engines: []string{"vosk"}, VoskModels: []string{noModel}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want 2: %+v", len(results), results)
	}
	checkMeasured(t, results[0], runs)
	if r := results[1]; !strings.Contains(r.Skipped, noModel) {
		t.Errorf("real Vosk model: %+v, want skipped naming %s", r, noModel)
	}

	var out bytes.Buffer
	if err := WriteTable(&out, results); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table has %d lines, want header, 2 rows, 1 note:\n%s", len(lines), &out)
	}
	for i, want := range [][]string{
		{"engine", "utterances", "matched", "release→command", "release→response", "RTF"},
		{"vosk/testmodel (tones)", "6/6", " ms"},
		{"vosk/real model (speech)", "skipped"},
		{"vosk/real model (speech) skipped: no Vosk model in " + noModel},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
}

func TestBenchBadOptions(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Runs: 0, Engines: []string{"vosk"}}, "0 runs"},
		{Options{Runs: 1, Engines: []string{"vosk", "julius"}}, `unknown engine "julius"`},
	}
	for _, tt := range tests {
		_, err := Run(context.Background(), tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Run(%+v) = %v, want an error with %q", tt.opts, err, tt.want)
		}
	}
}

func TestQuantiles(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	seq := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = n - i // unsorted
		}
		return s
	}
	tests := []struct {
		in       []time.Duration
		p50, p99 time.Duration
	}{
		{nil, 0, 0},
		{ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{ms(3, 1, 2), 2 * time.Millisecond, 3 * time.Millisecond},
		{ms(seq(20)...), 10 * time.Millisecond, 20 * time.Millisecond},
		{ms(seq(200)...), 100 * time.Millisecond, 198 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := quantiles(tt.in); got.P50 != tt.p50 || got.P99 != tt.p99 {
			t.Errorf("quantiles of %d samples = %+v, want p50 %v p99 %v", len(tt.in), got, tt.p50, tt.p99)
		}
	}
}

// TestWriteBenchTableNoMatch: an engine that never ran its command shows
// no latencies rather than zeros.
func TestWriteBenchTableNoMatch(t *testing.T) {
	var out bytes.Buffer
	if err := WriteTable(&out, []Result{{Engine: "deaf", Runs: 3, RTF: 0.5}}); err != nil {
		t.Fatal(err)
	}
	row := strings.Split(strings.TrimSpace(out.String()), "\n")[1]
	if got := strings.Fields(row); strings.Join(got, " ") != "deaf 3 0/3 - - - - 0.500" {
		t.Errorf("row %q", row)
	}
}
