//go:build !nopocketsphinx

package firmware

import (
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
	"log/slog"
)

// PocketsphinxBuilt reports whether this binary has the PocketSphinx engine.
const PocketsphinxBuilt = true

// openPocketsphinx loads a PocketSphinx model from dir, or Debian's US
// English model when dir is empty; reject turns on the rejection of speech
// outside the grammar (a second, phone-loop decode of each utterance).
func openPocketsphinx(dir string, openPass, reject bool, log *slog.Logger) (pipeline.Recognizer, error) {
	if dir == "" {
		dir = pocketsphinx.DefaultModelDir
	}
	m, err := pocketsphinx.FindModel(dir)
	if err != nil {
		return nil, err
	}
	threshold := -1.0 // off
	if reject {
		threshold = pocketsphinx.DefaultRejectThreshold
	}
	return pocketsphinx.New(pocketsphinx.Config{Model: m, Logger: log, OpenSlots: openSlots(openPass), RejectThreshold: threshold})
}

func openSlots(openPass bool) pocketsphinx.OpenMode {
	if openPass {
		return pocketsphinx.OpenSecondPass
	}
	return pocketsphinx.OpenOff
}
