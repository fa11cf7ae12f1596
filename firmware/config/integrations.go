package config

// integrations checks the mqtt: and home_assistant: sections with their
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
}
