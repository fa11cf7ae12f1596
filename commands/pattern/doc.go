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
//	$n:Number(1..120)        a whole number from 1 to 120; (0..100 step 5):
//	                         0, 5, 10 … 100
//	$state:(on|off)          which alternative was said: "on" or "off", as
//	                         spoken
//	$state:(on=1|off=0)      the same with a value per alternative: "1" or
//	                         "0"; an alternative without =VALUE stands
//	                         for its words
//
// Groups, ( ) and { }, nest at most 10 deep.
//
// A value, after '=' at the end of an alternative of $name:( ), runs to
// the next '|' or ')' (spaces inside it are kept, around it dropped) and
// cannot hold '(': $room:(lounge=living room|kitchen). The alternatives
// may hold any pattern, parameters too: $act:(dim $by:Number=down|brighten=up).
//
// A parameter name is bound at most once in a match, but may come again
// in another alternative with the same type:
// (turn on the $where:room light|light the $where:room).
//
// Sentence templates as Home Assistant and Rhasspy write them compile to
// the same structure with CompileTemplate; see its documentation.
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
