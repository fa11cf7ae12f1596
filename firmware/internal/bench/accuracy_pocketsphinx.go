//go:build !nopocketsphinx

package bench

import (
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/pocketsphinx"
)

// openPocketsphinx opens PocketSphinx with Debian's en-us model and Hark's
// settings, those of s overriding them. Hark's are those of a configuration
// without wyoming:, where recognizer.reject defaults to off; "reject 2.33"
// measures them with it.
func openPocketsphinx(s Setting) decoderOpener {
	reject := s.RejectThreshold
	if reject == 0 {
		reject = -1
	}
	return func() (pipeline.Recognizer, error) {
		return pocketsphinx.New(pocketsphinx.Config{Options: s.Options, GrammarOptions: s.GrammarOptions, RejectThreshold: reject})
	}
}
