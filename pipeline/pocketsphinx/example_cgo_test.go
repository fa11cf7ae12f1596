//go:build !nopocketsphinx

package pocketsphinx_test

import (
	"fmt"
	"log"

	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

func ExampleNew() {
	r, err := pocketsphinx.New(pocketsphinx.Config{}) // the Debian en-us model
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	if err := r.SetGrammar(grammar.Phrases("turn on the light", "turn off the light")); err != nil {
		log.Fatal(err)
	}
	var pcm []byte // 16 kHz mono S16LE from the microphone, in chunks
	if _, err := r.Accept(pcm); err != nil {
		log.Fatal(err)
	}
	res, err := r.Final() // when the button is released
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", res.Text)
	// Output: ""
}
