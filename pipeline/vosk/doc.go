// Package vosk is the Vosk (Kaldi) speech recogniser behind
// pipeline.Recognizer, using libvosk through the
// github.com/alphacep/vosk-api/go binding.
//
// Load a model once with LoadModel and create one Recognizer per audio
// stream with Model.NewRecognizer. Results carry per-word times measured
// from the start of each utterance. SetGrammar expands a grammar.Grammar to
// a phrase list, which needs a model with a runtime graph (graph/HCLr.fst +
// graph/Gr.fst, like the small Vosk models); with a precompiled
// graph/HCLG.fst decoding stays open and SetGrammar returns
// pipeline.ErrGrammarUnsupported.
//
// libvosk aborts or crashes the process on some broken models instead of
// failing, and the binding hides the NULL it returns on others. LoadModel
// therefore checks the model directory before libvosk sees it, and every
// handle the binding returns is checked for NULL, so a missing or broken
// model is an error naming the path.
//
// Building needs libvosk's header and library (the Makefile sets these):
//
//	CGO_CPPFLAGS=-I.../scripts/vosk
//	CGO_LDFLAGS="-L.../third_party/vosk/linux-ARCH -Wl,-rpath,..."
//
// Tests run against the real libvosk with the synthetic model of package
// testmodel, whose five words are pure tones.
package vosk
