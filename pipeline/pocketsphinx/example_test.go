package pocketsphinx_test

import (
	"fmt"

	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

func ExampleJSGF() {
	dictionary := pocketsphinx.WordSet{"set": true, "a": true, "timer": true, "for": true, "five": true, "minutes": true, "stop": true}
	grammar, _, dropped, err := pocketsphinx.JSGF([]string{"Set a timer for 5 minutes", "stop", "open the pod bay doors"}, dictionary)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(grammar)
	fmt.Println(dropped)
	// Output:
	// #JSGF V1.0;
	// grammar hark;
	// public <utterance> = <phrase> ( ( and | then ) <phrase> )*;
	// <phrase> = set a timer for five minutes
	//     | stop;
	// ["open the pod bay doors": word "open" not in the dictionary]
}
