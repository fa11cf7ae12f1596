package firmware

import (
	"errors"
	"fmt"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/vosk"
)

// OpenRecognizer loads the configured engine and model. An error names the
// model's path; an engine this binary lacks is an error, not a crash.
func OpenRecognizer(rc RecognizerConfig) (pipeline.Recognizer, error) {
	switch rc.Engine {
	case "vosk":
		m, err := vosk.LoadModel(rc.Model)
		if err != nil {
			return nil, err
		}
		rec, err := m.NewRecognizer(pipeline.SampleRate)
		if err != nil {
			m.Close()
			return nil, err
		}
		return &voskRecognizer{Recognizer: rec, model: m}, nil
	case "pocketsphinx":
		return openPocketsphinx(rc.Model)
	}
	return nil, fmt.Errorf("recognizer.engine: unknown engine %q", rc.Engine)
}

// voskRecognizer closes its model with it: the recognizer builds a fresh
// libvosk recognizer from the model for every utterance and grammar, so
// the model must outlive it.
type voskRecognizer struct {
	*vosk.Recognizer
	model *vosk.Model
}

func (r *voskRecognizer) Close() error {
	return errors.Join(r.Recognizer.Close(), r.model.Close())
}
