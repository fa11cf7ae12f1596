package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"periph.io/x/conn/v3/gpio"

	"github.com/hark-assistant/hark/commands/lang"
	"github.com/hark-assistant/hark/drivers/pins"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/hass"
	"github.com/hark-assistant/hark/firmware/internal/regfile"
	"github.com/hark-assistant/hark/firmware/mqtt"
	"github.com/hark-assistant/hark/firmware/wyoming"
)

// DefaultPaths are tried in order when no configuration file is named.
func DefaultPaths() []string { return []string{"/etc/hark/hark.yaml", "hark.yaml"} }

// Config is Hark's configuration, read from hark.yaml. Durations are written
// the Go way ("500ms", "1.5s", "2m").
type Config struct {
	Button     ButtonConfig     `yaml:"button"`
	LED        LEDConfig        `yaml:"led"`
	Audio      AudioConfig      `yaml:"audio"`
	Recognizer RecognizerConfig `yaml:"recognizer"`
	Watchdog   WatchdogConfig   `yaml:"watchdog"`
	Speech     SpeechConfig     `yaml:"speech"`
	LogLevel   string           `yaml:"log_level"`
	// Language is the language spoken (commands/lang): en (default), de,
	// fr, or a pack file's path. Pack is it loaded.
	Language string                    `yaml:"language"`
	Pack     *lang.Pack                `yaml:"-"`
	Builtins assistant.BuiltinsConfig  `yaml:"builtins"`
	Commands []assistant.CommandConfig `yaml:"commands"`
	Lists    assistant.Lists           `yaml:"lists"`
	// ExpansionRules are the <name> rules of templates (see
	// assistant.Config.ExpansionRules).
	ExpansionRules map[string]string `yaml:"expansion_rules"`
	Debug          DebugConfig       `yaml:"debug"`
	// The smart-home integrations, off when absent (see integrations.go).
	MQTT          *mqtt.Config    `yaml:"mqtt"`
	HomeAssistant *hass.Config    `yaml:"home_assistant"`
	Wyoming       *wyoming.Config `yaml:"wyoming"`

	// Warnings are what the file may not mean as written, in file order
	// (hark config check prints them); they do not fail loading.
	Warnings Errors `yaml:"-"`
}

// ButtonConfig is the push-to-talk button.
type ButtonConfig struct {
	Pin       string        `yaml:"pin"`        // BCM name, e.g. GPIO17 (also gpio17 or 17)
	ActiveLow bool          `yaml:"active_low"` // pressed reads low (button to ground)
	Pull      string        `yaml:"pull"`       // up, down or none
	LongPress time.Duration `yaml:"long_press"` // held this long saying nothing: mute; while muted: unmute
}

// DebugConfig holds what helps to test Hark on a device, never for a
// device in use.
type DebugConfig struct {
	// BlockLoop adds a command that holds the main loop (see
	// assistant.BlockLoopConfig); absent: none.
	BlockLoop *assistant.BlockLoopConfig `yaml:"block_loop"`
}

// GPIOPull is Pull as periph.io takes it.
func (c ButtonConfig) GPIOPull() gpio.Pull {
	switch c.Pull {
	case "down":
		return gpio.PullDown
	case "none":
		return gpio.Float
	}
	return gpio.PullUp
}

// LEDConfig is the status light.
type LEDConfig struct {
	Backend   string `yaml:"backend"`    // gpio, apa102 or terminal
	Pin       string `yaml:"pin"`        // gpio backend: BCM name
	ActiveLow bool   `yaml:"active_low"` // gpio backend: lit when low
	SPI       string `yaml:"spi"`        // apa102 backend: SPI port, e.g. SPI0.1
	Count     int    `yaml:"count"`      // apa102 backend: number of LEDs on the strip
}

