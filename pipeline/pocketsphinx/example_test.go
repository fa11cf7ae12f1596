package pocketsphinx_test

import (
	"fmt"

	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// A grammar becomes the JSGF PocketSphinx decodes with; a phrase with a
// word the dictionary lacks is left out and reported.
func ExampleStructuredJSGF() {
	dictionary := pocketsphinx.WordSet{"set": true, "a": true, "timer": true, "for": true, "five": true, "minutes": true, "stop": true}
	s, err := pocketsphinx.StructuredJSGF(grammar.Phrases("set a timer for five minutes", "stop", "open the pod bay doors"), dictionary)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(s.JSGF)
	fmt.Println(s.Dropped)
	// Output:
	// #JSGF V1.0;
	// grammar hark;
	// public <utterance> = <command>;
	// <command> = <c0>;
	// <c0> = ( set a timer for five minutes | stop ); // phrases
	// ["open the pod bay doors": word "open" not in the dictionary]
}
