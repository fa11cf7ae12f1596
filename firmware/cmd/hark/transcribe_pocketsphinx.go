//go:build pocketsphinx

package main

import (
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// openPocketsphinxEngine loads the PocketSphinx model in dir, or Debian's
// en-us model when dir is empty.
func openPocketsphinxEngine(dir string) (pipeline.Recognizer, error) {
	if dir == "" {
		dir = pocketsphinx.DefaultModelDir
	}
	m, err := pocketsphinx.FindModel(dir)
	if err != nil {
		return nil, err
	}
	return pocketsphinx.New(pocketsphinx.Config{Model: m})
}
