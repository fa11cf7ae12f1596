package pocketsphinx

import (
	"fmt"
	"strings"
	"unicode"
)

// Lexicon reports whether the decoder can pronounce a word, i.e. whether it
// is in the pronunciation dictionary.
type Lexicon interface {
	Has(word string) bool
}

// WordSet is a Lexicon backed by a set of words; tests and callers with their
// own dictionary use it.
type WordSet map[string]bool

// Has reports whether word is in the set.
func (s WordSet) Has(word string) bool { return s[word] }

// Dropped names a phrase left out of a grammar and why.
type Dropped struct {
	Phrase string
	Reason string
	// Commands are the commands the phrase was in: for a part of a rule,
	// every command that refers to the rule, directly or through others.
	Commands []string
}

func (d Dropped) String() string { return fmt.Sprintf("%q: %s", d.Phrase, d.Reason) }

// unknownPhrase is how Vosk grammars spell "anything else"; a JSGF grammar
// has no such rule, so it is left out without a warning.
const unknownPhrase = "[unk]"

// grammarName is the JSGF grammar name; the public rule is <utterance>.
const grammarName = "hark"

// Words splits a phrase into dictionary-shaped words: lower case, letters
// and inner apostrophes only, numbers spelled out ("5" → "five",
// "25" → "twenty five"), other punctuation treated as a space. The
// dictionary spells numbers as words and so does the recogniser's output.
func Words(phrase string) []string {
	var words []string
	for _, field := range strings.FieldsFunc(strings.ToLower(phrase), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		for _, tok := range splitDigits(field) {
			if isDigits(tok) {
				words = append(words, spellNumber(tok)...)
				continue
			}
			if tok = strings.Trim(tok, "'"); tok != "" {
				words = append(words, tok)
			}
		}
	}
	return words
}

// splitDigits separates runs of digits from letters: "5pm" → "5", "pm".
func splitDigits(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if i > start && isDigit(s[i]) != isDigit(s[start]) {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

var (
	ones = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

// spellNumber spells a digit string as English words. Numbers below a
// million are spelled as a whole ("1205" → "one thousand two hundred five");
// longer ones, and ones with leading zeros, digit by digit, as people read
// codes.
func spellNumber(digits string) []string {
	if len(digits) > 6 || (len(digits) > 1 && digits[0] == '0') {
		out := make([]string, 0, len(digits))
		for _, d := range digits {
			out = append(out, ones[d-'0'])
		}
		return out
	}
	n := 0
	for _, d := range digits {
		n = n*10 + int(d-'0')
	}
	if n == 0 {
		return []string{"zero"}
	}
	var out []string
	if n >= 1000 {
		out = append(out, below1000(n/1000)...)
		out = append(out, "thousand")
		n %= 1000
	}
	return append(out, below1000(n)...)
}

func below1000(n int) []string {
	var out []string
	if n >= 100 {
		out = append(out, ones[n/100], "hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		out = append(out, ones[n])
	default:
		out = append(out, tens[n/10])
		if n%10 != 0 {
			out = append(out, ones[n%10])
		}
	}
	return out
}
