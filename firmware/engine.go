package firmware

import (
	"fmt"
	"log/slog"

	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline"
)

// OpenRecognizer loads the configured engine and model. An error names the
// model's path; an engine this binary lacks is an error, not a crash.
func OpenRecognizer(rc config.RecognizerConfig, log *slog.Logger) (pipeline.Recognizer, error) {
	switch rc.Engine {
	case "vosk":
		return openVosk(rc.Model, rc.OpenPass, log)
	case "pocketsphinx":
		return openPocketsphinx(rc.Model, rc.OpenPass, rc.Reject, log)
	}
	return nil, fmt.Errorf("recognizer.engine: unknown engine %q", rc.Engine)
}