// AudioConfig is the microphone and how much of it is kept.
type AudioConfig struct {
	Backend      string        `yaml:"backend"`       // pulseaudio, alsa, jack or null; empty: the first of them that works (not null)
	Device       string        `yaml:"device"`        // ALSA name (arecord -L, hw:1,0), index or name (hark devices); empty: the default device
	PreRoll      time.Duration `yaml:"pre_roll"`      // audio kept from before the press; 0s: none
	MaxUtterance time.Duration `yaml:"max_utterance"` // capture stops by itself after this
	Tail         time.Duration `yaml:"tail"`          // listening past the release while speech goes on there; 0s: none
	DeviceBuffer time.Duration `yaml:"device_buffer"` // the capture device's own buffer; 0s: the backend's default (30 ms on ALSA)
	Gain         float64       `yaml:"gain"`          // microphone gain in dB, applied before the recognizer (clipping); 0: none
}

// RecognizerConfig selects the speech-to-text engine.
type RecognizerConfig struct {
	Engine  string `yaml:"engine"`  // vosk or pocketsphinx
	Model   string `yaml:"model"`   // model directory
	Grammar bool   `yaml:"grammar"` // restrict decoding to the phrases commands can match
	// OpenPass lets commands with an open slot (*, String, a Word without
	// a list) be heard without costing the others their grammar: Vosk
	// decodes each utterance a second time openly; PocketSphinx decodes
	// an open slot's audio openly once its grammar heard an open command.
	// A Pi Zero may turn it off.
	OpenPass bool `yaml:"open_pass"`
	// Reject tells speech outside the grammar from speech in it, so that
	// it goes to Home Assistant (wyoming:) as audio, or is answered
	// "Sorry", rather than running the nearest command. Vosk always does
	// (its [unk] word, at no cost); for PocketSphinx, which then decodes
	// each utterance a second time, it defaults to on with a wyoming:
	// section and off without.
	Reject bool `yaml:"reject"`
}

// WatchdogConfig is the main-loop watchdog.
type WatchdogConfig struct {
	Threshold time.Duration `yaml:"threshold"` // the loop held longer than this is reported
}

// SpeechConfig is speech out (espeak-ng).
type SpeechConfig struct {
	Voice string `yaml:"voice"`
	Rate  int    `yaml:"rate"` // words per minute
	// Player is a program that plays a WAV file given on its standard
	// input, e.g. ["aplay", "-q", "-"]; empty: the sound device.
	Player []string `yaml:"player"`
	// Device is the playback device, named as audio.device is (an ALSA
	// name as `aplay -L` prints it, hw:/plughw:, an index or a name);
	// empty: the default device.
	Device string `yaml:"device"`
	Volume int    `yaml:"volume"` // percent of the speech's level, scaled in software
}

// The engines' default models: where scripts/flash installs Vosk's, and
// where Debian's pocketsphinx-en-us installs PocketSphinx's (as
// pipeline/pocketsphinx.DefaultModelDir, a cgo package config keeps out).
const (
	voskModel         = "/usr/share/hark/models/vosk-model-small-en-us-0.15"
	pocketsphinxModel = "/usr/share/pocketsphinx/model/en-us"
)

// Default returns the configuration used for every key a file leaves
// out, but for recognizer.model, which follows recognizer.engine.
func Default() Config {
	return Config{
		Button:     ButtonConfig{Pin: "GPIO17", ActiveLow: true, Pull: "up", LongPress: 2 * time.Second},
		LED:        LEDConfig{Backend: "gpio", Pin: "GPIO25", SPI: "SPI0.1", Count: 3},
		Audio:      AudioConfig{PreRoll: 500 * time.Millisecond, MaxUtterance: 10 * time.Second, Tail: 300 * time.Millisecond},
		Recognizer: RecognizerConfig{Engine: "vosk", Model: voskModel, Grammar: true, OpenPass: true},
		Watchdog:   WatchdogConfig{Threshold: time.Second},
		Speech:     SpeechConfig{Voice: "en-us", Rate: 170, Volume: 100},
		LogLevel:   "info",
	}
}

