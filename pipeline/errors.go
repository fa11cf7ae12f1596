package pipeline

import "errors"

// ErrGrammarUnsupported is returned by SetGrammar when the loaded model or
// engine cannot restrict decoding; recognition goes on, unrestricted.
var ErrGrammarUnsupported = errors.New("grammar restriction not supported by this model")
