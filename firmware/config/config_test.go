package config

import (
	"errors"
	"fmt"
	"github.com/hark-assistant/hark/firmware/assistant"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// configWithModel returns a YAML prefix naming an existing model directory.
func configWithModel(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("recognizer:\n  model: %s\n", t.TempDir())
}

func TestParseConfigValid(t *testing.T) {
	model := t.TempDir()
	src := fmt.Sprintf(`button:
  pin: GPIO4
  long_press: 1500ms
led:
  backend: terminal
recognizer:
  engine: vosk
  model: %s
  grammar: false
builtins:
  hide: [date]
commands:
  - pattern: "turn (on|off) the $room:Word light"
    run: ["/usr/local/bin/lights", "{room}"]
    say: "{room} done: {output}"
`, model)
	cfg, err := Parse("hark.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if cfg.Button.Pin != "GPIO4" || cfg.Button.LongPress != 1500*time.Millisecond {
		t.Errorf("button = %+v", cfg.Button)
	}
	if cfg.Button.Pull != def.Button.Pull || cfg.Audio != def.Audio || !reflect.DeepEqual(cfg.Speech, def.Speech) {
		t.Errorf("defaults not kept: %+v", cfg)
	}
	if cfg.Recognizer.Grammar || cfg.Recognizer.Model != model {
		t.Errorf("recognizer = %+v", cfg.Recognizer)
	}
	if len(cfg.Commands) != 1 {
		t.Fatalf("commands = %+v", cfg.Commands)
	}
	c := cfg.Commands[0]
	if c.Name != "command 1" || c.Timeout != assistant.DefaultCommandTimeout || !slices.Equal(c.Run, []string{"/usr/local/bin/lights", "{room}"}) {
		t.Errorf("command = %+v", c)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		src     string // after the model prefix (two lines)
		key     string
		line    int
		msgPart string
	}{
		{"unknown top key", "colour: red\n", "colour", 3, `unknown key "colour"`},
		{"unknown nested key", "button:\n  pin: GPIO4\n  bounce: 5ms\n", "button.bounce", 5, `unknown key "bounce"`},
		{"bad duration", "audio:\n  pre_roll: soon\n", "audio.pre_roll", 4, "duration"},
		{"int for duration", "audio:\n  pre_roll: 500\n", "audio.pre_roll", 4, "duration"},
		{"bool wanted", "button:\n  active_low: maybe\n", "button.active_low", 4, "true or false"},
		{"int wanted", "speech:\n  rate: fast\n", "speech.rate", 4, "whole number"},
		{"list wanted", "commands:\n  - pattern: hi\n    run: /bin/true\n", "commands[0].run", 5, "list"},
		{"bad pin name", "button:\n  pin: PIN7\n", "button.pin", 4, "not a pin"},
		{"pin off header", "button:\n  pin: GPIO40\n", "button.pin", 4, "not on the Raspberry Pi header"},
		{"led pin clash", "button:\n  pin: GPIO5\nled:\n  pin: \"5\"\n", "led.pin", 6, "button's pin"},
		{"bad pull", "button:\n  pull: sideways\n", "button.pull", 4, "not one of up, down, none"},
		{"long press short", "button:\n  long_press: 10ms\n", "button.long_press", 4, "out of range"},
		{"bad backend", "led:\n  backend: neon\n", "led.backend", 4, "not one of gpio, apa102, terminal"},
		{"apa102 count", "led:\n  backend: apa102\n  count: 0\n", "led.count", 5, "out of range"},
		{"pre-roll too long", "audio:\n  pre_roll: 1m\n", "audio.pre_roll", 4, "out of range"},
		{"negative pre-roll", "audio:\n  pre_roll: -1s\n", "audio.pre_roll", 4, "out of range"},
		{"bad audio backend", "audio:\n  backend: oss\n", "audio.backend", 4, `"oss" is not one of pulseaudio, alsa, jack, null`},
		{"audio backend bare null", "audio:\n  backend: null\n", "audio.backend", 4, `write "null" in quotes`},
		{"audio backend is case-sensitive", "audio:\n  backend: ALSA\n", "audio.backend", 4, "not one of"},
		{"max utterance", "audio:\n  max_utterance: 100ms\n", "audio.max_utterance", 4, "out of range"},
		{"tail", "audio:\n  tail: 2s\n", "audio.tail", 4, "out of range"},
		{"device buffer", "audio:\n  device_buffer: -10ms\n", "audio.device_buffer", 4, "out of range"},
		{"bad engine", "  engine: whisper\n", "recognizer.engine", 3, "not one of vosk, pocketsphinx"},
		{"watchdog", "watchdog:\n  threshold: 1ms\n", "watchdog.threshold", 4, "out of range"},
		{"voice", "speech:\n  voice: \"\"\n", "speech.voice", 4, "voice is required"},
		{"rate", "speech:\n  rate: 1000\n", "speech.rate", 4, "out of range"},
		{"player", "speech:\n  player: [/nonexistent/aplay, -q]\n", "speech.player", 4, `program "/nonexistent/aplay" not found`},
		{"log level", "log_level: chatty\n", "log_level", 3, "not one of debug"},
		{"builtin name", "builtins:\n  hide: [time, weather]\n", "builtins.hide[1]", 4, `"weather" is not a built-in`},
		{"pattern missing", "commands:\n  - run: [/bin/true]\n", "commands[0].pattern", 4, "pattern is required"},
		{"pattern malformed", "commands:\n  - pattern: \"turn (on the light\"\n    run: [/bin/true]\n", "commands[0].pattern", 4, "unbalanced"},
		{"pattern too long", "commands:\n  - pattern: " + strings.Repeat("a ", 2048) + "b\n    run: [/bin/true]\n", "commands[0].pattern", 4, "4097 characters long; at most 4096"},
		{"nothing to do", "commands:\n  - pattern: hello\n", "commands[0]", 4, "needs run, publish or say"},
		{"run placeholder", "commands:\n  - pattern: \"hi $who:Word\"\n    run: [/bin/echo, \"{whom}\"]\n", "commands[0].run[1]", 5, "{whom} is not a parameter"},
		{"say placeholder", "commands:\n  - pattern: hi\n    run: [/bin/true]\n    say: \"{x}\"\n", "commands[0].say", 6, "{x} is neither"},
		{"timeout", "commands:\n  - pattern: hi\n    run: [/bin/true]\n    timeout: 1h\n", "commands[0].timeout", 6, "out of range"},
		{"same pattern twice", "commands:\n  - {name: a, pattern: hello there, run: [/bin/true]}\n  - {name: b, pattern: Hello  There, run: [/bin/true]}\n", "commands", 3, "same pattern"},
		{"the manager's own name", "commands:\n  - {name: repeat, pattern: say again, run: [/bin/true]}\n", "commands", 3, "repeat is declared twice"},
		{"duplicate name", "commands:\n  - {name: a, pattern: x, run: [/bin/true]}\n  - {name: a, pattern: y, run: [/bin/true]}\n", "commands[1].name", 5, "declared twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want Errors", err)
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), err)
			}
			e := errs[0]
			if e.Key != tt.key || e.Line != tt.line || !strings.Contains(e.Msg, tt.msgPart) {
				t.Errorf("got key %q line %d msg %q; want key %q line %d msg containing %q", e.Key, e.Line, e.Msg, tt.key, tt.line, tt.msgPart)
			}
			want := fmt.Sprintf("hark.yaml:%d: %s: ", tt.line, tt.key)
			if !strings.HasPrefix(e.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", e.Error(), want)
			}
		})
	}
}

