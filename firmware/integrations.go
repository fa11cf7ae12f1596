package firmware

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/lang"
	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/firmware/hass"
	"github.com/hark-assistant/hark/firmware/mqtt"
	"github.com/hark-assistant/hark/firmware/wyoming"
)

// integrations are the smart-home bridges configured: each is nil when its
// section is absent.
type integrations struct {
	mqtt    *mqtt.Client
	inputs  chan func(*assistant.Assistant) // MQTT's inputs, handed to the assistant in order
	hass    *hass.Client
	wyoming *wyoming.Satellite
	log     *slog.Logger
	// notFound is "Sorry, I didn't get that" in the configured language.
	notFound commands.Response
}

// openIntegrations builds the configured bridges; they start in Run's group.
// light (nil: none) shows whether Home Assistant's timers run.
func openIntegrations(cfg *config.Config, version string, light *led.Driver, log *slog.Logger) (*integrations, error) {
	pack := cfg.Pack
	if pack == nil {
		pack = lang.Default()
	}
	in := &integrations{inputs: make(chan func(*assistant.Assistant), 64), log: log,
		notFound: commands.NotFoundSaying(pack.Reply("not_found"))}
	if cfg.MQTT != nil {
		mc := *cfg.MQTT
		mc.Version = version
		for _, c := range cfg.Commands {
			mc.Commands = append(mc.Commands, c.Name)
		}
		client, err := mqtt.New(mc, in.inbox(), log)
		if err != nil {
			return nil, err
		}
		in.mqtt = client
	}
	if cfg.HomeAssistant != nil {
		client, err := hass.New(*cfg.HomeAssistant, log)
		if err != nil {
			return nil, err
		}
		in.hass = client
	}
	if cfg.Wyoming != nil {
		wc := *cfg.Wyoming
		wc.Version = version
		sat, err := wyoming.New(wc, wyomingInputs{inbox: in.inbox(), mqtt: in.mqtt, led: light, log: log}, log)
		if err != nil {
			return nil, err
		}
		in.wyoming = sat
	}
	return in, nil
}

// inbox hands inputs from the bridges' goroutines to the assistant, in
// order, through run.
func (in *integrations) inbox() mqttInputs {
	return mqttInputs{in: in.inputs, log: in.log, dropped: new(atomic.Int64)}
}

// options adds the bridges to the assistant's options: events out to MQTT,
// what no command matched to Home Assistant.
func (in *integrations) options(opts assistant.Options) assistant.Options {
	if in.mqtt != nil {
		next := opts.OnEvent
		opts.OnEvent = func(e assistant.Event) {
			if next != nil {
				next(e)
			}
			in.mqtt.Publish(mqttEvent(e))
		}
	}
	if in.mqtt != nil {
		opts.Publisher = mqttPublisher{in.mqtt}
	}
	if in.hass != nil || in.wyoming != nil {
		fb := homeAssistant{sat: in.wyoming, log: in.log, notFound: in.notFound}
		if in.hass != nil {
			fb.conv = conversation{in}
		}
		opts.Fallback = fb
	}
	return opts
}

// mqttPublisher sends declared commands' messages through the bridge.
type mqttPublisher struct{ c *mqtt.Client }

func (p mqttPublisher) Publish(ctx context.Context, topic, payload string, retain bool, qos byte) error {
	return p.c.PublishCommand(ctx, topic, payload, retain, qos)
}

// mqttEvent is e as the MQTT bridge publishes it.
func mqttEvent(e assistant.Event) mqtt.Event {
	return mqtt.Event{
		Kind:    mqtt.Kind(e.Kind.String()),
		Turn:    e.Turn,
		Text:    e.Text,
		Command: e.Command,
		Params:  e.Params,
		Status:  e.Status,
		State:   e.State.String(),
		HeldMS:  e.Held.Milliseconds(),
	}
}

// conversation is Home Assistant's conversation agent as a fallback: it
// goes first while Home Assistant asked for a follow-up
// (continue_conversation), so the answer to its question is not taken by
// one of Hark's commands.
type conversation struct{ in *integrations }

func (c conversation) Answer(ctx context.Context, u assistant.Utterance) commands.Response {
	return c.in.converse(ctx, u)
}

