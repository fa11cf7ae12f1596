package config_test

import (
	"errors"
	"fmt"

	"github.com/hark-assistant/hark/firmware/config"
)

// A configuration error names the file, line and key; all are reported at
// once.
func ExampleParse() {
	src := []byte(`button:
  pin: GPIO40
led:
  backend: neon
recognizer:
  engine: pocketsphinx
  model: ""
commands:
  - pattern: "turn (on the $room:Word light"
    run: [/usr/local/bin/lights, "{room}"]
`)
	_, err := config.Parse("hark.yaml", src)
	var errs config.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Printf("line %d, %s\n", e.Line, e.Key)
		}
	}
	// Output:
	// line 2, button.pin
	// line 4, led.backend
	// line 9, commands[0].pattern
}
