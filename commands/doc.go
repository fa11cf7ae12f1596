// Package commands turns recognised utterances into command calls and their
// answers.
//
// Commands are declared in Go with a name, a pattern (see package pattern)
// and a Handler. A Manager, built once with NewManager, checks them all at
// start (every pattern compiles, every parameter type is registered, no two
// patterns are the same, spacing, case, punctuation and parameter names
// aside: see pattern.Pattern.Canonical) and then finds the commands in an
// utterance — several per utterance, in spoken order: "turn on the light and
// what time is it" yields two matches. Where matches overlap, the command
// declared first wins and the rest of the utterance is searched again. Connectors
// ("and", "then") between commands are dropped, and an open slot such as
// `note $text:String` stops before "and" when a command follows it.
//
// A Handler is Blocking (the default: it runs on a worker, off the main
// loop) or Async (it runs on the main loop and must give the loop up through
// its Runtime to wait). Match.Invoke calls a handler and turns an error or a
// panic into an error Response naming the command; it does not care where
// it runs, so the dispatcher that owns the scheduler decides.
//
// Responses carry text, the voice to speak (the text by default), a Status,
// and may open a follow-up Context ("which room?" → "the kitchen"): the next
// utterance is matched against the innermost open context first, then
// outward to the root. Contexts close explicitly or after their timeout.
// The built-in "repeat" command replays the last recorded response; when
// nothing matches, the dispatcher answers NotFound().
//
// A Manager is owned by the main loop: Match, Record, CloseContext, Last,
// Available and Grammar keep state without locks and must be called from
// that one goroutine. NewContext and Match.Invoke are safe anywhere.
//
// Grammar exports the phrases and words the active commands can match, so
// the recognizer can restrict decoding to what Hark can act on.
package commands
