package pattern

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Spoken English number words and their values.
var (
	unitWords = map[string]float64{
		"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9,
	}
	teenWords = map[string]float64{
		"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
		"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	}
	tensWords = map[string]float64{
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
		"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	}
	scaleWords = map[string]float64{
		"thousand": 1e3, "million": 1e6, "billion": 1e9,
	}
)

// numberVocabulary lists every word a spoken number can use, for grammars.
func numberVocabulary() []string {
	words := []string{"zero", "a", "hundred", "and", "point", "minus", "negative"}
	for _, m := range []map[string]float64{unitWords, teenWords, tensWords, scaleWords} {
		for w := range m {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	return words
}

func isNumberWord(w string) bool {
	switch w {
	case "zero", "a", "hundred", "and", "point", "minus", "negative":
		return true
	}
	_, u := unitWords[w]
	_, t := teenWords[w]
	_, d := tensWords[w]
	_, s := scaleWords[w]
	return u || t || d || s
}

// parseDigits reads a number written with digits: "25", "-3.5", "1,000".
func parseDigits(word string) (float64, bool) {
	if strings.ContainsFunc(word, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.' && r != ',' && r != '-'
	}) {
		return 0, false // keeps ParseFloat from accepting "1e5", "inf", "0x1p3"
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(word, ",", ""), 64)
	return v, err == nil
}

// What the previous word of a spoken number was; it decides what may follow.
type numberState int

const (
	numStart numberState = iota
	numSign
	numZero
	numUnit
	numTeen
	numTens
	numHundred
	numScale
	numAnd
	numA // "a", which only "hundred" or "thousand" may follow
)

// ParseSpoken reads a whole spoken English number, one lower-case word per
// element: "twenty five", "one hundred and two", "three point five", "minus
// four", "a hundred and five", "a thousand". It refuses word orders no one says ("five twenty", "and two"), so a
// Number parameter does not swallow words that belong to the rest of the
// utterance. Custom types spelling numbers their own way parse with it.
func ParseSpoken(words []string) (float64, bool) {
	var total, group, sign float64 = 0, 0, 1
	lastScale := math.Inf(1)
	state := numStart
	for i, w := range words {
		switch {
		case (w == "minus" || w == "negative") && state == numStart:
			sign, state = -1, numSign
		case w == "zero" && (state == numStart || state == numSign):
			state = numZero
		case w == "a" && (state == numStart || state == numSign) &&
			i+1 < len(words) && (words[i+1] == "hundred" || scaleWords[words[i+1]] > 0):
			group += 1
			state = numA
		case unitWords[w] > 0 && (state == numStart || state == numSign || state == numTens ||
			state == numHundred || state == numScale || state == numAnd):
			group += unitWords[w]
			state = numUnit
		case teenWords[w] > 0 && (state == numStart || state == numSign ||
			state == numHundred || state == numScale || state == numAnd):
			group += teenWords[w]
			state = numTeen
		case tensWords[w] > 0 && (state == numStart || state == numSign ||
			state == numHundred || state == numScale || state == numAnd):
			group += tensWords[w]
			state = numTens
		case w == "hundred" && (state == numUnit || state == numTeen || state == numTens || state == numA) && group < 100:
			group *= 100
			state = numHundred
		case scaleWords[w] > 0 && scaleWords[w] < lastScale &&
			(state == numUnit || state == numTeen || state == numTens || state == numHundred || state == numA):
			total += group * scaleWords[w]
			group, lastScale = 0, scaleWords[w]
			state = numScale
		case w == "and" && (state == numHundred || state == numScale):
			state = numAnd
		case w == "point" && state != numAnd && i+1 < len(words):
			frac, ok := parseDecimals(words[i+1:])
			if !ok {
				return 0, false
			}
			return sign * (total + group + frac), true
		default:
			return 0, false
		}
	}
	if state == numStart || state == numSign || state == numAnd {
		return 0, false
	}
	return sign * (total + group), true
}

// parseDecimals reads the digits after "point": "five" → 0.5, "one four" → 0.14.
func parseDecimals(words []string) (float64, bool) {
	var digits strings.Builder
	digits.WriteString("0.")
	for _, w := range words {
		switch {
		case w == "zero":
			digits.WriteByte('0')
		case unitWords[w] > 0:
			digits.WriteByte(byte('0' + unitWords[w]))
		default:
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(digits.String(), 64)
	return v, err == nil
}
