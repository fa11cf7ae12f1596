package audio_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// A WAV file recorded at 48 kHz in stereo comes out at 16 kHz mono.
func ExampleParseWAV() {
	const frames = 4800 // 100 ms at 48 kHz
	data := binary.LittleEndian.AppendUint32([]byte("RIFF"), 36+frames*4)
	data = append(data, "WAVEfmt "...)
	for _, v := range []uint32{16, 1 | 2<<16, 48000, 48000 * 4, 4 | 16<<16} {
		data = binary.LittleEndian.AppendUint32(data, v) // size; PCM, 2 channels; rate; byte rate; block align, bits
	}
	data = binary.LittleEndian.AppendUint32(append(data, "data"...), frames*4)
	data = append(data, make([]byte, frames*4)...)

	pcm, err := audio.ParseWAV("stereo.wav", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d samples at 16 kHz\n", len(pcm)/2)

	_, err = audio.ParseWAV("notes.txt", []byte("shopping list: eggs, milk"))
	fmt.Println(err)
	// Output:
	// 1600 samples at 16 kHz
	// WAV file notes.txt: not a RIFF file (starts with "shop")
}

// lastWords is a stand-in recognizer that hears how long you spoke.
type lastWords struct{ n int }

func (r *lastWords) Accept(pcm []byte) (bool, error) { r.n += len(pcm); return false, nil }
func (r *lastWords) Partial() string                 { return "" }
func (r *lastWords) Final() (pipeline.Result, error) {
	res := pipeline.Result{Text: fmt.Sprintf("you spoke %.1f s", float64(r.n)/32000)}
	r.n = 0
	return res, nil
}
func (r *lastWords) Reset() error                      { r.n = 0; return nil }
func (r *lastWords) SetGrammar(*grammar.Grammar) error { return pipeline.ErrGrammarUnsupported }
func (r *lastWords) Close() error                      { return nil }

// endSignal is a Source that says when it has been read to the end.
type endSignal struct {
	audio.Source
	ended chan struct{}
}

func (s endSignal) Read(ctx context.Context, p []byte) (int, error) {
	n, err := s.Source.Read(ctx, p)
	if err == io.EOF {
		close(s.ended)
	}
	return n, err
}

// The firmware runs a PTT over the microphone, asks it to Listen and
// Finish as the button goes down and up, and hands what it reports to the
// assistant. Here a second of audio held in memory stands in for the
// microphone. It is all read before the button goes down, so what reaches
// the recognizer is the pre-roll: the last 300 ms.
func ExamplePTT() {
	src := endSignal{audio.NewPCMSource(make([]byte, 32000), false), make(chan struct{})}
	heard := make(chan audio.Event, 1)
	ptt := audio.NewPTT(src, &lastWords{}, audio.PTTConfig{PreRoll: 300 * time.Millisecond, OnEvent: func(e audio.Event) {
		if e.Kind == audio.Heard {
			heard <- e // never block push-to-talk: hand the event on
		}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go ptt.Run(ctx)

	select {
	case <-src.ended:
	case <-ctx.Done():
		fmt.Println("the source was not read to the end:", ctx.Err())
		return
	}
	ptt.Listen(1)              // the button went down
	ptt.Finish(1, time.Time{}) // and up
	select {
	case e := <-heard:
		fmt.Println(e.Result.Text, e.Err)
	case <-ctx.Done():
		fmt.Println("nothing heard:", ctx.Err())
	}
	// Output: you spoke 0.3 s <nil>
}

// The firmware opens the microphone named in its configuration, maps device
// events to the LED and reads (through a PTT). The null backend stands in
// for a sound card here.
func ExampleOpenCapture() {
	mic, err := audio.OpenCapture(audio.CaptureConfig{
		Backend: "null",
		Device:  "NULL Capture",
		OnEvent: func(e audio.Event) {
			switch e.Kind {
			case audio.DeviceLost:
				// led.Error()
			case audio.DeviceRestored:
				// led.Idle()
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mic.Close()

	// A microphone that delivers nothing must not hang the program.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	period := make([]byte, 320) // 10 ms
	for got := 0; got < len(period); {
		n, err := mic.Read(ctx, period[got:])
		if err != nil {
			fmt.Println(err)
			return
		}
		got += n
	}
	fmt.Printf("10 ms of silence from %s: %v\n", mic.Device(), !slices.ContainsFunc(period, func(b byte) bool { return b != 0 }))
	// Output: 10 ms of silence from NULL Capture Device: true
}
