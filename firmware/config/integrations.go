package config

import (
	"time"

	"github.com/hark-assistant/hark/firmware/assistant"
)

// integrations checks the mqtt:, home_assistant: and wyoming: sections with their
// packages' own checks, placing each problem at its key, and applies their
// defaults, so what `hark config check` accepts is what `hark run` uses.
func (v *validator) integrations(c *Config) {
	if c.MQTT != nil {
		c.MQTT.ApplyDefaults()
		for _, p := range c.MQTT.Check() {
			v.fail("mqtt."+p.Key, "%s", p.Msg)
		}
	}
	if c.HomeAssistant != nil {
		*c.HomeAssistant = c.HomeAssistant.WithDefaults()
		for _, p := range c.HomeAssistant.Check() {
			v.fail("home_assistant."+p.Key, "%s", p.Msg)
		}
	}
	if c.Wyoming != nil {
		*c.Wyoming = c.Wyoming.WithDefaults()
		for _, p := range c.Wyoming.Validate() {
			v.fail("wyoming."+p.Key, "%s", p.Msg)
		}
	}
}

// debug checks the debug: section and applies its defaults.
func (v *validator) debug(c *Config) {
	if c.Debug.BlockLoop == nil {
		return
	}
	*c.Debug.BlockLoop = c.Debug.BlockLoop.WithDefaults()
	v.between("debug.block_loop.hold", c.Debug.BlockLoop.Hold, 100*time.Millisecond, 10*time.Minute)
	v.compile("debug.block_loop.pattern", c.Debug.BlockLoop.Pattern, assistant.NewTypesIn(c.Pack))
}
