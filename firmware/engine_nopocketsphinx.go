//go:build !pocketsphinx

package firmware

import (
	"errors"

	"github.com/hark-assistant/hark/pipeline"
)

// pocketsphinxBuilt reports whether this binary has the PocketSphinx engine.
const pocketsphinxBuilt = false

func openPocketsphinx(string) (pipeline.Recognizer, error) {
	return nil, errors.New("recognizer.engine: this hark was built without PocketSphinx; rebuild with -tags pocketsphinx (make build does)")
}
