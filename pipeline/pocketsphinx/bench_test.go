//go:build !nopocketsphinx

package pocketsphinx

import (
	"slices"
	"testing"
	"time"
)

// voices are the espeak-ng settings the accuracy figure is measured over:
// the issue found voice and rate matter.
var voices = [][]string{
	{"-v", "en"},
	{"-v", "en-us"},
	{"-v", "en", "-s", "130"},
	{"-v", "en-us", "-s", "220"},
	{"-v", "en-gb-x-rp"},
}

// BenchmarkPocketSphinxFinal measures, with the grammar of all commands:
//   - release→final latency: the time Final takes after the last audio
//     chunk of a spoken command was accepted (p50-ms, p99-ms);
//   - rtf: decoding time over audio time for whole utterances;
//   - accuracy: exact-phrase hits over every command in every voice
//     (correct, of total, and pct);
//   - first-ms and first-rtf: the same for a fresh decoder's first
//     utterance, which is decoded twice.
func BenchmarkPocketSphinxFinal(b *testing.B) {
	dir := b.TempDir()
	type sample struct {
		text string
		pcm  []byte
	}
	var samples []sample
	for _, v := range voices {
		for _, c := range commands {
			samples = append(samples, sample{c, speak(b, dir, c, v...)})
		}
	}
	r := newRecognizer(b, Config{})
	if err := r.SetGrammar(commandGrammar()); err != nil {
		b.Fatal(err)
	}
	var finals []time.Duration
	var decode, audio time.Duration
	correct, total := 0, 0
	// The first utterance of a decoder is decoded twice (see decodeAgain):
	// its latency is reported apart, the loop measures adapted ones.
	first := time.Now()
	if _, err := r.Accept(samples[0].pcm); err != nil {
		b.Fatal(err)
	}
	released := time.Now()
	if res, err := r.Final(); err != nil || res.Text != samples[0].text {
		b.Fatalf("first utterance: %q, %v", res.Text, err)
	}
	firstFinal, firstAll := time.Since(released), time.Since(first)
	b.ResetTimer()
	for i := range max(b.N, 20, len(samples)) {
		s := samples[i%len(samples)]
		start := time.Now()
		pcm := s.pcm
		for len(pcm) > 0 {
			n := min(3200, len(pcm))
			if _, err := r.Accept(pcm[:n]); err != nil {
				b.Fatal(err)
			}
			pcm = pcm[n:]
		}
		released := time.Now()
		res, err := r.Final()
		if err != nil {
			b.Fatal(err)
		}
		end := time.Now()
		finals = append(finals, end.Sub(released))
		decode += end.Sub(start)
		audio += time.Duration(len(s.pcm)/2) * time.Second / 16000
		if i < len(samples) {
			total++
			if res.Text == s.text {
				correct++
			} else {
				b.Logf("%q heard as %q", s.text, res.Text)
			}
		}
	}
	b.StopTimer()
	slices.Sort(finals)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(finals[len(finals)/2]), "p50-ms")
	b.ReportMetric(ms(finals[(len(finals)*99)/100]), "p99-ms")
	b.ReportMetric(float64(decode)/float64(audio), "rtf")
	b.ReportMetric(ms(firstFinal), "first-ms")
	b.ReportMetric(float64(firstAll)/float64(time.Duration(len(samples[0].pcm)/2)*time.Second/16000), "first-rtf")
	b.ReportMetric(float64(correct), "correct")
	b.ReportMetric(float64(total), "of")
	b.ReportMetric(100*float64(correct)/float64(total), "pct")
	b.Logf("%d finals; accuracy %d/%d over %d voices", len(finals), correct, total, len(voices))
}

// BenchmarkPocketSphinxOpen is the same release→final latency with open
// decoding (the en-us language model), for comparison.
func BenchmarkPocketSphinxOpen(b *testing.B) {
	pcm := speak(b, b.TempDir(), commands[2])
	r := newRecognizer(b, Config{})
	var finals []time.Duration
	var audio, decode time.Duration
	for range max(b.N, 20) {
		start := time.Now()
		for p := pcm; len(p) > 0; {
			n := min(3200, len(p))
			if _, err := r.Accept(p[:n]); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
		released := time.Now()
		if _, err := r.Final(); err != nil {
			b.Fatal(err)
		}
		finals = append(finals, time.Since(released))
		decode += time.Since(start)
		audio += time.Duration(len(pcm)/2) * time.Second / 16000
	}
	slices.Sort(finals)
	b.ReportMetric(float64(finals[len(finals)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(finals[(len(finals)*99)/100])/1e6, "p99-ms")
	b.ReportMetric(float64(decode)/float64(audio), "rtf")
}