func (c conversation) First(u assistant.Utterance) bool {
	return u.Text != "" && c.in.hass.Continuing()
}

// converse asks Home Assistant's conversation agent; its failures are
// answered, with an error status, never left silent.
func (in *integrations) converse(ctx context.Context, u assistant.Utterance) commands.Response {
	if u.Text == "" {
		// Speech outside the grammar: no words to send, only audio,
		// which the conversation agent does not take.
		r := in.notFound
		r.Command = assistant.FallbackCommand
		return r
	}
	ans, err := in.hass.Process(ctx, u.Text)
	var refused *hass.ResponseError
	switch {
	case errors.As(err, &refused) && refused.Speech != "":
		return commands.Response{Text: refused.Speech, Command: assistant.FallbackCommand, Status: commands.StatusFailed}
	case err != nil:
		in.log.Warn("home assistant", "err", err)
		return commands.Response{Text: "Sorry, Home Assistant did not answer.", Command: assistant.FallbackCommand, Status: commands.StatusError}
	case ans.Speech == "":
		return commands.Response{Text: "Done.", Command: assistant.FallbackCommand, Status: commands.StatusSuccess}
	}
	return commands.Response{Text: ans.Speech, Command: assistant.FallbackCommand, Status: commands.StatusSuccess}
}

// run runs the bridges until ctx is done: the MQTT client, the Wyoming
// satellite, and the hand-over of their inputs to the assistant.
func (in *integrations) run(ctx context.Context, a *assistant.Assistant) error {
	if in.hass != nil {
		defer in.hass.CloseIdleConnections()
	}
	if in.mqtt == nil && in.wyoming == nil {
		return nil
	}
	g, ctx := errgroup.WithContext(ctx)
	if in.mqtt != nil {
		g.Go(func() error { return in.mqtt.Run(ctx) })
	}
	if in.wyoming != nil {
		g.Go(func() error { return in.wyoming.Run(ctx) })
	}
	g.Go(func() error {
		for {
			select {
			case input := <-in.inputs:
				input(a)
			case <-ctx.Done():
				return nil
			}
		}
	})
	return g.Wait()
}

// mqttInputs hands what arrives over MQTT to the assistant, in order,
// through run; it never blocks MQTT's goroutine.
type mqttInputs struct {
	in      chan<- func(*assistant.Assistant)
	log     *slog.Logger
	dropped *atomic.Int64 // inputs dropped because the assistant was not keeping up
}

func (m mqttInputs) send(f func(*assistant.Assistant)) {
	select {
	case m.in <- f:
	default:
		// A flood is logged at every power of two, not per message.
		if n := m.dropped.Add(1); n&(n-1) == 0 {
			m.log.Warn("mqtt: input dropped, the assistant is not keeping up", "dropped", n)
		}
	}
}

func (m mqttInputs) Say(text string) {
	m.send(func(a *assistant.Assistant) { a.Announce(text) })
}

func (m mqttInputs) Utterance(text string) {
	m.send(func(a *assistant.Assistant) { a.Send(assistant.Input{Kind: assistant.Heard, Text: text}) })
}

func (m mqttInputs) SetMuted(muted bool) {
	kind := assistant.MuteOff
	if muted {
		kind = assistant.MuteOn
	}
	m.send(func(a *assistant.Assistant) { a.Send(assistant.Input{Kind: kind}) })
}

// Listen presses from elsewhere: the assistant listens for its window.
func (m mqttInputs) Listen() {
	m.send(func(a *assistant.Assistant) {
		a.Send(assistant.Input{Kind: assistant.Pressed, Source: assistant.FromRemote})
	})
}

var _ mqtt.Inputs = mqttInputs{}

// ForgetMQTT removes Hark's Home Assistant discovery and retained topics
// from the broker (hark run --mqtt-forget); stop the service first, or it
// announces itself again at its next connection.
func ForgetMQTT(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	if cfg.MQTT == nil {
		return errors.New("the configuration has no mqtt: section")
	}
	client, err := mqtt.New(*cfg.MQTT, mqttInputs{in: make(chan func(*assistant.Assistant)), log: log, dropped: new(atomic.Int64)}, log)
	if err != nil {
		return err
	}
	return client.Forget(ctx)
}
