package speech

import (
	"context"
	"slices"

	"github.com/hark-assistant/hark/pipeline/audio"
)

// WithVolume returns a Player that plays through p at percent of the
// speech's own level: the samples are scaled in software, and clipped at
// the 16-bit range above 100. At 100 it is p itself. The hardware level
// of a sound card is the mixer's (alsamixer).
func WithVolume(p Player, percent int) Player {
	if percent == 100 {
		return p
	}
	return volumePlayer{p, float64(max(percent, 0)) / 100}
}

type volumePlayer struct {
	p      Player
	factor float64
}

func (v volumePlayer) Play(ctx context.Context, a Audio) error {
	a.PCM = slices.Clone(a.PCM)
	audio.Scale(a.PCM, v.factor)
	return v.p.Play(ctx, a)
}