// Assistant is what the assistant core takes of c.
func (c *Config) Assistant() assistant.Config {
	return assistant.Config{
		Grammar:           c.Recognizer.Grammar,
		WatchdogThreshold: c.Watchdog.Threshold,
		Builtins:          c.Builtins,
		Commands:          c.Commands,
		BlockLoop:         c.Debug.BlockLoop,
		Lists:             c.Lists,
		ExpansionRules:    c.ExpansionRules,
		Language:          c.Pack,
	}
}

// Error is one problem in a configuration file, placed by key and
// line.
type Error struct {
	File string
	Line int    // 0 when the key is absent from the file
	Key  string // dotted path, e.g. "commands[2].run"
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Find returns the first of DefaultPaths that exists.
func Find() (string, error) {
	for _, p := range DefaultPaths() {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no configuration file: tried %s", strings.Join(DefaultPaths(), ", "))
}

// Load reads and validates the configuration file at path. A
// validation failure is a Errors.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// LoadCommands is Load for tools that use only the commands, lists and
// recognizer settings (hark match, grammar, transcribe): the model
// directory need not exist on this machine.
func LoadCommands(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parse(path, data, false)
}

// maxFileSize bounds a configuration file; the annotated example with
// every key is a few KiB.
const maxFileSize = 1 << 20

// readFile reads the configuration file at path. It refuses what is not a
// regular file, since a FIFO blocks its reader for good and /dev/zero never
// ends, and a file larger than maxFileSize.
func readFile(path string) ([]byte, error) {
	f, _, err := regfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := regfile.ReadAll(f, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("%w, the most a configuration file may be", err)
	}
	return data, nil
}

// Parse decodes and validates a configuration; name is used in
// errors. Keys the file leaves out keep their Default values. Every
// problem is reported with its key and line: all unknown keys and wrong
// types at once or, when the file decodes, all invalid values at once.
func Parse(name string, data []byte) (*Config, error) { return parse(name, data, true) }

func parse(name string, data []byte, modelMustExist bool) (*Config, error) {
	cfg := Default()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Errors{syntaxError(name, err)}
	}
	idx := indexNodes(&root)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, Errors{syntaxError(name, err)}
		}
		errs := make(Errors, 0, len(te.Errors))
		for _, msg := range te.Errors {
			errs = append(errs, idx.typeError(name, msg))
		}
		return nil, errs
	}
	v := validator{file: name, idx: idx, skipModel: !modelMustExist}
	v.validate(&cfg)
	if len(v.errs) > 0 {
		slices.SortStableFunc(v.errs, func(a, b *Error) int { return a.Line - b.Line })
		return nil, v.errs
	}
	slices.SortStableFunc(v.warns, func(a, b *Error) int { return a.Line - b.Line })
	cfg.Warnings = v.warns
	return &cfg, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func syntaxError(file string, err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: m[2]}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// nodeIndex places keys: path → line of the key, and line → the innermost
// path written on that line, so decoder errors (which give only a line) can
// name their key. nulls are the paths whose value is null, to how it is
// spelled ("null", "~" or nothing): a null leaves the key's default.
type nodeIndex struct {
	lines map[string]int
	paths map[int]string
	nulls map[string]string
}

func indexNodes(root *yaml.Node) nodeIndex {
	idx := nodeIndex{lines: map[string]int{}, paths: map[int]string{}, nulls: map[string]string{}}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				idx.add(p, k.Line)
				if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
					idx.nulls[p] = val.Value
				}
				walk(val, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				idx.add(p, c.Line)
				walk(c, p)
			}
		}
	}
	walk(root, "")
	return idx
}

func (idx nodeIndex) add(path string, line int) {
	if _, ok := idx.lines[path]; !ok {
		idx.lines[path] = line
	}
	idx.paths[line] = path // later (deeper) entries on a line win
}

