package audio

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// period is one 10 ms device period, as the null backend delivers.
var benchPeriod = ramp(0, 160)

// BenchmarkCaptureCallback measures a Go device's callback: copy one period
// into the ring (which the reader drains).
func BenchmarkCaptureCallback(b *testing.B) {
	r := newRing(durationBytes(2 * time.Second))
	out := make([]byte, len(benchPeriod))
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPeriod)))
	for b.Loop() {
		r.write(benchPeriod)
		r.readInto(out)
	}
	if r.overruns() != 0 {
		b.Fatal("overruns")
	}
}

// signalRecognizer tells each Accept on a channel. The benchmark does not use
// pipelinetest.Recognizer: it keeps every byte it is fed, which over b.N
// periods would measure memory growth rather than the audio path.
type signalRecognizer struct{ accepted chan int }

func (r signalRecognizer) Accept(pcm []byte) (bool, error) { r.accepted <- len(pcm); return false, nil }
func (signalRecognizer) Partial() string                   { return "" }
func (signalRecognizer) Final() (pipeline.Result, error)   { return pipeline.Result{}, nil }
func (signalRecognizer) Reset() error                      { return nil }
func (signalRecognizer) SetGrammar(*grammar.Grammar) error { return nil }
func (signalRecognizer) Close() error                      { return nil }

// BenchmarkCaptureToRecognizer measures one period's whole way while the
// button is down: device callback → ring → Capture.Read → PTT → Accept,
// including the hand-offs between goroutines. x-realtime is how many times
// faster than the audio lasts that is.
func BenchmarkCaptureToRecognizer(b *testing.B) {
	devices := newFakeDevices()
	c, err := newCapture(CaptureConfig{Logger: testLoggerB(b)}, devices.open)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	mic := recv(b, devices.opened, "device opened")
	rec := signalRecognizer{make(chan int, 1)}
	p := NewPTT(c, rec, PTTConfig{PreRoll: -1, MaxUtterance: 1000 * time.Hour, Logger: testLoggerB(b)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	// Deliver only once Run listens: a period queued before the press is
	// not fed without a pre-roll, and the loop would wait for it for ever.
	listening := request{kind: reqListen, utt: 1, done: make(chan struct{})}
	p.request(listening)
	<-listening.done
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPeriod)))
	start := time.Now()
	for b.Loop() {
		mic.deliver(benchPeriod)
		for got := 0; got < len(benchPeriod); {
			got += <-rec.accepted
		}
	}
	b.ReportMetric(float64(b.N)*float64(bytesDuration(len(benchPeriod)))/float64(time.Since(start)), "x-realtime")
	if c.Overruns() != 0 {
		b.Fatal("overruns")
	}
}

// BenchmarkConvert48kStereo converts one second of 48 kHz stereo; the
// realtime metric says how many times faster than real time that is.
func BenchmarkConvert48kStereo(b *testing.B) {
	pcm := encodeS16(tone(1000, 48000, 48000, 10000), 2)
	b.ReportAllocs()
	b.SetBytes(int64(len(pcm)))
	start := time.Now()
	for b.Loop() {
		convert(pcm, 2, 48000)
	}
	b.ReportMetric(float64(b.N)*float64(time.Second)/float64(time.Since(start)), "x-realtime")
}

// BenchmarkIdleCapture reports what an idle Hark's audio path costs: the
// process's CPU time (user+system) as a share of one core while
// miniaudio's null device delivers 10 ms periods into push-to-talk with the
// button up. An op is a second of it; run it long and often for a stable
// figure (-benchtime 60s -count 5). The same device calling an empty Go
// callback costs about 1 % of a core on a 2-core x86 machine, miniaudio on
// its own about 0.4 %.
func BenchmarkIdleCapture(b *testing.B) {
	c, err := OpenCapture(CaptureConfig{Backend: "null", Logger: testLoggerB(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p := NewPTT(c, &pipelinetest.Recognizer{}, PTTConfig{Logger: testLoggerB(b)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	running := request{kind: reqUnmute, done: make(chan struct{})}
	p.request(running)
	<-running.done
	time.Sleep(time.Second) // past start-up and the first batches
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	used, start := cpu(), time.Now()
	for b.Loop() {
		time.Sleep(time.Second)
	}
	b.ReportMetric(100*float64(cpu()-used)/float64(time.Since(start)), "%core")
}
