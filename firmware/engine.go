package firmware

import (
	"fmt"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/vosk"
)

// openRecognizer loads the configured engine and model.
func openRecognizer(rc RecognizerConfig) (pipeline.Recognizer, error) {
	switch rc.Engine {
	case "vosk":
		m, err := vosk.LoadModel(rc.Model)
		if err != nil {
			return nil, err
		}
		// The recognizer keeps its own reference to the model's data.
		defer m.Close()
		return m.NewRecognizer(pipeline.SampleRate)
	case "pocketsphinx":
		return openPocketsphinx(rc.Model)
	}
	return nil, fmt.Errorf("recognizer.engine: unknown engine %q", rc.Engine)
}
