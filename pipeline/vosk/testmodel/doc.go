// Package testmodel writes a tiny, valid Vosk (Kaldi nnet3) model and the
// synthetic audio it understands, so recognisers can be tested against the
// real libvosk without downloading a language model.
//
// The model knows five words — zero, one, two, on, off — each "pronounced" as
// a pure tone (see Words and Tone). Its acoustic model is a single affine
// layer over MFCC features that picks out one mel bin per word, and its graph
// is a free loop over the words, so a tone of a word decodes as that word,
// digital silence decodes as nothing, and the output is deterministic.
// Like real Vosk models its word table also holds "[unk]", which grammars
// use for out-of-grammar speech; no sound decodes to it unless
// Options.Unknown gives it a garbage phone.
//
// Write validates what it wrote by reading it back (FST binaries, transition
// model, network dimensions, word table), because libvosk aborts or crashes
// the whole process on some inconsistencies rather than returning an error.
//
// The package is pure Go (no cgo) so any package's tests, and
// `make test-model` (cmd/hark-testmodel), can use it.
package testmodel
