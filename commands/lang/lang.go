package lang

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/hark-assistant/hark/commands/pattern"
)

//go:embed packs/*.yaml
var packs embed.FS

// SearchDirs are where Load looks for a pack named by its code that is not
// shipped: <dir>/<code>.yaml.
var SearchDirs = []string{"/etc/hark/lang"}

// Commands are the built-in commands a pack must give patterns for.
var Commands = []string{"time", "date", "timer", "timer_status", "cancel_timer", "help", "stop", "repeat"}

// Replies are the sentences a pack must give, each with the placeholders it
// may use.
var Replies = map[string][]string{
	"time":            {"time"},
	"date":            {"date"},
	"timer_set":       {"duration"},
	"timer_done":      {"duration"},
	"timer_left":      {"left", "duration"},
	"timer_cancelled": {"duration"},
	"no_timer":        nil,
	"timer_range":     nil,
	"help":            {"examples"},
	"not_found":       nil,
	"too_long":        nil,
	"loop_blocked":    nil,
}

// Units are the timer's units a pack must name.
var Units = []string{"second", "minute", "hour"}

// Pack is one language: see the package documentation for its file.
type Pack struct {
	Code  string // "en", the language code (also sent to Home Assistant)
	Name  string // "English"
	Voice string // the espeak-ng voice: "en-us"
	// Joiners are the words between several commands in one utterance.
	Joiners []string
	// Numbers are the language's spoken numbers, for
	// pattern.NewTypesFor; NumberSpec is what they were built from.
	Numbers    *pattern.Numbers
	NumberSpec pattern.NumberSpec
	// Commands are the built-ins' patterns and examples, by name.
	Commands map[string]Command
	// Units are the words of the timer's units: second, minute, hour.
	Units map[string][]string
	// CountOne are words besides the number words that mean one in a
	// count: German "eine" (Minute), French "une".
	CountOne  []string
	Durations Durations
	Time      TimeWords
	Replies   map[string]string
	// Source is where the pack came from: a file, or "embedded:en.yaml".
	Source string
}

// Command is a built-in command's pattern and the phrase "what can I say"
// offers for it (none: not offered).
type Command struct {
	Pattern string `yaml:"pattern"`
	Example string `yaml:"example"`
}

// Durations say how long a timer is.
type Durations struct {
	Hour      Unit   `yaml:"hour"`
	Minute    Unit   `yaml:"minute"`
	Second    Unit   `yaml:"second"`
	Separator string `yaml:"separator"` // between all but the last two parts
	Last      string `yaml:"last"`      // before the last part
}

// Unit is how one unit of a duration is said: One for 1, Many with {n}.
type Unit struct {
	One  string `yaml:"one"`
	Many string `yaml:"many"`
}

// TimeWords say times and dates.
type TimeWords struct {
	Clock     string   `yaml:"clock"`
	OnTheHour string   `yaml:"on_the_hour"` // when the minute is 0; Clock if empty
	AM        string   `yaml:"am"`
	PM        string   `yaml:"pm"`
	Date      string   `yaml:"date"`
	Weekdays  []string `yaml:"weekdays"` // Sunday first
	Months    []string `yaml:"months"`   // January first
}

// file is a pack file as YAML holds it.
type file struct {
	Language  string             `yaml:"language"`
	Name      string             `yaml:"name"`
	Voice     string             `yaml:"voice"`
	Joiners   []string           `yaml:"joiners"`
	Numbers   numbersFile        `yaml:"numbers"`
	Commands  map[string]Command `yaml:"commands"`
	Units     map[string]forms   `yaml:"units"`
	CountOne  forms              `yaml:"count_one"`
	Durations Durations          `yaml:"durations"`
	Time      TimeWords          `yaml:"time"`
	Replies   map[string]string  `yaml:"replies"`
}

type numbersFile struct {
	Zero       forms          `yaml:"zero"`
	Minus      forms          `yaml:"minus"`
	Point      forms          `yaml:"point"`
	Words      map[int]forms  `yaml:"words"`
	Combining  map[int]string `yaml:"combining"`
	Tens       string         `yaml:"tens"`
	Exceptions map[int]forms  `yaml:"exceptions"`
	Scales     []scaleFile    `yaml:"scales"`
}

type scaleFile struct {
	Value     int    `yaml:"value"`
	One       forms  `yaml:"one"`
	OneAnd    forms  `yaml:"one_and"`
	Many      string `yaml:"many"`
	ManyAlone string `yaml:"many_alone"`
	Join      forms  `yaml:"join"`
	JoinSmall forms  `yaml:"join_small"`
}

// forms is one phrase or a list of them.
type forms []string

