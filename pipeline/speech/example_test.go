package speech_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hark-assistant/hark/pipeline/speech"
)

func ExampleSpeaker() {
	s, err := speech.New(speech.Config{
		Voice:   "en-us",
		Rate:    160,
		Player:  speech.CommandPlayer{Path: "sh", Args: []string{"-c", "cat > /dev/null"}}, // e.g. "aplay", "-q", "-"
		OnStart: func() { fmt.Println("microphone off") },
		OnEnd:   func() { fmt.Println("microphone on") },
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Say(context.Background(), "The kitchen light is on."); err != nil {
		log.Fatal(err)
	}
	// Output:
	// microphone off
	// microphone on
}
