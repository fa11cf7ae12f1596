package pattern

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hark-assistant/hark/pipeline/grammar"
)

// NumberSpec is how one language says numbers: the numbers section of a
// language pack (package commands/lang documents it as a file). NewNumbers
// turns it into a Numbers, which parses, spells and gives the recognizer's
// grammar.
//
// A whole number below the first scale (100) is said as a word of Words,
// as an Exception, or as a tens word and the rest, combined by Tens; the
// tens word is the largest multiple of ten in Words not above the number,
// and the rest is said the same way (French 77 = 60 + 17: "soixante-dix-
// sept"). Inside such a compound, and before a scale word, a word takes its
// Combining form (German 1 "eins" becomes "ein": "einundzwanzig",
// "eintausend"; French 80 "quatre-vingts" becomes "quatre-vingt":
// "quatre-vingt-un"). Larger numbers are a head (One, OneAnd or Many of a
// scale) and, after one of the Join or JoinSmall templates, the rest.
//
// Only the forms this describes are accepted, so the grammar holds what
// people say and nothing else (no English "a hundred five"). A hyphen and
// a space are the same, and words may be written joined or apart: German
// "fünfundzwanzig" and "fünf und zwanzig" are both 25.
type NumberSpec struct {
	Zero  []string // words for 0, the first one spoken: ["zero"]
	Minus []string // words before a negative number: ["minus", "negative"]
	// Point are the words before the decimals, which are said digit by
	// digit: "three point one four".
	Point []string
	// Words are the numbers said as one word (or a fixed phrase) below the
	// first scale: at least 1 to 9 and the tens. The first form is spoken.
	Words map[int][]string
	// Combining is the form a word of Words takes inside a compound or
	// before a scale word, where it differs.
	Combining map[int]string
	// Tens combines a tens word and the rest below it: "{tens} {units}"
	// (English "twenty five"), "{units}und{tens}" (German), "{tens}-{units}"
	// (French).
	Tens string
	// Exceptions replace the compound of a number below the first scale:
	// French 21 "vingt et un".
	Exceptions map[int][]string
	// Scales are the multipliers, smallest first: 100, 1000, 1000000.
	Scales []ScaleSpec
}

// ScaleSpec is how a power of ten (hundred, thousand, million) is said.
// Its multiplier goes from 1 to one below the next scale's value over its
// own (1 to 9 for hundred, 1 to 999 for the last scale).
type ScaleSpec struct {
	Value int
	// One are the forms of 1×Value that may be followed by anything ("one
	// hundred", German "hundert", "einhundert", French "cent").
	One []string
	// OneAnd are forms of 1×Value said alone, before JoinSmall, or before
	// a rest from the first scale up: English "a hundred", "a hundred and
	// five", but not "a hundred five".
	OneAnd []string
	// Many says n×Value for n ≥ 2: "{n} hundred", German "{n}hundert".
	Many string
	// ManyAlone, if set, replaces Many when nothing follows: French "{n}
	// cents" ("deux cents", but "deux cent un", "deux cent mille").
	ManyAlone string
	// Join are the ways a head and a rest combine: "{head} {rest}".
	Join []string
	// JoinSmall are more ways, for a rest below 100: "{head} and {rest}".
	JoinSmall []string
}

// Numbers is a language's spoken numbers, built by NewNumbers; nil is
// English as ParseSpoken, Spell and DefaultNumberPhrases have it. It is
// safe for concurrent use.
type Numbers struct {
	spec  NumberSpec
	small int // the first scale's value: Words and compounds are below it
	atoms map[string]bool
	// maxAtom is the longest atom in bytes, bounding segmentation.
	maxAtom                int
	zero, minus, point     map[string]bool
	digits                 map[string]int // the words of 0–9 for decimals
	alone, followed        map[string]int // atom keys of the numbers below small
	aloneForms, followForm [][]string     // forms by value below small
	scales                 []scale
}