func (f *forms) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*f = forms{n.Value}
		return nil
	case yaml.SequenceNode:
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		*f = list
		return nil
	}
	return fmt.Errorf("line %d: want a phrase or a list of phrases", n.Line)
}

// Problem is one thing wrong with a pack file, at a line of it (0: the
// file as a whole).
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Problems is every problem of a pack file.
type Problems []Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "\n")
}

// Shipped lists the codes of the packs built into Hark, sorted.
func Shipped() []string {
	entries, _ := packs.ReadDir("packs")
	var codes []string
	for _, e := range entries {
		codes = append(codes, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(codes)
	return codes
}

// Default is the English pack.
func Default() *Pack {
	p, err := Load("en")
	if err != nil {
		panic(err) // shipped; TestShippedPacks covers it
	}
	return p
}

var (
	loadedMu sync.Mutex
	loaded   = map[string]*Pack{}
)

// Load returns the pack name: a shipped one by its code ("en", "de",
// "fr"), one in SearchDirs by its code, or a file by its path (a name
// holding a '/' or ending in .yaml). "" is English. Shipped packs are
// parsed once and shared; a Pack must not be changed.
func Load(name string) (*Pack, error) {
	if name == "" {
		name = "en"
	}
	if strings.ContainsRune(name, '/') || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
		return LoadFile(name)
	}
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if p, ok := loaded[name]; ok {
		return p, nil
	}
	if data, err := packs.ReadFile("packs/" + name + ".yaml"); err == nil {
		p, err := Parse(data, "embedded:"+name+".yaml")
		if err != nil {
			return nil, err
		}
		loaded[name] = p
		return p, nil
	}
	for _, dir := range SearchDirs {
		path := filepath.Join(dir, name+".yaml")
		if _, err := os.Stat(path); err == nil {
			return LoadFile(path)
		}
	}
	return nil, fmt.Errorf("language %q: no such pack (shipped: %s; or give a pack file's path)", name, strings.Join(Shipped(), ", "))
}

// LoadFile reads and checks the pack file at path.
func LoadFile(path string) (*Pack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("language pack: %w", err)
	}
	return Parse(data, path)
}

// Parse reads and checks a pack file's content; name is the file's name
// in problems. Its error is Problems, each at a line where it can tell.
func Parse(data []byte, name string) (*Pack, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	c := &checker{file: name, root: &root}
	p := c.pack(f)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	p.Source = name
	return p, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlProblem turns a YAML error ("yaml: line 3: …") into a Problem at
// its first line.
func yamlProblem(name string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		return Problem{File: name, Line: line, Msg: strings.ReplaceAll(msg[:m[0]]+msg[m[1]:], "\n  ", "; ")}
	}
	return Problem{File: name, Msg: msg}
}

type checker struct {
	file     string
	root     *yaml.Node
	problems Problems
}

// at reports a problem at the key path's line (the deepest key found).
func (c *checker) at(path []string, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.file, Line: c.line(path...), Msg: fmt.Sprintf(format, args...)})
}