func TestParseConfigModel(t *testing.T) {
	file := filepath.Join(t.TempDir(), "final.mdl")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src, key, msgPart string
		line                    int
	}{
		{"missing dir", "recognizer:\n  model: /nonexistent/model\n", "recognizer.model", "does not exist", 2},
		{"file not dir", "recognizer:\n  model: " + file + "\n", "recognizer.model", "not a directory", 2},
		{"vosk needs model", "recognizer:\n  model: \"\"\n", "recognizer.model", "required", 2},
		// The default model path is absent on a build machine; the error
		// is placed at the enclosing key the file has.
		{"default model absent", "recognizer:\n  grammar: true\n", "recognizer.model", "does not exist", 1},
		{"no recognizer section", "log_level: info\n", "recognizer.model", "does not exist", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hark.yaml", []byte(tt.src))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v, want one Error", err)
			}
			if e := errs[0]; e.Key != tt.key || e.Line != tt.line || !strings.Contains(e.Msg, tt.msgPart) {
				t.Errorf("got %q (key %q line %d), want key %q line %d containing %q", e.Msg, e.Key, e.Line, tt.key, tt.line, tt.msgPart)
			}
		})
	}
}

func TestParseConfigReportsAllErrors(t *testing.T) {
	src := configWithModel(t) + "button:\n  pull: sideways\nspeech:\n  rate: 5\nlog_level: loud\n"
	_, err := Parse("hark.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range errs {
		keys = append(keys, e.Key)
	}
	if want := []string{"button.pull", "speech.rate", "log_level"}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v (in file order)", keys, want)
	}
}

