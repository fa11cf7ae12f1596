package firmware

import (
	"context"
	"log/slog"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/mqtt"
	"github.com/hark-assistant/hark/firmware/wyoming"
)

// homeAssistant is the assistant's fallback, what answers when Hark's own
// commands do not: Home Assistant's voice pipeline over Wyoming, given the
// utterance's audio, while Home Assistant is connected; else its
// conversation agent, given the words; else "Sorry".
type homeAssistant struct {
	sat  *wyoming.Satellite // nil: no wyoming: section
	conv assistant.Fallback // nil: no home_assistant: section
	log  *slog.Logger
	// notFound is the answer when neither can be asked.
	notFound commands.Response
}

var _ assistant.Fallback = homeAssistant{}

// First: a conversation Home Assistant asked to go on takes the next
// utterance's words, and a satellite in mode satellite a spoken one.
func (h homeAssistant) First(u assistant.Utterance) bool {
	return h.conv != nil && h.conv.First(u) || h.sat != nil && h.sat.First(u)
}

func (h homeAssistant) Answer(ctx context.Context, u assistant.Utterance) commands.Response {
	continuing := h.conv != nil && h.conv.First(u)
	if h.sat != nil && !continuing && len(u.Audio) > 0 {
		if h.sat.Ready() {
			return h.sat.Answer(ctx, u)
		}
		h.log.Info("home assistant is not connected over wyoming: the utterance is not handed over", "turn", u.Turn)
	}
	if h.conv != nil {
		return h.conv.Answer(ctx, u)
	}
	r := h.notFound
	r.Command = assistant.FallbackCommand
	return r
}

// wyomingInputs hands what Home Assistant sends outside the assistant's
// own turn to Hark: a timer's end to the assistant (in order, through
// integrations.run), whether timers run to the LED, what its
// speech-to-text heard to the log and MQTT.
type wyomingInputs struct {
	inbox mqttInputs
	mqtt  *mqtt.Client // nil: no mqtt: section
	led   *led.Driver  // nil: none (tests)
	log   *slog.Logger
}

func (w wyomingInputs) Announce(text string) { w.inbox.Say(text) }

// Timers shows on the LED whether a timer runs: its timer look while the
// assistant is idle. SetTimer does not block.
func (w wyomingInputs) Timers(running int) {
	if w.led != nil {
		w.led.SetTimer(running > 0)
	}
}

func (w wyomingInputs) Transcript(text string) {
	w.log.Info("home assistant heard", "text", text)
	if w.mqtt != nil {
		w.mqtt.Publish(mqtt.Event{Kind: mqtt.Kind(assistant.EventTranscript.String()), Text: text})
	}
}

var _ wyoming.Inputs = wyomingInputs{}