type scale struct {
	ScaleSpec
	limit              int        // multipliers are below it
	one, oneAnd        [][]string // atom keys
	many, manyAlone    template
	join, joinSmall    [][]string // middle atoms
	joinText, smallTxt []string   // the middle words as spelled ("", "and")
}

// template is a "{n} word" template split around its placeholder.
type template struct {
	set          bool
	before       string // text before the placeholder
	after        string // text after it
	joinedBefore bool   // no space between the placeholder and after
	afterAtoms   []string
}

// NewNumbers checks spec and builds its Numbers.
func NewNumbers(spec NumberSpec) (*Numbers, error) {
	ns := &Numbers{spec: spec, atoms: map[string]bool{}, zero: set(spec.Zero), minus: set(spec.Minus), point: set(spec.Point), digits: map[string]int{}}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(spec.Zero) == 0 {
		bad("numbers: no word for zero (quote a word YAML reads otherwise, such as \"null\")")
	}
	if len(spec.Point) == 0 {
		bad("numbers: no word for the decimal point")
	}
	if len(spec.Scales) == 0 {
		bad("numbers: no scales (hundred, thousand, …)")
		return nil, errors.Join(errs...)
	}
	ns.small = spec.Scales[0].Value
	if ns.small != 100 {
		bad("numbers: the first scale is %d, want 100", ns.small)
		return nil, errors.Join(errs...)
	}
	for i := 1; i <= 9; i++ {
		if len(spec.Words[i]) == 0 {
			bad("numbers: words: no word for %d", i)
		}
	}
	for v, forms := range spec.Words {
		if v < 1 || v >= ns.small {
			bad("numbers: words: %d is not between 1 and %d", v, ns.small-1)
		}
		if len(forms) == 0 {
			bad("numbers: words: %d has no form", v)
		}
	}
	for v := range spec.Combining {
		if len(spec.Words[v]) == 0 {
			bad("numbers: combining: %d is not in words", v)
		}
	}
	for v := range spec.Exceptions {
		if v < 1 || v >= ns.small {
			bad("numbers: exceptions: %d is not between 1 and %d", v, ns.small-1)
		}
	}
	if !strings.Contains(spec.Tens, "{tens}") || !strings.Contains(spec.Tens, "{units}") {
		bad("numbers: tens %q: want both {tens} and {units}", spec.Tens)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Atoms: every word of every form and every literal of a template.
	addAtoms := func(text string) {
		for _, piece := range placeholderRE.Split(text, -1) {
			for _, w := range splitWords(piece) {
				ns.atoms[normalize(w)] = true
				ns.maxAtom = max(ns.maxAtom, len(normalize(w)))
			}
		}
	}
	for _, forms := range spec.Words {
		for _, f := range forms {
			addAtoms(f)
		}
	}
	for _, f := range spec.Combining {
		addAtoms(f)
	}
	for _, forms := range spec.Exceptions {
		for _, f := range forms {
			addAtoms(f)
		}
	}
	addAtoms(spec.Tens)
	for i, sc := range spec.Scales {
		for _, f := range slices.Concat(sc.One, sc.OneAnd, sc.Join, sc.JoinSmall, []string{sc.Many, sc.ManyAlone}) {
			addAtoms(f)
		}
		if i > 0 && sc.Value <= spec.Scales[i-1].Value {
			bad("numbers: scales: %d does not follow %d in size", sc.Value, spec.Scales[i-1].Value)
		}
		if i > 0 && sc.Value%spec.Scales[i-1].Value != 0 {
			bad("numbers: scales: %d is not a multiple of %d", sc.Value, spec.Scales[i-1].Value)
		}
		if len(sc.One) == 0 && len(sc.OneAnd) == 0 {
			bad("numbers: scale %d: no form for one %d (one)", sc.Value, sc.Value)
		}
		if !strings.Contains(sc.Many, "{n}") {
			bad("numbers: scale %d: many %q has no {n}", sc.Value, sc.Many)
		}
		if sc.ManyAlone != "" && !strings.Contains(sc.ManyAlone, "{n}") {
			bad("numbers: scale %d: many_alone %q has no {n}", sc.Value, sc.ManyAlone)
		}
		if len(sc.Join) == 0 {
			bad("numbers: scale %d: no join (e.g. \"{head} {rest}\")", sc.Value)
		}
		for _, j := range slices.Concat(sc.Join, sc.JoinSmall) {
			if !strings.HasPrefix(j, "{head}") || !strings.HasSuffix(j, "{rest}") {
				bad("numbers: scale %d: join %q: want {head} first and {rest} last", sc.Value, j)
			}
		}
	}
	for _, w := range slices.Concat(spec.Zero, spec.Minus, spec.Point) {
		if len(splitWords(w)) != 1 {
			bad("numbers: %q: zero, minus and point are one word each", w)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, w := range spec.Zero {
		ns.digits[normalize(w)] = 0
	}
	for d := 1; d <= 9; d++ {
		for _, f := range spec.Words[d] {
			if len(splitWords(f)) == 1 {
				ns.digits[normalize(f)] = d
			}
		}
	}
	// The numbers below the first scale.
	ns.alone, ns.followed = map[string]int{}, map[string]int{}
	ns.aloneForms, ns.followForm = make([][]string, ns.small), make([][]string, ns.small)
	for v := 1; v < ns.small; v++ {
		ns.aloneForms[v] = ns.spellSmall(v, false)
		ns.followForm[v] = ns.spellSmall(v, true)
		if len(ns.aloneForms[v]) == 0 {
			bad("numbers: %d cannot be said: no word and no tens word below it", v)
			continue
		}
		for _, f := range ns.aloneForms[v] {
			if err := ns.keep(ns.alone, f, v); err != nil {
				bad("numbers: %v", err)
			}
		}
		for _, f := range ns.followForm[v] {
			if err := ns.keep(ns.followed, f, v); err != nil {
				bad("numbers: %v", err)
			}
		}
	}
	for i, sc := range spec.Scales {
		s := scale{ScaleSpec: sc, limit: 1000}
		if i+1 < len(spec.Scales) {
			s.limit = spec.Scales[i+1].Value / sc.Value
		}
		for _, f := range sc.One {
			s.one = append(s.one, ns.atomsOf(f))
		}
		for _, f := range sc.OneAnd {
			s.oneAnd = append(s.oneAnd, ns.atomsOf(f))
		}
		s.many = ns.template(sc.Many)
		if sc.ManyAlone != "" {
			s.manyAlone = ns.template(sc.ManyAlone)
		}
		for _, j := range sc.Join {
			mid := strings.TrimSuffix(strings.TrimPrefix(j, "{head}"), "{rest}")
			s.join, s.joinText = append(s.join, ns.atomsOf(mid)), append(s.joinText, strings.TrimSpace(mid))
		}
		for _, j := range sc.JoinSmall {
			mid := strings.TrimSuffix(strings.TrimPrefix(j, "{head}"), "{rest}")
			s.joinSmall, s.smallTxt = append(s.joinSmall, ns.atomsOf(mid)), append(s.smallTxt, strings.TrimSpace(mid))
		}
		ns.scales = append(ns.scales, s)
	}
	for _, w := range slices.Concat(spec.Zero, spec.Minus, spec.Point) {
		if ns.atoms[normalize(w)] {
			bad("numbers: %q is both a number word and zero, minus or point", w)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ns, nil
}

var placeholderRE = regexp.MustCompile(`\{\w+\}`)

// keep adds form's atom key to table as v, refusing a form said for two
// numbers.
func (ns *Numbers) keep(table map[string]int, form string, v int) error {
	key := strings.Join(ns.atomsOf(form), " ")
	if prev, dup := table[key]; dup && prev != v {
		return fmt.Errorf("%q is said for both %d and %d", form, prev, v)
	}
	table[key] = v
	return nil
}

func set(words []string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[normalize(w)] = true
	}
	return m
}

// splitWords splits text at spaces and hyphens.
func splitWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '-' || r == '\t' })
}

// atomsOf is text as number atoms: its words, each segmented into the
// fewest atoms ("einundzwanzig" → ein und zwanzig); nil if a word is not
// made of atoms.
func (ns *Numbers) atomsOf(text string) []string {
	var out []string
	for _, w := range splitWords(text) {
		seg := ns.segment(normalize(w))
		if seg == nil {
			return nil
		}
		out = append(out, seg...)
	}
	return out
}

// segment splits a normalized word into the fewest atoms, nil if it cannot.
func (ns *Numbers) segment(w string) []string {
	if ns.atoms[w] {
		return []string{w}
	}
	if len(w) > 64 {
		return nil // no number word is that long; keeps the work bounded
	}
	best := make([][]string, len(w)+1) // best[i]: the fewest atoms of w[:i]
	reached := make([]bool, len(w)+1)
	reached[0] = true
	for i := 0; i < len(w); i++ {
		if !reached[i] {
			continue
		}
		for j := i + 1; j <= len(w) && j-i <= ns.maxAtom; j++ {
			if !ns.atoms[w[i:j]] {
				continue
			}
			if !reached[j] || len(best[i])+1 < len(best[j]) {
				reached[j] = true
				best[j] = append(slices.Clip(best[i]), w[i:j])
			}
		}
	}
	if !reached[len(w)] {
		return nil
	}
	return best[len(w)]
}

func (ns *Numbers) template(t string) template {
	before, after, _ := strings.Cut(t, "{n}")
	return template{
		set: true, before: before, after: after,
		joinedBefore: after != "" && !strings.HasPrefix(after, " ") && !strings.HasPrefix(after, "-"),
		afterAtoms:   ns.atomsOf(after),
	}
}

func (t template) fill(n string) string { return t.before + n + t.after }

// spellSmall spells 0 < v < small, alone or followed by more of the
// number (inside a compound or before a scale word).
func (ns *Numbers) spellSmall(v int, followed bool) []string {
	var out []string
	if c, ok := ns.spec.Combining[v]; ok && followed {
		return []string{c}
	}
	if forms, ok := ns.spec.Exceptions[v]; ok {
		return append(out, forms...)
	}
	if forms, ok := ns.spec.Words[v]; ok {
		return append(out, forms...)
	}
	tens := 0
	for t := range ns.spec.Words {
		if t%10 == 0 && t >= 10 && t < v && t > tens {
			tens = t
		}
	}
	if tens == 0 {
		return nil
	}
	heads := ns.spellSmall(tens, true)[:1]
	rests := ns.spellSmall(v-tens, true)
	for _, h := range heads {
		for _, r := range rests {
			out = append(out, strings.NewReplacer("{tens}", h, "{units}", r).Replace(ns.spec.Tens))
		}
	}
	return out
}

// Spell spells a whole number as the language says it, Parse's inverse:
// every form, the plainest first; joins between a scale's head and the
// rest are spelt with spaces ("zweihundert fünfundzwanzig"), as speech
// recognizers' vocabularies hold them. Numbers past a billion in size are
// not spelled (nil). A nil Numbers spells as the package's Spell.
func (ns *Numbers) Spell(n int) []string {
	if ns == nil {
		return Spell(n)
	}
	if n < 0 {
		var out []string
		for _, s := range ns.Spell(-n) {
			out = append(out, lower(ns.spec.Minus[0])+" "+s)
		}
		return out
	}
	if n == 0 {
		return []string{lower(ns.spec.Zero[0])}
	}
	if n >= ns.top() {
		return nil
	}
	forms := ns.spell(n, len(ns.scales)-1, false)
	for i, f := range forms {
		forms[i] = lower(strings.Join(splitWords(f), " "))
	}
	return uniq(forms)
}

// top is the first number too big to say.
func (ns *Numbers) top() int {
	last := ns.scales[len(ns.scales)-1]
	return last.Value * last.limit
}

// spell spells 0 < n < top of scale k, followed or not by more.
func (ns *Numbers) spell(n, k int, followed bool) []string {
	if k < 0 {
		if followed {
			return ns.followForm[n]
		}
		return ns.aloneForms[n]
	}
	s := ns.scales[k]
	if n < s.Value {
		return ns.spell(n, k-1, followed)
	}
	m, r := n/s.Value, n%s.Value
	var heads, andHeads []string
	if m == 1 {
		heads, andHeads = s.One, s.OneAnd
	} else {
		t := s.many
		if r == 0 && !followed && s.manyAlone.set {
			t = s.manyAlone
		}
		for _, f := range ns.spell(m, k-1, true) {
			heads = append(heads, t.fill(f))
		}
	}
	if r == 0 {
		return slices.Concat(heads, andHeads)
	}
	rests := ns.spell(r, k-1, followed)
	var out []string
	add := func(hs, mids []string) {
		for _, h := range hs {
			for _, mid := range mids {
				for _, rest := range rests {
					out = append(out, strings.Join(slices.DeleteFunc([]string{h, mid, rest}, func(s string) bool { return s == "" }), " "))
				}
			}
		}
	}
	add(heads, s.joinText)
	if r < 100 {
		add(heads, s.smallTxt)
		add(andHeads, s.smallTxt)
	} else {
		add(andHeads, s.joinText)
	}
	return out
}

// IsWord reports whether w, a normalized word, can be part of a spoken
// number. A nil Numbers answers for English as the matcher always has.
func (ns *Numbers) IsWord(w string) bool {
	if ns == nil {
		return isNumberWord(w)
	}
	return ns.zero[w] || ns.minus[w] || ns.point[w] || ns.segment(w) != nil
}

// Parse reads a whole spoken number, one normalized word per element: a
// sign, then zero or a whole number, then the point and decimals said one
// digit at a time. It refuses forms the language does not use. A nil
// Numbers parses as ParseSpoken.
func (ns *Numbers) Parse(words []string) (float64, bool) {
	if ns == nil {
		return ParseSpoken(words)
	}
	sign := 1.0
	if len(words) > 0 && ns.minus[words[0]] {
		sign, words = -1, words[1:]
	}
	whole, dec := words, []string(nil)
	if i := slices.IndexFunc(words, func(w string) bool { return ns.point[w] }); i >= 0 {
		whole, dec = words[:i], words[i+1:]
		if len(dec) == 0 {
			return 0, false
		}
	}
	var v float64
	switch {
	case len(whole) == 0 && dec == nil:
		return 0, false
	case len(whole) == 1 && ns.zero[whole[0]]:
	case len(whole) > 0:
		var atoms []string
		for _, w := range whole {
			seg := ns.segment(w)
			if seg == nil {
				return 0, false
			}
			atoms = append(atoms, seg...)
		}
		n, ok := ns.parse(atoms, len(ns.scales)-1, false)
		if !ok {
			return 0, false
		}
		v = float64(n)
	}
	if dec != nil {
		var digits strings.Builder
		digits.WriteString("0.")
		for _, w := range dec {
			d, ok := ns.digits[w]
			if !ok {
				return 0, false
			}
			digits.WriteByte(byte('0' + d))
		}
		f, err := strconv.ParseFloat(digits.String(), 64)
		if err != nil {
			return 0, false
		}
		v += f
	}
	return sign * v, true
}

// parse reads atoms as a number below the top of scale k, followed or not.
func (ns *Numbers) parse(atoms []string, k int, followed bool) (int, bool) {
	if len(atoms) == 0 {
		return 0, false
	}
	if k < 0 {
		table := ns.alone
		if followed {
			table = ns.followed
		}
		v, ok := table[strings.Join(atoms, " ")]
		return v, ok
	}
	if v, ok := ns.parse(atoms, k-1, followed); ok {
		return v, true
	}
	s := ns.scales[k]
	// rest reads what follows a head of value head; small allows only
	// JoinSmall before a rest below 100 (the OneAnd forms).
	rest := func(head int, tail []string, andOnly bool) (int, bool) {
		if len(tail) == 0 {
			return head, true
		}
		try := func(mids [][]string, small bool) (int, bool) {
			for _, mid := range mids {
				if len(tail) <= len(mid) || !slices.Equal(tail[:len(mid)], mid) {
					continue
				}
				r, ok := ns.parse(tail[len(mid):], k-1, followed)
				if ok && r < s.Value && (!small || r < 100) && (!andOnly || small || r >= 100) {
					return head + r, true
				}
			}
			return 0, false
		}
		if v, ok := try(s.join, false); ok {
			return v, true
		}
		return try(s.joinSmall, true)
	}
	for _, one := range s.one {
		if hasPrefix(atoms, one) {
			if v, ok := rest(s.Value, atoms[len(one):], false); ok {
				return v, true
			}
		}
	}
	for _, one := range s.oneAnd {
		if hasPrefix(atoms, one) {
			if v, ok := rest(s.Value, atoms[len(one):], true); ok {
				return v, true
			}
		}
	}
	for ti, t := range []template{s.many, s.manyAlone} {
		if !t.set || len(t.afterAtoms) == 0 {
			continue
		}
		for i := 1; i+len(t.afterAtoms) <= len(atoms); i++ {
			if !slices.Equal(atoms[i:i+len(t.afterAtoms)], t.afterAtoms) {
				continue
			}
			tail := atoms[i+len(t.afterAtoms):]
			alone := len(tail) == 0 && !followed
			if s.manyAlone.set && (ti == 1) != alone && !slices.Equal(s.many.afterAtoms, s.manyAlone.afterAtoms) {
				continue // "deux cents" alone, "deux cent" before more
			}
			m, ok := ns.parse(atoms[:i], k-1, true)
			if !ok || m < 2 || m >= s.limit {
				continue
			}
			if v, ok := rest(m*s.Value, tail, false); ok {
				return v, true
			}
		}
	}
	return 0, false
}

func hasPrefix(atoms, prefix []string) bool {
	return len(prefix) > 0 && len(atoms) >= len(prefix) && slices.Equal(atoms[:len(prefix)], prefix)
}

// Vocabulary lists every word a spoken number can use in the recognizer's
// grammar, sorted. A nil Numbers lists English's.
func (ns *Numbers) Vocabulary() []string {
	if ns == nil {
		return numberVocabulary()
	}
	seen := map[string]bool{}
	for _, r := range ns.GrammarRules() {
		collectWords(r.Body, seen)
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	sort.Strings(words)
	return words
}

func collectWords(n grammar.Node, seen map[string]bool) {
	if n.Kind == grammar.Word {
		seen[n.Text] = true
	}
	for _, it := range n.Items {
		collectWords(it, seen)
	}
}

// DefaultPhrases is what a Number stands for in phrase lists, as
// DefaultNumberPhrases is for English: 0–100 as first spelt, and every
// form of the round hundreds to a thousand and the round thousands to ten
// thousand. A nil Numbers gives DefaultNumberPhrases.
func (ns *Numbers) DefaultPhrases() []string {
	if ns == nil {
		return DefaultNumberPhrases()
	}
	var out []string
	for n := 0; n <= 100; n++ {
		out = append(out, ns.Spell(n)[0])
	}
	for n := 200; n <= 1000; n += 100 {
		out = append(out, ns.Spell(n)...)
	}
	for n := 2000; n <= 10000; n += 1000 {
		out = append(out, ns.Spell(n)...)
	}
	out = append(ns.Spell(100)[1:], out...) // "a hundred" next to "one hundred"
	return uniq(out)
}

// GrammarRules are the rules of spoken numbers for a recognizer's grammar:
// NumberRule (zero to the largest scale's thousandfold, with a sign and
// decimals) and the sub-rules it refers to, named NumberRule+".…". They
// hold exactly the forms Parse accepts, joins spelt apart. A nil Numbers
// gives nil: GrammarBuilder has English's.
func (ns *Numbers) GrammarRules() []grammar.Rule {
	if ns == nil {
		return nil
	}
	ref := grammar.RefTo
	words := func(forms []string) grammar.Node {
		alts := make([]grammar.Node, 0, len(forms))
		for _, f := range uniq(forms) {
			alts = append(alts, grammar.Words(lower(strings.Join(splitWords(f), " "))))
		}
		if len(alts) == 1 {
			return alts[0]
		}
		return grammar.A(alts...)
	}
	smallForms := func(from int, followed bool) []string {
		var out []string
		for v := from; v < ns.small; v++ {
			out = append(out, ns.spell(v, -1, followed)...)
		}
		return out
	}
	suffix := func(f bool) string {
		if f {
			return "c"
		}
		return ""
	}
	name := func(kind string, k int, f bool) string {
		if k < 0 {
			return fmt.Sprintf("%s.1_%d%s", NumberRule, ns.small-1, suffix(f))
		}
		return fmt.Sprintf("%s.%s%d%s", NumberRule, kind, ns.scales[k].Value, suffix(f))
	}
	rules := []grammar.Rule{
		{Name: name("", -1, false), Body: words(smallForms(1, false))},
		{Name: name("", -1, true), Body: words(smallForms(1, true))},
		{Name: NumberRule + ".2_" + strconv.Itoa(ns.small-1) + "c", Body: words(smallForms(2, true))},
	}
	level := func(k int, f bool) grammar.Node { // the numbers below scale k+1's value
		if k < 0 {
			return ref(name("", -1, f))
		}
		return ref(name("level", k, f))
	}
	for k, s := range ns.scales {
		for _, f := range []bool{false, true} {
			// heads said with any rest, and those said alone.
			var headAlts, aloneAlts []grammar.Node
			if len(s.One) > 0 {
				headAlts = append(headAlts, words(s.One))
				aloneAlts = append(aloneAlts, words(s.One))
			}
			many := func(t template) grammar.Node {
				if t.joinedBefore || s.limit <= 10 {
					// "zweihundert": the multiplier and the scale word are
					// one word, listed for the small multipliers; larger
					// ones are said apart ("dreihundert tausend").
					var forms []string
					for m := 2; m < min(s.limit, ns.small); m++ {
						for _, mf := range ns.spell(m, -1, true) {
							forms = append(forms, t.fill(mf))
						}
					}
					alts := []grammar.Node{words(forms)}
					for j := 0; j < k && s.limit > ns.small; j++ {
						alts = append(alts, grammar.S(ref(name("part", j, true)), words([]string{t.after})))
					}
					if len(alts) == 1 {
						return alts[0]
					}
					return grammar.A(alts...)
				}
				mult := []grammar.Node{ref(NumberRule + ".2_" + strconv.Itoa(ns.small-1) + "c")}
				for j := 0; j < k; j++ {
					mult = append(mult, ref(name("part", j, true)))
				}
				items := []grammar.Node{}
				if strings.TrimSpace(t.before) != "" {
					items = append(items, words([]string{t.before}))
				}
				items = append(items, grammar.A(mult...), words([]string{t.after}))
				return grammar.S(items...)
			}
			headAlts = append(headAlts, many(s.many))
			if s.manyAlone.set && !f {
				aloneAlts = append(aloneAlts, many(s.manyAlone))
			} else {
				aloneAlts = append(aloneAlts, many(s.many))
			}
			if len(s.OneAnd) > 0 {
				aloneAlts = append(aloneAlts, words(s.OneAnd))
			}
			join := func(mids []string) grammar.Node {
				var alts []grammar.Node
				var bare bool
				for _, m := range uniq(mids) {
					if m == "" {
						bare = true
						continue
					}
					alts = append(alts, words([]string{m}))
				}
				switch {
				case len(alts) == 0:
					return grammar.Node{}
				case bare:
					return grammar.O(grammar.A(alts...))
				}
				return grammar.A(alts...)
			}
			seq := func(items ...grammar.Node) grammar.Node {
				var out []grammar.Node
				for _, it := range items {
					if it.Kind != 0 || it.Text != "" || len(it.Items) > 0 {
						out = append(out, it)
					}
				}
				return grammar.S(out...)
			}
			heads := grammar.A(headAlts...)
			body := []grammar.Node{grammar.A(aloneAlts...), seq(heads, join(s.joinText), level(k-1, f))}
			if len(s.JoinSmall) > 0 {
				smallHeads := slices.Clone(headAlts)
				if len(s.OneAnd) > 0 {
					smallHeads = append(smallHeads, words(s.OneAnd))
				}
				body = append(body, seq(grammar.A(smallHeads...), join(s.smallTxt), ref(name("", -1, f))))
			}
			if len(s.OneAnd) > 0 && k > 0 {
				var parts []grammar.Node
				for j := 0; j < k; j++ {
					parts = append(parts, ref(name("part", j, f)))
				}
				body = append(body, seq(words(s.OneAnd), join(s.joinText), grammar.A(parts...)))
			}
			rules = append(rules,
				grammar.Rule{Name: name("part", k, f), Body: grammar.A(body...)},
				grammar.Rule{Name: name("level", k, f), Body: grammar.A(level(k-1, f), ref(name("part", k, f)))},
			)
		}
	}
	var digitWords []string
	for w := range ns.digits {
		digitWords = append(digitWords, w)
	}
	sort.Strings(digitWords)
	digitForms := slices.Concat(ns.spec.Zero, nil)
	for d := 1; d <= 9; d++ {
		for _, f := range ns.spec.Words[d] {
			if len(splitWords(f)) == 1 {
				digitForms = append(digitForms, f)
			}
		}
	}
	sign := grammar.O(words(ns.spec.Minus))
	decimals := grammar.S(words(ns.spec.Point), grammar.R(words(digitForms)))
	whole := grammar.A(words(ns.spec.Zero), level(len(ns.scales)-1, false))
	top := grammar.A(grammar.S(sign, whole, grammar.O(decimals)), grammar.S(sign, decimals))
	if len(ns.spec.Minus) == 0 {
		top = grammar.A(grammar.S(whole, grammar.O(decimals)), decimals)
	}
	rules = append(rules, grammar.Rule{Name: NumberRule, Phrases: ns.DefaultPhrases(), Body: top})
	return rules
}

// Check spells every whole number from 0 to max and parses each form
// back, reporting the numbers that do not come back as themselves: a
// language whose forms are ambiguous, or that says a number two ways
// of which one is another's.
func (ns *Numbers) Check(max int) error {
	var errs []error
	for n := 0; n <= max && len(errs) < 10; n++ {
		forms := ns.Spell(n)
		if len(forms) == 0 {
			errs = append(errs, fmt.Errorf("%d cannot be said", n))
			continue
		}
		for _, f := range forms {
			v, ok := ns.Parse(Split(f).Norms())
			if !ok || v != float64(n) || math.IsNaN(v) {
				errs = append(errs, fmt.Errorf("%d is said %q, which reads back as %v (ok %v)", n, f, v, ok))
			}
		}
	}
	return errors.Join(errs...)
}

// Norms are u's words in the form matching compares them in (the
// Candidate.Words a custom type's Parse gets).
func (u Utterance) Norms() []string {
	out := make([]string, len(u.Tokens))
	for i, t := range u.Tokens {
		out[i] = t.Norm
	}
	return out
}

// NewTypesFor returns a registry as NewTypes does whose Number type speaks
// ns's language: its matching, its grammar and vocabulary. A nil ns is
// English, as NewTypes.
func NewTypesFor(ns *Numbers) *Types {
	t := NewTypes()
	t.defs[TypeNumber].numbers = ns
	return t
}

// Numbers returns the spoken numbers of the registry's Number type: nil
// for English.
func (t *Types) Numbers() *Numbers {
	if d, ok := t.defs[TypeNumber]; ok {
		return d.numbers
	}
	return nil
}

// uniq is words without repeats, in order, in a new slice.
func uniq(words []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
