package firmware

import (
	"context"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/pipeline/speech"
)

// speaker is speech out for the assistant: espeak-ng for text, and the
// same device for audio made elsewhere (Home Assistant's answers).
type speaker struct{ *speech.Speaker }

func (s speaker) Play(ctx context.Context, a commands.Audio) error {
	return s.Speaker.Play(ctx, speech.Audio{PCM: a.PCM, SampleRate: a.Rate})
}

// Play logs audio that cannot be played: speech is off.
func (s *logSpeaker) Play(_ context.Context, a commands.Audio) error {
	s.log.Info("answer audio (not played: speech is off)", "ms", len(a.PCM)/2*1000/max(a.Rate, 1))
	return nil
}

var (
	_ assistant.AudioSpeaker = speaker{}
	_ assistant.AudioSpeaker = (*logSpeaker)(nil)
)