var (
	unknownField = regexp.MustCompile(`^field (\S+) not found in type`)
	cannotDecode = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// typeError turns one of yaml.v3's "line N: ..." decoding messages into a
// Error naming the key.
func (idx nodeIndex) typeError(file, msg string) *Error {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return &Error{File: file, Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	e := &Error{File: file, Line: line, Key: idx.paths[line], Msg: m[2]}
	if f := unknownField.FindStringSubmatch(m[2]); f != nil {
		e.Msg = fmt.Sprintf("unknown key %q", f[1])
	} else if f := cannotDecode.FindStringSubmatch(m[2]); f != nil {
		e.Msg = fmt.Sprintf("want %s, got %s %q", describeType(f[3]), f[1], f[2])
	}
	return e
}

func describeType(goType string) string {
	switch {
	case goType == "time.Duration":
		return `a duration such as "500ms" or "2s"`
	case goType == "bool":
		return "true or false"
	case goType == "int":
		return "a whole number"
	case goType == "uint8":
		return "a whole number from 0 to 255"
	case goType == "float64":
		return "a number"
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	default:
		return "a mapping"
	}
}

type validator struct {
	file      string
	idx       nodeIndex
	errs      Errors
	warns     Errors // see Config.Warnings
	skipModel bool   // the model directory's existence is not checked
}

func (v *validator) fail(key, format string, args ...any) {
	// An absent key (left at its default) is placed at the nearest
	// enclosing key the file has, if any.
	line, ok := v.idx.lines[key]
	for parent := key; !ok; {
		cut := strings.LastIndexAny(parent, ".[")
		if cut < 0 {
			break
		}
		parent = parent[:cut]
		line, ok = v.idx.lines[parent]
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) failAt(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.idx.lines[key], Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) oneOf(key, got string, allowed ...string) {
	if !slices.Contains(allowed, got) {
		v.failAt(key, "%q is not one of %s", got, strings.Join(allowed, ", "))
	}
}

func (v *validator) between(key string, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		v.failAt(key, "%s is out of range [%s, %s]", d, lo, hi)
	}
}

func (v *validator) validate(c *Config) {
	v.pin("button.pin", &c.Button.Pin)
	v.oneOf("button.pull", c.Button.Pull, "up", "down", "none")
	v.between("button.long_press", c.Button.LongPress, 500*time.Millisecond, 10*time.Second)

	v.oneOf("led.backend", c.LED.Backend, "gpio", "apa102", "terminal")
	switch c.LED.Backend {
	case "gpio":
		if v.pin("led.pin", &c.LED.Pin) && c.LED.Pin == c.Button.Pin {
			v.failAt("led.pin", "%s is already the button's pin", c.LED.Pin)
		}
	case "apa102":
		if c.LED.SPI == "" {
			v.failAt("led.spi", "an SPI port is required for the apa102 backend")
		}
		if c.LED.Count < 1 || c.LED.Count > 256 {
			v.failAt("led.count", "%d is out of range [1, 256]", c.LED.Count)
		}
	}

	if strings.EqualFold(v.idx.nulls["audio.backend"], "null") {
		v.failAt("audio.backend", `a bare null is YAML's empty value; write "null" in quotes for the null backend, or "" for the first that works`)
	} else if !slices.Contains(audioBackends, c.Audio.Backend) {
		v.failAt("audio.backend", "%q is not one of %s (or empty: the first that works)", c.Audio.Backend, strings.Join(audioBackends[1:], ", "))
	}
	v.between("audio.pre_roll", c.Audio.PreRoll, 0, 5*time.Second)
	v.between("audio.max_utterance", c.Audio.MaxUtterance, time.Second, time.Minute)
	v.between("audio.tail", c.Audio.Tail, 0, time.Second)
	v.between("audio.device_buffer", c.Audio.DeviceBuffer, 0, time.Second)
	if c.Audio.Gain < -20 || c.Audio.Gain > 30 {
		v.failAt("audio.gain", "%g dB is out of range [-20, 30]", c.Audio.Gain)
	}

	v.oneOf("recognizer.engine", c.Recognizer.Engine, "vosk", "pocketsphinx")
	// Default's model is Vosk's: with pocketsphinx and no model (absent,
	// null or empty), PocketSphinx's.
	_, named := v.idx.lines["recognizer.model"]
	_, null := v.idx.nulls["recognizer.model"]
	if c.Recognizer.Engine == "pocketsphinx" && (!named || null || c.Recognizer.Model == "") {
		c.Recognizer.Model = pocketsphinxModel
	}
	if c.Recognizer.Model == "" {
		if c.Recognizer.Engine == "vosk" {
			v.failAt("recognizer.model", "a model directory is required for vosk")
		}
	} else if v.skipModel {
		// LoadCommands: the model is not used.
	} else if fi, err := os.Stat(c.Recognizer.Model); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			fetch := "scripts/flash fetches one"
			if c.Recognizer.Engine == "pocketsphinx" {
				fetch = "the package pocketsphinx-en-us installs " + pocketsphinxModel
			}
			v.fail("recognizer.model", "model directory %s does not exist (%s)", c.Recognizer.Model, fetch)
		} else {
			v.fail("recognizer.model", "%v", err)
		}
	} else if !fi.IsDir() {
		v.fail("recognizer.model", "%s is not a directory", c.Recognizer.Model)
	}

	if _, named := v.idx.lines["recognizer.reject"]; !named {
		c.Recognizer.Reject = c.Wyoming != nil
	}

	v.between("watchdog.threshold", c.Watchdog.Threshold, 50*time.Millisecond, time.Minute)

	v.language(c)
	if c.Speech.Voice == "" {
		v.failAt("speech.voice", "a voice is required, e.g. en-us")
	}
	if c.Speech.Rate < 80 || c.Speech.Rate > 450 {
		v.failAt("speech.rate", "%d words per minute is out of range [80, 450]", c.Speech.Rate)
	}
	if len(c.Speech.Player) > 0 {
		if _, err := exec.LookPath(c.Speech.Player[0]); err != nil {
			v.failAt("speech.player", "program %q not found", c.Speech.Player[0])
		}
		if c.Speech.Device != "" {
			v.failAt("speech.device", "speech.player plays on its own device (e.g. aplay -D NAME); set one of the two")
		}
	}
	if c.Speech.Volume < 0 || c.Speech.Volume > 100 {
		v.failAt("speech.volume", "%d%% is out of range [0, 100]", c.Speech.Volume)
	}
	v.oneOf("log_level", c.LogLevel, "debug", "info", "warn", "error")

	for i, name := range c.Builtins.Disable {
		v.builtin(fmt.Sprintf("builtins.disable[%d]", i), name)
	}
	for i, name := range c.Builtins.Hide {
		v.builtin(fmt.Sprintf("builtins.hide[%d]", i), name)
	}

	types := v.lists(c)
	v.commands(c, types)
	v.integrations(c)
	v.debug(c)
	v.commandSet(c, types)
}

