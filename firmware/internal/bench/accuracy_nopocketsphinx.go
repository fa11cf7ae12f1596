//go:build nopocketsphinx

package bench

import (
	"errors"

	"github.com/hark-assistant/hark/pipeline"
)

// openPocketsphinx is never called without PocketSphinx: Accuracy skips
// the engine (firmware.PocketsphinxBuilt).
func openPocketsphinx(Setting) decoderOpener {
	return func() (pipeline.Recognizer, error) {
		return nil, errors.New("this hark was built without PocketSphinx")
	}
}
