package pipelinetest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hark-assistant/hark/pipeline/audio"
	"github.com/hark-assistant/hark/pipeline/pipelinetest"
)

// A push-to-talk gate runs over a fake microphone into a fake recognizer:
// the test says what the microphone hears and what the recognizer
// understands, and checks what reached it.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // fail, never hang
	defer cancel()
	mic, rec := pipelinetest.NewSource(), &pipelinetest.Recognizer{}
	rec.Script("turn on the light")
	events := make(chan audio.Event, 4)
	ptt := audio.NewPTT(mic, rec, audio.PTTConfig{PreRoll: -1, OnEvent: func(e audio.Event) { events <- e }})
	go ptt.Run(ctx)

	ptt.Listen(1)
	if e := <-events; e.Kind != audio.Listening { // the gate passes audio on from here
		fmt.Println("unexpected", e)
		return
	}
	speech := make([]byte, 3200) // 100 ms
	if err := mic.Send(ctx, speech); err != nil {
		fmt.Println(err)
		return
	}
	if err := mic.Sync(ctx); err != nil { // the gate has passed it all on
		fmt.Println(err)
		return
	}
	ptt.Finish(1, time.Time{})
	e := <-events
	fmt.Printf("%s %v, from %d bytes\n", e, e.Err, len(rec.Utterances()[0]))
	// Output: utterance 1 heard "turn on the light" <nil>, from 3200 bytes
}
