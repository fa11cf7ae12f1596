//go:build nopocketsphinx

package firmware

import (
	"errors"
	"log/slog"

	"github.com/hark-assistant/hark/pipeline"
)

// PocketsphinxBuilt reports whether this binary has the PocketSphinx engine.
const PocketsphinxBuilt = false

func openPocketsphinx(string, bool, bool, *slog.Logger) (pipeline.Recognizer, error) {
	return nil, errors.New("recognizer.engine: this hark was built without PocketSphinx; rebuild without the tag nopocketsphinx (make build does)")
}
