//go:build pocketsphinx

package firmware

import (
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// pocketsphinxBuilt reports whether this binary has the PocketSphinx engine.
const pocketsphinxBuilt = true

// openPocketsphinx loads a PocketSphinx model from dir, or Debian's US
// English model when dir is empty.
func openPocketsphinx(dir string) (pipeline.Recognizer, error) {
	if dir == "" {
		dir = pocketsphinx.DefaultModelDir
	}
	m, err := pocketsphinx.FindModel(dir)
	if err != nil {
		return nil, err
	}
	return pocketsphinx.New(pocketsphinx.Config{Model: m})
}