func TestParseConfigSyntaxError(t *testing.T) {
	_, err := Parse("hark.yaml", []byte("button:\n  pin: [GPIO4\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "hark.yaml:") {
		t.Fatalf("err = %v, want a positioned syntax error", err)
	}
}

// TestPinSpellings: every spelling config check accepts is stored as the
// name pins.Open looks up, so a pin that passes the check is found at run
// time (`pin: gpio17` once passed the check and failed in hark run).
func TestPinSpellings(t *testing.T) {
	for _, spelling := range []string{"GPIO17", "gpio17", "Gpio17", "17", "017"} {
		src := fmt.Sprintf("button:\n  pin: %q\nled:\n  pin: gpio25\n", spelling)
		cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+src))
		if err != nil {
			t.Errorf("%q: %v", spelling, err)
			continue
		}
		if cfg.Button.Pin != "GPIO17" || cfg.LED.Pin != "GPIO25" {
			t.Errorf("%q: pins stored as %q and %q, want GPIO17 and GPIO25", spelling, cfg.Button.Pin, cfg.LED.Pin)
		}
	}
}

func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../hark.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The example names the model path flash installs; point it at one that exists here.
	src := strings.Replace(string(data), Default().Recognizer.Model, t.TempDir(), 1)
	if _, err := Parse("hark.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	// Its commented wyoming: section, uncommented, is valid as shown.
	var section []string
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, "#wyoming:") || len(section) > 0 && strings.HasPrefix(l, "#  ") {
			section = append(section, l[1:])
		} else if len(section) > 0 {
			break
		}
	}
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+strings.Join(section, "\n")))
	if err != nil || cfg.Wyoming == nil || cfg.Wyoming.Mode != "local-first" || len(cfg.Wyoming.Allow) != 1 {
		t.Errorf("the example's wyoming: section %q: %+v, %v", section, cfg, err)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("button:\n  pin: GPIO4\n"))
	f.Add([]byte("commands:\n  - pattern: x\n    run: [a]\n"))
	f.Add([]byte("a: [1, {b: 2}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("f.yaml", data)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("cfg %v, err %v: want exactly one", cfg, err)
		}
		var errs Errors
		if err != nil && errors.As(err, &errs) && len(errs) == 0 {
			t.Fatal("empty Errors")
		}
	})
}