// language loads the language pack and lets it set what the file does not:
// speech.voice, and the language Home Assistant's conversation agent is
// asked in (sent only when language: is set).
func (v *validator) language(c *Config) {
	if c.Language == "" {
		return
	}
	p, err := lang.Load(c.Language)
	if err != nil {
		v.failAt("language", "%v", err)
		return
	}
	c.Pack = p
	if _, named := v.idx.lines["speech.voice"]; !named {
		c.Speech.Voice = p.Voice
	}
	if c.HomeAssistant != nil && c.HomeAssistant.Language == "" {
		c.HomeAssistant.Language = p.Code
	}
}

// audioBackends are the values of audio.backend, as
// audio.CaptureConfig.Backend takes them.
var audioBackends = []string{"", "pulseaudio", "alsa", "jack", "null"}

func (v *validator) builtin(key, name string) {
	if names := assistant.BuiltinNames(); !slices.Contains(names, name) {
		v.failAt(key, "%q is not a built-in command; they are %s", name, strings.Join(names, ", "))
	}
}

// pin checks the pin name at key and, when it is good, writes it back in
// the canonical form pins.Open looks up; it reports whether it was good.
func (v *validator) pin(key string, name *string) bool {
	canonical, err := pins.ParseName(*name)
	if err != nil {
		v.failAt(key, "%v", err)
		return false
	}
	*name = canonical
	return true
}
