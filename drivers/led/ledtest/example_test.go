package ledtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/drivers/led"
	"github.com/hark-assistant/hark/drivers/led/ledtest"
)

// Watching a led.Driver: wait for a look, then check its colours step by
// step under a fake clock.
func Example() {
	clock := clockwork.NewFakeClock()
	light := &ledtest.Light{Clock: clock}
	d := led.New(light, led.Config{Clock: clock})
	// Every wait has a deadline: a missing call fails, it does not hang.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	d.SetBlocked(true)
	if _, err := light.Wait(ctx, ledtest.Look("blocked")); err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		c, err := light.Next(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c)
		clock.Advance(100 * time.Millisecond) // the blink's half period
	}
	cancel()
	select {
	case err := <-done:
		fmt.Println("Run returned", err)
	case <-time.After(5 * time.Second):
		fmt.Println("Run did not return")
	}
	// Output:
	// white
	// black
	// white
	// Run returned <nil>
}