// TestParseIntegrations: the mqtt: and home_assistant: sections are off
// when absent, checked by their packages when present (problems placed at
// their keys), and get their defaults.
func TestParseIntegrations(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open")
	if err := os.WriteFile(open, []byte("s3cret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)))
	if err != nil || cfg.MQTT != nil || cfg.HomeAssistant != nil {
		t.Fatalf("no sections: %+v, %v; want both off", cfg, err)
	}
	src := fmt.Sprintf("mqtt:\n  broker: mqtt://127.0.0.1:1883\n  username: hark\n  password_file: %s\n  device_id: kitchen\nhome_assistant:\n  url: http://127.0.0.1:8123\n  token_file: %s\n", secret, secret)
	cfg, err = Parse("hark.yaml", []byte(configWithModel(t)+src))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MQTT.TopicPrefix != "hark/kitchen" || cfg.HomeAssistant.Timeout == 0 {
		t.Errorf("defaults not applied: mqtt %+v, home_assistant %+v", cfg.MQTT, cfg.HomeAssistant)
	}
	tests := []struct{ src, key string }{
		{"mqtt:\n  broker: http://x\n", "mqtt.broker"},
		{fmt.Sprintf("mqtt:\n  broker: mqtt://127.0.0.1:1883\n  password_file: %s\n", open), "mqtt.password_file"},
		{fmt.Sprintf("home_assistant:\n  url: http://127.0.0.1:8123\n  token_file: %s\n", open), "home_assistant.token_file"},
	}
	for _, tt := range tests {
		_, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
		if err == nil || !strings.Contains(err.Error(), ": "+tt.key+": ") || !strings.Contains(err.Error(), "hark.yaml:") {
			t.Errorf("%q: err %v, want one naming %s with its line", tt.src, err, tt.key)
		}
	}
}

// TestParseDebugBlockLoop: the loop-blocking debug command is off unless
// configured, gets its defaults, and its values are checked.
func TestParseDebugBlockLoop(t *testing.T) {
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)))
	if err != nil || cfg.Debug.BlockLoop != nil {
		t.Fatalf("without debug: %+v, %v; want it off", cfg.Debug, err)
	}
	cfg, err = Parse("hark.yaml", []byte(configWithModel(t)+"debug:\n  block_loop: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b := cfg.Debug.BlockLoop; b == nil || b.Pattern != "block the loop" || b.Hold != 1500*time.Millisecond {
		t.Errorf("defaults: %+v", b)
	}
	for _, tt := range []struct{ src, key string }{
		{"debug:\n  block_loop: {hold: 1ms}\n", "debug.block_loop.hold"},
		{"debug:\n  block_loop: {pattern: \"(block\"}\n", "debug.block_loop.pattern"},
		{"debug:\n  block_loop: {pattern: " + strings.Repeat("x", 4097) + "}\n", "debug.block_loop.pattern"},
	} {
		if _, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src)); err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%q: %v, want an error at %s", tt.src, err, tt.key)
		}
	}
}

// TestLoadCommands: tools that only match commands accept a configuration
// whose model is not on this machine, and still report its other errors.
func TestLoadCommands(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hark.yaml")
	for _, tt := range []struct {
		text, wantErr string
	}{
		{"recognizer:\n  model: /nonexistent/model\ncommands:\n  - name: hi\n    pattern: hello\n    say: hi\n", ""},
		{"recognizer:\n  model: /nonexistent/model\n  engine: kaldi\n", "hark.yaml:3: recognizer.engine"},
	} {
		if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadCommands(path)
		switch {
		case tt.wantErr == "" && (err != nil || len(cfg.Commands) != 1):
			t.Errorf("%q: %v, want its one command", tt.text, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%q: error %v, want %q", tt.text, err, tt.wantErr)
		}
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "recognizer.model") {
			t.Errorf("Load(%q) = %v, want the missing model named", tt.text, err)
		}
	}
}

