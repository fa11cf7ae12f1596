// Package lang holds Hark's language packs: for one language, the spoken
// numbers (parsing and the number grammar recognizers get), the joiners
// between commands, the built-in commands' sentences, every reply Hark
// speaks, how times, dates and durations are said, and the default
// espeak-ng voice. English (en), German (de) and French (fr) are shipped,
// embedded; Load also reads a pack file by its path, or by its code from
// SearchDirs (/etc/hark/lang/<code>.yaml), so a language is added without
// touching Go. Parse checks a pack and reports every problem as
// file:line: message.
//
// A pack is a YAML file (see packs/en.yaml, annotated):
//
//	language: nl              the code, also sent to Home Assistant
//	name: Nederlands
//	voice: nl                 espeak-ng's voice
//	joiners: [en, dan]        words between two commands in one utterance
//	numbers:                  see pattern.NumberSpec
//	  zero: nul               (a word YAML reads otherwise, such as null, is quoted)
//	  minus: min
//	  point: komma            decimals follow digit by digit
//	  words: {1: een, …, 19: negentien, 20: twintig, …, 90: negentig}
//	  combining: {}           a word's form inside a compound or before a scale
//	  tens: "{units}en{tens}" a tens word and the rest: eenentwintig
//	  exceptions: {}          whole forms replacing a compound (French 21 "vingt et un")
//	  scales:                 smallest first; 100 first
//	    - value: 100
//	      one: honderd        1×100, before anything
//	      one_and: []         1×100 alone or before join_small only (English "a hundred")
//	      many: "{n}honderd"  n×100, n from 2
//	      many_alone: ""      n×100 when nothing follows (French "{n} cents")
//	      join: "{head}{rest}"
//	      join_small: []      more joins, for a rest below 100 ("{head} and {rest}")
//	commands:                 the built-ins: time, date, timer, timer_status,
//	  time:                   cancel_timer, help, stop, repeat; a pattern in
//	    pattern: "hoe laat is het"   Hark's syntax and the phrase "what can I say"
//	    example: hoe laat is het     offers (none: not offered)
//	units: {second: [seconde, seconden], minute: […], hour: […]}
//	count_one: [één]          more words for 1 in the timer's count
//	durations: {hour: {one: "1 uur", many: "{n} uur"}, …, separator: ", ", last: " en "}
//	time:
//	  clock: "{hour}:{minute}"     {hour} {hour12} {minute} {minute_plain} {ampm}
//	  on_the_hour: "{hour} uur"    when the minute is 0 (optional)
//	  am: ""; pm: ""
//	  date: "{weekday} {day} {month}"   {weekday} {day} {month} {year}
//	  weekdays: [zondag, …]        Sunday first
//	  months: [januari, …]
//	replies: {time: "Het is {time}.", …}   every reply of Replies, with its placeholders
//
// Numbers: a number below 100 is a word of words, an exception, or the
// largest tens word below it and the rest, combined by tens (French 77 =
// 60 + 17: soixante-dix-sept). Larger numbers are a scale's head and,
// after a join, the rest. Only these forms are accepted and put in the
// grammar: what people say in the language and nothing else (no English
// "a hundred five": "a hundred" is one_and). Hyphens are spaces to Hark,
// and compounds are taken joined or apart (German "fünfundzwanzig" and
// "fünf und zwanzig"); the grammar spells words below 100 and a scale's
// head as the pack writes them, and a head and its rest apart
// ("zweihundert fünfundzwanzig"), as Vosk's models hold them.
package lang
