//go:build !pocketsphinx

package main

import (
	"errors"

	"github.com/hark-assistant/hark/pipeline"
)

func openPocketsphinxEngine(string) (pipeline.Recognizer, error) {
	return nil, errors.New("--engine pocketsphinx: this hark was built without it; rebuild with -tags pocketsphinx (make build does)")
}
