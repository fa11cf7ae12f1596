package firmware

import (
	"fmt"

	"github.com/hark-assistant/hark/pipeline"
)

// OpenRecognizer loads the configured engine and model. An error names the
// model's path; an engine this binary lacks is an error, not a crash.
func OpenRecognizer(rc RecognizerConfig) (pipeline.Recognizer, error) {
	switch rc.Engine {
	case "vosk":
		return openVosk(rc.Model)
	case "pocketsphinx":
		return openPocketsphinx(rc.Model)
	}
	return nil, fmt.Errorf("recognizer.engine: unknown engine %q", rc.Engine)
}
