// Package mqtt connects Hark to an MQTT broker and, through MQTT discovery,
// to Home Assistant.
//
// A [Client] publishes under its topic prefix (default hark/<device_id>):
//
//	<prefix>/availability  online / offline, retained; offline is also the last will
//	<prefix>/state         the assistant state (idle, listening, …), retained
//	<prefix>/mute          ON / OFF, retained (on while the state is muted)
//	<prefix>/transcript    the last transcript, retained (at most 255 bytes)
//	<prefix>/event         one JSON [Event] per event: {"kind":"command","seq":7,…}
//	<prefix>/command       command events as Home Assistant event payloads
//
// and passes to [Inputs] what arrives on
//
//	<prefix>/say           text to speak
//	<prefix>/utterance     text handled as if heard
//	<prefix>/mute/set      ON / OFF, as Home Assistant's switch sends
//	<prefix>/listen        start listening (Home Assistant's button sends PRESS)
//
// Retained messages on those topics are ignored: they would replay on every
// reconnect.
//
// For Home Assistant it publishes retained configs under
// <discovery_prefix>/<component>/hark_<device_id>/<object>/config: a sensor
// (state), a sensor (last transcript), an event entity (commands: an event
// type for each declared command and each of Hark's own, the parameters
// nested under the attribute params), a switch (mute) and a button (start
// listening), all on one device. When Home Assistant announces itself
// (online on homeassistant/status, its default birth topic, or on
// <discovery_prefix>/status; never under Hark's own prefix), they are
// published again. [Client.Forget]
// replaces them with empty retained payloads, which removes the device.
//
// # Never blocking the main loop
//
// [Client.Publish] only appends to a bounded queue under a short lock; the
// network work happens on [Client.Run]'s goroutine. While the broker is
// down, events are dropped at QoS 0 and kept up to Config.QueueSize at QoS 1
// (then dropped); [Client.Stats] counts them. Run reconnects with jittered
// exponential backoff (0.25 s doubling to 30 s). The retained topics are
// published from the latest state rather than event by event, so a dropped
// event never leaves a stale state behind.
//
// Each event carries a sequence number: a subscriber sees a gap where events
// were dropped, and can drop repeats, which QoS 1 allows after a connection
// breaks with messages in flight.
//
// # Commands that publish
//
// [Client.PublishCommand] publishes a declared command's message and waits
// for the broker; it fails with [ErrNotConnected] at once while the broker is
// down, so the command can answer with an error. The assistant fills the
// command's topic and payload templates; [CheckTopic] is what PublishCommand
// asks of the topic.
package mqtt
