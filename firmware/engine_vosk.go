//go:build !novosk

package firmware

import (
	"errors"
	"log/slog"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/vosk"
)

// VoskBuilt reports whether this binary has the Vosk engine.
const VoskBuilt = true

func openVosk(dir string, openPass bool, log *slog.Logger) (pipeline.Recognizer, error) {
	m, err := vosk.LoadModel(dir, log)
	if err != nil {
		return nil, err
	}
	rec, err := m.NewRecognizer(pipeline.SampleRate)
	if err != nil {
		m.Close()
		return nil, err
	}
	rec.SetOpenPass(openPass)
	return &voskRecognizer{Recognizer: rec, model: m}, nil
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