// line is the line of the key path in the file: the deepest key of it
// that is there; a number in the path indexes a list.
func (c *checker) line(path ...string) int {
	n := c.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, key := range path {
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

var placeholderRE = regexp.MustCompile(`\{(\w+)\}`)

func (c *checker) pack(f file) *Pack {
	p := &Pack{
		Code: f.Language, Name: f.Name, Voice: f.Voice, Joiners: f.Joiners,
		Commands: f.Commands, Units: map[string][]string{}, CountOne: f.CountOne,
		Durations: f.Durations, Time: f.Time, Replies: f.Replies,
	}
	if f.Language == "" {
		c.at(nil, "language: missing (the language's code, e.g. nl)")
	}
	if f.Voice == "" {
		c.at([]string{"voice"}, "voice: missing (the espeak-ng voice, e.g. nl)")
	}
	if len(f.Joiners) == 0 {
		c.at([]string{"joiners"}, "joiners: missing (the words between two commands, e.g. [and, then])")
	}
	for i, j := range f.Joiners {
		if len(pattern.Split(j).Tokens) != 1 {
			c.at([]string{"joiners", strconv.Itoa(i)}, "joiners: %q is not one word", j)
		}
	}
	p.NumberSpec = c.numbers(f.Numbers)
	if len(c.problems) == 0 {
		nums, err := pattern.NewNumbers(p.NumberSpec)
		if err != nil {
			for _, e := range unjoin(err) {
				c.at([]string{"numbers"}, "%v", e)
			}
		} else if err := nums.Check(1100); err != nil {
			for _, e := range unjoin(err) {
				c.at([]string{"numbers"}, "numbers: %v", e)
			}
		} else {
			p.Numbers = nums
		}
	}
	for _, u := range Units {
		words := f.Units[u]
		if len(words) == 0 {
			c.at([]string{"units"}, "units: %s: no words", u)
		}
		p.Units[u] = words
	}
	for u := range f.Units {
		if !slices.Contains(Units, u) {
			c.at([]string{"units", u}, "units: unknown unit %s (want %s)", u, strings.Join(Units, ", "))
		}
	}
	for _, name := range Commands {
		cmd, ok := f.Commands[name]
		if !ok || cmd.Pattern == "" {
			c.at([]string{"commands"}, "commands: %s: no pattern", name)
		}
	}
	for name := range f.Commands {
		if !slices.Contains(Commands, name) {
			c.at([]string{"commands", name}, "commands: unknown built-in %s (want %s)", name, strings.Join(Commands, ", "))
		}
	}
	for name, want := range Replies {
		text, ok := f.Replies[name]
		if !ok || text == "" {
			c.at([]string{"replies"}, "replies: %s: missing", name)
			continue
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(want, m[1]) {
				c.at([]string{"replies", name}, "replies: %s: unknown placeholder {%s} (it may use %s)", name, m[1], placeholderList(want))
			}
		}
	}
	for name := range f.Replies {
		if _, ok := Replies[name]; !ok {
			c.at([]string{"replies", name}, "replies: unknown reply %s", name)
		}
	}
	for _, u := range []struct {
		name string
		unit Unit
	}{{"hour", f.Durations.Hour}, {"minute", f.Durations.Minute}, {"second", f.Durations.Second}} {
		if u.unit.One == "" || !strings.Contains(u.unit.Many, "{n}") {
			c.at([]string{"durations", u.name}, "durations: %s: want one (how 1 is said) and many (with {n})", u.name)
		}
	}
	if f.Durations.Last == "" {
		c.at([]string{"durations"}, "durations: last: missing (before the last part: \" and \")")
	}
	c.timeWords(f.Time)
	// The commands compile against the pack's own types.
	if len(c.problems) == 0 {
		types := p.NewTypes()
		for _, name := range Commands {
			if _, err := pattern.Compile(p.Commands[name].Pattern, types); err != nil {
				c.at([]string{"commands", name, "pattern"}, "commands: %s: %v", name, err)
			}
		}
	}
	return p
}

func placeholderList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return strings.Join(out, ", ")
}

func (c *checker) numbers(n numbersFile) pattern.NumberSpec {
	spec := pattern.NumberSpec{
		Zero: n.Zero, Minus: n.Minus, Point: n.Point, Words: map[int][]string{},
		Combining: n.Combining, Tens: n.Tens, Exceptions: map[int][]string{},
	}
	for v, f := range n.Words {
		spec.Words[v] = f
	}
	for v, f := range n.Exceptions {
		spec.Exceptions[v] = f
	}
	for i, s := range n.Scales {
		if s.Value <= 0 {
			c.at([]string{"numbers", "scales", strconv.Itoa(i)}, "numbers: scales: %d: no value", i+1)
		}
		spec.Scales = append(spec.Scales, pattern.ScaleSpec{
			Value: s.Value, One: s.One, OneAnd: s.OneAnd, Many: s.Many, ManyAlone: s.ManyAlone,
			Join: s.Join, JoinSmall: s.JoinSmall,
		})
	}
	return spec
}

func (c *checker) timeWords(t TimeWords) {
	check := func(key, text string, allowed ...string) {
		if text == "" {
			if key != "on_the_hour" {
				c.at([]string{"time"}, "time: %s: missing", key)
			}
			return
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(allowed, m[1]) {
				c.at([]string{"time", key}, "time: %s: unknown placeholder {%s} (it may use %s)", key, m[1], placeholderList(allowed))
			}
		}
	}
	clock := []string{"hour", "hour12", "minute", "minute_plain", "ampm"}
	check("clock", t.Clock, clock...)
	check("on_the_hour", t.OnTheHour, clock...)
	check("date", t.Date, "weekday", "day", "month", "year")
	if len(t.Weekdays) != 7 {
		c.at([]string{"time", "weekdays"}, "time: weekdays: want 7, Sunday first; have %d", len(t.Weekdays))
	}
	if len(t.Months) != 12 {
		c.at([]string{"time", "months"}, "time: months: want 12, January first; have %d", len(t.Months))
	}
	if strings.Contains(t.Clock+t.OnTheHour, "{ampm}") && (t.AM == "" || t.PM == "") {
		c.at([]string{"time"}, "time: clock says {ampm}: am and pm are needed")
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// NewTypes returns a pattern registry whose Number speaks the pack's
// language and which holds the built-ins' types: TimeUnit and Count.
func (p *Pack) NewTypes() *pattern.Types {
	types := pattern.NewTypesFor(p.Numbers)
	for _, t := range []pattern.Type{p.TimeUnitType(), p.CountType()} {
		if err := types.Add(t); err != nil {
			panic(fmt.Sprintf("language %s: %v", p.Code, err)) // checked by Parse
		}
	}
	return types
}

// TimeUnitType is the timer's unit: a word of Units, as a time.Duration.
func (p *Pack) TimeUnitType() pattern.Type {
	byWord := map[string]time.Duration{}
	var words []string
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"second", time.Second}, {"minute", time.Minute}, {"hour", time.Hour}} {
		for _, w := range p.Units[u.name] {
			byWord[strings.Join(pattern.Split(w).Norms(), " ")] = u.d
			words = append(words, w)
		}
	}
	return pattern.Type{
		Name:    "TimeUnit",
		Pattern: "(" + strings.Join(words, "|") + ")",
		Parse: func(c pattern.Candidate) (any, error) {
			if d, ok := byWord[strings.Join(c.Words, " ")]; ok {
				return d, nil
			}
			return nil, fmt.Errorf("%q is not a time unit", c.Text)
		},
	}
}

// CountType is the timer's amount: a whole number from 1 to 99 as the
// language says it (and CountOne), as an int. Unlike Number it is finite,
// so the timer's phrases can be listed in the recognizer's grammar.
func (p *Pack) CountType() pattern.Type {
	var forms []string
	for n := 1; n <= 99; n++ {
		forms = append(forms, p.Numbers.Spell(n)...)
	}
	forms = append(forms, p.CountOne...)
	one := map[string]bool{}
	for _, w := range p.CountOne {
		one[strings.Join(pattern.Split(w).Norms(), " ")] = true
	}
	nums := p.Numbers
	return pattern.Type{
		Name:    "Count",
		Pattern: "(" + strings.Join(forms, "|") + ")",
		Parse: func(c pattern.Candidate) (any, error) {
			if one[strings.Join(c.Words, " ")] {
				return 1, nil
			}
			n, ok := nums.Parse(c.Words)
			if !ok {
				return nil, fmt.Errorf("%q is not a number", c.Text)
			}
			return int(n), nil
		},
	}
}

// Reply is the reply name with its placeholders filled from args, given
// as name, value pairs; its first letter is made upper case.
func (p *Pack) Reply(name string, args ...string) string {
	text := p.Replies[name]
	if len(args) > 0 {
		text = strings.NewReplacer(placeholderPairs(args)...).Replace(text)
	}
	return Capitalize(text)
}

func placeholderPairs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		out = append(out, "{"+args[i]+"}", args[i+1])
	}
	return out
}

