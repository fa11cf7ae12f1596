//go:build novosk

package firmware

import (
	"errors"
	"log/slog"

	"github.com/hark-assistant/hark/pipeline"
)

// VoskBuilt reports whether this binary has the Vosk engine. Boards Vosk
// publishes no library for (the ARMv6 Pi Zero and Pi 1) build with the tags
// novosk and pocketsphinx.
const VoskBuilt = false

func openVosk(string, bool, *slog.Logger) (pipeline.Recognizer, error) {
	return nil, errors.New("recognizer.engine: this hark was built without Vosk (tag novosk); use engine: pocketsphinx")
}