// TestRecognizerModelFollowsEngine: a file that names an engine but no model
// gets that engine's default model. engine: pocketsphinx alone once took
// Vosk's model path, so config check refused it and transcribe failed.
func TestRecognizerModelFollowsEngine(t *testing.T) {
	const (
		vosk         = "/usr/share/hark/models/vosk-model-small-en-us-0.15"
		pocketsphinx = "/usr/share/pocketsphinx/model/en-us" // Debian's pocketsphinx-en-us
	)
	tests := []struct{ src, want string }{
		{"log_level: info\n", vosk},
		{"recognizer:\n  engine: vosk\n", vosk},
		{"recognizer:\n  engine: pocketsphinx\n", pocketsphinx},
		{"recognizer:\n  engine: pocketsphinx\n  model: \"\"\n", pocketsphinx},
		{"recognizer:\n  engine: pocketsphinx\n  model:\n", pocketsphinx},
		{"recognizer:\n  model: /srv/ps\n  engine: pocketsphinx\n", "/srv/ps"},
	}
	for _, tt := range tests {
		cfg, err := parse("hark.yaml", []byte(tt.src), false)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if cfg.Recognizer.Model != tt.want {
			t.Errorf("%q: model %q, want %q", tt.src, cfg.Recognizer.Model, tt.want)
		}
	}
}

