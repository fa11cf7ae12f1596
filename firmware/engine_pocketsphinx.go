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
// English model when dir is empty.
func openPocketsphinx(dir string, openPass bool, log *slog.Logger) (pipeline.Recognizer, error) {
	if dir == "" {
		dir = pocketsphinx.DefaultModelDir
	}
	m, err := pocketsphinx.FindModel(dir)
	if err != nil {
		return nil, err
	}
	return pocketsphinx.New(pocketsphinx.Config{Model: m, Logger: log, OpenSlots: openSlots(openPass)})
}

func openSlots(openPass bool) pocketsphinx.OpenMode {
	if openPass {
		return pocketsphinx.OpenSecondPass
	}
	return pocketsphinx.OpenOff
}
