package mqtt_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hark-assistant/hark/firmware/mqtt"
)

// inputs posts what arrives over MQTT to the assistant's main loop; here it
// prints.
type inputs struct{}

func (inputs) Say(text string)       { fmt.Println("say:", text) }
func (inputs) Utterance(text string) { fmt.Println("heard:", text) }
func (inputs) SetMuted(m bool)       { fmt.Println("muted:", m) }
func (inputs) Listen()               { fmt.Println("listen") }

// How the firmware wires the client: New from the config section, Run on a
// goroutine of its own that is joined at shutdown, Publish from the event
// stream, PublishCommand from a command that publishes.
func Example() {
	cfg := mqtt.Config{Broker: "mqtt://localhost:1883", Username: "hark", PasswordFile: "/etc/hark/mqtt-password", QoS: 1}
	cfg.ApplyDefaults()
	for _, p := range cfg.Check() {
		fmt.Printf("hark.yaml: mqtt.%s\n", p)
	}
	c, err := mqtt.New(cfg, inputs{}, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()

	c.Publish(mqtt.Event{Kind: mqtt.State, State: mqtt.StateListening}) // never blocks
	// The topic and payload as the assistant filled the command's templates.
	if err := c.PublishCommand(ctx, "zigbee2mqtt/kitchen_light/set", `{"state":"ON"}`, false, 1); err != nil {
		fmt.Println("answer with an error status:", err)
	}

	stop()
	<-done // Run has published "offline" and joined its goroutines
}
