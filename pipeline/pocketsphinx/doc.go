// Package pocketsphinx is a pipeline.Recognizer backed by CMU PocketSphinx,
// the second recognition engine next to Vosk.
//
// It exists for two reasons: Vosk publishes no armv6 build, so a Pi Zero or
// Pi 1 (building natively on the device) needs an engine it can compile; and
// PocketSphinx has a real English model that installs offline (Debian's
// pocketsphinx-en-us), so tests decode real speech end to end.
//
// The decoder needs cgo and is built by default; the build tag
// nopocketsphinx leaves it out, so a Vosk-only binary (a cross build) does
// not link it:
//
//	apt-get install libpocketsphinx-dev pocketsphinx-en-us
//	go build ./...   # the default; -tags nopocketsphinx leaves it out
//
// Built for Debian's 0.8+5prealpha library. What needs no cgo is always
// built: FindModel (locating the model files), Words and StructuredJSGF
// (a grammar.Grammar as JSGF).
//
// SetGrammar restricts decoding to a grammar.Grammar (the command manager's
// export, or grammar.Phrases for a phrase list): its words are normalised
// (lower case, punctuation dropped, numbers spelled out), a part with a word
// the dictionary lacks is dropped with a logged warning, and the rest
// becomes a JSGF grammar keeping its structure (StructuredJSGF), an open
// slot a loop of filler words whose audio is then decoded with the
// language model (Config.OpenSlots). Open decoding with the en-us language model is
// far weaker: on espeak-ng commands it got none of seven right, the grammar
// all seven. BenchmarkPocketSphinxFinal reports latency, real-time factor
// and accuracy (35 of 35 espeak-ng commands in five voices and rates).
//
// PocketSphinx 0.8 adapts its cepstral mean normalisation only at the end of
// an utterance, so a fresh decoder's first utterance is decoded with a fixed
// initial estimate and misheard far more often; the Recognizer decodes that
// one utterance a second time, adapted.
//
// The library's own warnings and errors go to the Logger of the Recognizer
// it is working for (Config.Logger; nil discards them). Its log hook is
// process-wide, not per decoder, so each call into the library names the
// logger for the calling thread; see setLogOnce.
package pocketsphinx
