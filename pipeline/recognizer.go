package pipeline

import "github.com/hark-assistant/hark/pipeline/grammar"

// SampleRate is the rate of all audio inside Hark: 16 kHz, mono, signed 16-bit
// little-endian samples. Sources convert to it at the edge.
const SampleRate = 16000

// Recognizer turns a stream of 16 kHz mono S16LE audio into text.
// One utterance is fed with Accept, read with Partial while it lasts and
// ended with Final; Reset starts the next one. A Recognizer is not safe for
// concurrent use.
type Recognizer interface {
	// Accept feeds audio. It reports whether the engine detected the end
	// of a phrase (an endpoint) inside what it has been fed so far.
	Accept(pcm []byte) (endpoint bool, err error)
	// Partial is the best guess so far for the current utterance.
	Partial() string
	// Final flushes the utterance and returns its result. The recognizer
	// is reset afterwards, ready for the next utterance.
	Final() (Result, error)
	// Reset drops the current utterance.
	Reset() error
	// SetGrammar restricts decoding to what g can match from the next
	// utterance on; nil (or a grammar without commands) means open
	// decoding. grammar.Phrases makes one of a plain phrase list. Engines
	// that cannot restrict report ErrGrammarUnsupported and keep decoding
	// openly.
	SetGrammar(g *grammar.Grammar) error
	// Close frees the engine's resources.
	Close() error
}

// Result is the outcome of one utterance.
type Result struct {
	Text string `json:"text"`
	// Rejected: the speech was outside the grammar the recognizer was
	// given; Text is at most the nearest sentence the grammar allows, not
	// what was said. Always false when decoding openly.
	Rejected bool   `json:"rejected,omitempty"`
	Words    []Word `json:"words,omitempty"`
}

// Word is one recognised word with its time span in seconds from the start
// of the utterance and the engine's confidence in [0, 1].
type Word struct {
	Word       string  `json:"word"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"conf"`
}
