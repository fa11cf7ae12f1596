//go:build !nopocketsphinx

package bench

import (
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// openPocketsphinx opens PocketSphinx with Debian's en-us model and Hark's
// settings, those of s overriding them.
func openPocketsphinx(s Setting) decoderOpener {
	return func() (pipeline.Recognizer, error) {
		return pocketsphinx.New(pocketsphinx.Config{Options: s.Options, GrammarOptions: s.GrammarOptions, RejectThreshold: s.RejectThreshold})
	}
}
