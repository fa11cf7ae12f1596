package pattern

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of an utterance.
type Token struct {
	Text       string // as written in the utterance (NFC)
	Norm       string // case-folded form used for matching: "STRASSE" and "straße" are both "strasse"
	Start, End int    // byte offsets of Text in the utterance
}

// Utterance is a text split into words, ready to be matched.
type Utterance struct {
	Text   string
	Tokens []Token
	words  map[string]bool // every Norm, for a quick "can this pattern match at all"
}

// Split cuts text into words, after normalising it to NFC (so a
// decomposed "café" is the composed one; Utterance.Text is the NFC text). A word is a run of letters, marks and digits,
// in any script; an apostrophe between letters ("what's") and a point or a
// comma between digits ("3.5", "1,000") stay inside the word, and a minus
// sign directly before a digit starts one ("-3"). Everything else separates
// words and is dropped, so typed punctuation does not get in the way.
func Split(text string) Utterance {
	text = norm.NFC.String(text)
	u := Utterance{Text: text, words: map[string]bool{}}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) && !(r == '-' && startsWithDigit(text[i+size:])) {
			i += size
			continue
		}
		start := i
		i += size
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) || joinsWord(r, text[:i], text[i+size:]) {
				i += size
				continue
			}
			break
		}
		word := text[start:i]
		norm := normalize(word)
		u.Tokens = append(u.Tokens, Token{Text: word, Norm: norm, Start: start, End: i})
		u.words[norm] = true
	}
	return u
}

// span returns the utterance text covered by tokens [from, to), as spoken.
func (u Utterance) span(from, to int) string {
	if from >= to {
		return ""
	}
	return u.Text[u.Tokens[from].Start:u.Tokens[to-1].End]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// joinsWord reports whether r, found between before and after, belongs
// inside a word rather than separating two.
func joinsWord(r rune, before, after string) bool {
	prev, _ := utf8.DecodeLastRuneInString(before)
	next, _ := utf8.DecodeRuneInString(after)
	switch r {
	case '\'', '’':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case '.', ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// normalize is the form words are compared in: NFC, full Unicode case
// folding (ß folds to ss, as ẞ and SS do) and ’ as '.
func normalize(word string) string {
	return strings.ReplaceAll(cases.Fold().String(norm.NFC.String(word)), "’", "'")
}

// lower is a word as grammars spell it: NFC and lower case, not folded
// ("straße" stays "straße"; a pronunciation dictionary has that form).
func lower(word string) string {
	return strings.ReplaceAll(strings.ToLower(norm.NFC.String(word)), "’", "'")
}