// TestLoadRefusesWhatIsNotAConfigFile: a FIFO, a device or a directory is
// refused, naming the path and what it is, and so is a file over the size
// bound; both loaders check. A FIFO once blocked Load for good (and
// /dev/zero ran it out of memory).
func TestLoadRefusesWhatIsNotAConfigFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, comments(1<<20+1), 0o644); err != nil {
		t.Fatal(err)
	}
	largest := filepath.Join(dir, "largest.yaml")
	if err := os.WriteFile(largest, comments(1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{fifo, fifo + " is a named pipe, not a regular file"},
		{"/dev/null", "/dev/null is a character device, not a regular file"},
		{dir, dir + " is a directory, not a regular file"},
		{huge, huge + " is larger than 1 MiB, the most a configuration file may be"},
		{largest, ""},
	}
	for _, tt := range tests {
		for name, load := range map[string]func(string) (*Config, error){"Load": Load, "LoadCommands": LoadCommands} {
			done := make(chan error, 1)
			go func() {
				_, err := load(tt.path)
				done <- err
			}()
			select {
			case err := <-done:
				switch {
				case tt.want == "" && err != nil && !strings.Contains(err.Error(), "recognizer.model"):
					t.Errorf("%s(%s): %v, want no error but the missing model", name, tt.path, err)
				case tt.want != "" && (err == nil || err.Error() != tt.want):
					t.Errorf("%s(%s): %v, want %q", name, tt.path, err, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s(%s) still running after 5s", name, tt.path)
			}
		}
	}
}

// comments returns n bytes of YAML comment lines.
func comments(n int) []byte {
	line := "# " + strings.Repeat("x", 61) + "\n"
	b := []byte(strings.Repeat(line, n/len(line)+1))[:n]
	b[n-1] = '\n'
	return b
}

// TestParseWyoming: the wyoming: section is off when absent, gets its
// defaults when present, and its problems are placed at their keys
// (file:line: wyoming.key: problem).
func TestParseWyoming(t *testing.T) {
	cfg, err := Parse("hark.yaml", []byte(configWithModel(t)))
	if err != nil || cfg.Wyoming != nil {
		t.Fatalf("no section: %+v, %v; want it off", cfg.Wyoming, err)
	}
	cfg, err = Parse("hark.yaml", []byte(configWithModel(t)+"wyoming: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := cfg.Wyoming; w == nil || w.Listen != "tcp://0.0.0.0:10700" || w.Mode != "local-first" || w.Timeout != 15*time.Second || w.Name == "" {
		t.Errorf("defaults not applied: %+v", cfg.Wyoming)
	}
	good := "wyoming:\n  listen: tcp://127.0.0.1:10700\n  name: Kitchen\n  area: Kitchen\n  mode: satellite\n  allow: [192.168.1.10, 10.0.0.0/8, \"fd00::/8\"]\n  timeout: 20s\n"
	if cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+good)); err != nil || cfg.Wyoming.Mode != "satellite" || len(cfg.Wyoming.Allow) != 3 {
		t.Errorf("good section: %+v, %v", cfg.Wyoming, err)
	}
	for _, tt := range []struct{ src, key string }{
		{"wyoming:\n  listen: http://0.0.0.0:10700\n", "wyoming.listen"},
		{"wyoming:\n  listen: tcp://0.0.0.0\n", "wyoming.listen"},
		{"wyoming:\n  listen: tcp://0.0.0.0:70000\n", "wyoming.listen"},
		{"wyoming:\n  mode: always\n", "wyoming.mode"},
		{"wyoming:\n  allow:\n    - 192.168.1.0/24\n    - 192.168.1.0/33\n", "wyoming.allow[1]"},
		{"wyoming:\n  allow: [kitchen.local]\n", "wyoming.allow[0]"},
		{"wyoming:\n  timeout: 10ms\n", "wyoming.timeout"},
		{"wyoming:\n  timeout: 1h\n", "wyoming.timeout"},
		{"wyoming:\n  port: 10700\n", "wyoming"},
	} {
		_, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
		if err == nil || !strings.Contains(err.Error(), ": "+tt.key) || !regexp.MustCompile(`hark\.yaml:\d+: `).MatchString(err.Error()) {
			t.Errorf("%q: err %v, want one naming %s with its line", tt.src, err, tt.key)
		}
	}
}

// language: loads its pack; the voice follows it unless speech.voice is
// set, as does the language Home Assistant's conversation agent is asked
// in (none is sent without language:); an unknown language is placed at
// its key.
func TestLanguage(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ha := fmt.Sprintf("home_assistant: {url: http://ha.local:8123, token_file: %s}\n", token)
	for _, tt := range []struct {
		src, voice, haLanguage, pack string
	}{
		{ha, "en-us", "", ""},
		{"language: de\n" + ha, "de", "de", "de"},
		{"language: fr\nspeech: {voice: fr-be}\n", "fr-be", "", "fr"},
	} {
		cfg, err := Parse("hark.yaml", []byte(configWithModel(t)+tt.src))
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		pack := ""
		if cfg.Pack != nil {
			pack = cfg.Pack.Code
		}
		haLanguage := ""
		if cfg.HomeAssistant != nil {
			haLanguage = cfg.HomeAssistant.Language
		}
		if cfg.Speech.Voice != tt.voice || haLanguage != tt.haLanguage || pack != tt.pack || cfg.Assistant().Language != cfg.Pack {
			t.Errorf("%q: voice %q, HA language %q, pack %q; want %q, %q, %q", tt.src, cfg.Speech.Voice, haLanguage, pack, tt.voice, tt.haLanguage, tt.pack)
		}
	}
	_, err := Parse("hark.yaml", []byte(configWithModel(t)+"language: klingon\n"))
	if err == nil || !strings.Contains(err.Error(), "hark.yaml:") || !strings.Contains(err.Error(), ": language: ") {
		t.Errorf("an unknown language: %v", err)
	}
}

// recognizer.reject defaults to on with a wyoming: section (PocketSphinx
// then tells speech for Home Assistant from its own commands) and off
// without (no second decode); the file's word wins.
func TestRejectDefault(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"", false},
		{"wyoming: {}\n", true},
		{"wyoming: {}\nrecognizer: {reject: false}\n", false},
		{"recognizer:\n  reject: true\n", true},
	} {
		src := "recognizer:\n  model: " + t.TempDir() + "\n"
		if strings.HasPrefix(tt.src, "recognizer:") {
			src = strings.Replace(tt.src, "recognizer:\n", src, 1)
		} else if strings.Contains(tt.src, "recognizer:") {
			src = strings.Replace(tt.src, "recognizer: {", "recognizer: {model: "+t.TempDir()+", ", 1)
		} else {
			src += tt.src
		}
		cfg, err := Parse("hark.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if cfg.Recognizer.Reject != tt.want {
			t.Errorf("%q: reject %v, want %v", src, cfg.Recognizer.Reject, tt.want)
		}
	}
}
