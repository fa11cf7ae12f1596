// Package pattern is Hark's command pattern language: a small grammar of
// words, alternatives, repetitions, wildcards and typed parameters that is
// compiled once and then searched for in recognised utterances.
//
// Syntax:
//
//	turn on the light        words, matched case-insensitively; punctuation in
//	                         the utterance is ignored and Unicode words work
//	(on|off)                 exactly one alternative; alternatives may hold
//	                         several words and nest
//	(please|kindly)?         an optional group
//	{up|down}                one or more repetitions: "up up down"
//	*                        any single word
//	**                       one or more words
//	$room:Word               a named, typed parameter
//	$room:Word?              an optional parameter (absent means not set)
//
// Groups, ( ) and { }, nest at most 10 deep.
//
// A pattern is searched in the utterance: `turn on the light` matches
// "please turn on the light now". Where a match can start at several places
// the leftmost wins. Open slots (`**`, String) are lazy — they stop at the
// first place the rest of the pattern matches — unless nothing but optional
// parts follows them in the pattern; then they take the rest of the utterance.
// Repetitions, optional parts and numbers are greedy.
//
// Built-in types are Word (one word), String (one or more words) and Number
// (digits such as "25", "-3.5" or "1,000", and spoken English numbers such as
// "twenty five", "one hundred and two" or "three point five"). Custom types
// are added to a Types registry with their own pattern and a Parse hook that
// may reject a candidate (the matcher then tries the next one) or convert it;
// their patterns may hold typed parameters of other types, and Union builds
// a type that is any one of several others.
//
// Matching backtracks, bounded: a pathological pattern such as {a|a} that
// would take exponential time on a long utterance, or a Number parameter
// reading a hostile utterance of thousands of number words, gives up (no
// match) after a fixed number of steps; ordinary patterns and utterances
// never come near it.
//
// Compiled patterns and a Types registry that is no longer added to are safe
// for concurrent use.
package pattern