// Capitalize makes the first letter of s upper case.
func Capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// Clock says the time of day of t.
func (p *Pack) Clock(t time.Time) string {
	tmpl := p.Time.Clock
	if t.Minute() == 0 && p.Time.OnTheHour != "" {
		tmpl = p.Time.OnTheHour
	}
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	ampm := p.Time.AM
	if t.Hour() >= 12 {
		ampm = p.Time.PM
	}
	return strings.NewReplacer(
		"{hour}", strconv.Itoa(t.Hour()), "{hour12}", strconv.Itoa(h12),
		"{minute}", fmt.Sprintf("%02d", t.Minute()), "{minute_plain}", strconv.Itoa(t.Minute()),
		"{ampm}", ampm,
	).Replace(tmpl)
}

// Date says the date of t.
func (p *Pack) Date(t time.Time) string {
	return strings.NewReplacer(
		"{weekday}", p.Time.Weekdays[t.Weekday()], "{day}", strconv.Itoa(t.Day()),
		"{month}", p.Time.Months[t.Month()-1], "{year}", strconv.Itoa(t.Year()),
	).Replace(p.Time.Date)
}

// Duration says d in hours, minutes and seconds, as a person would:
// "1 hour and 5 minutes"; 90 seconds is "1 minute and 30 seconds".
func (p *Pack) Duration(d time.Duration) string {
	d = d.Round(time.Second)
	var parts []string
	for _, u := range []struct {
		unit time.Duration
		say  Unit
	}{{time.Hour, p.Durations.Hour}, {time.Minute, p.Durations.Minute}, {time.Second, p.Durations.Second}} {
		n := d / u.unit
		d -= n * u.unit
		switch {
		case n == 1:
			parts = append(parts, u.say.One)
		case n > 1:
			parts = append(parts, strings.ReplaceAll(u.say.Many, "{n}", strconv.Itoa(int(n))))
		}
	}
	switch len(parts) {
	case 0:
		return strings.ReplaceAll(p.Durations.Second.Many, "{n}", "0")
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], p.Durations.Separator) + p.Durations.Last + parts[len(parts)-1]
}
