package button_test

import (
	"context"
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/hark-assistant/hark/drivers/button"
	"github.com/hark-assistant/hark/drivers/internal/await"
)

// Push-to-talk reads Down and Up as they come; on a Pi the pin comes from
// pins.Open("GPIO17").
func Example() {
	defer await.Guard("button.Example")() // fails in seconds if an event never comes
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}
	b, err := button.New(pin, button.Config{}) // active-low with pull-up, 20 ms debounce
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.Run(ctx) }()

	pin.EdgesChan <- gpio.Low // pressed
	fmt.Println((<-b.Events()).Kind, "→ start listening")
	pin.EdgesChan <- gpio.High // released
	for e := range b.Events() {
		if e.Kind == button.Up {
			fmt.Println(e.Kind, "→ stop listening")
			break
		}
	}
	cancel()
	fmt.Println(<-done)
	// Output:
	// Down → start listening
	// Up → stop listening
	// <nil>
}
