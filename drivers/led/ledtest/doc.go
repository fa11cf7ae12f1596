// Package ledtest is meant to be used to test code that drives a led.Light,
// like periph's gpiotest for pins: Light records every colour set and every
// look described, and lets a test wait, under its own deadline, for the call
// it expects.
//
// A led.Driver plays patterns on its own goroutine, so a test cannot look at
// the light right after Set; it waits instead:
//
//	l := &ledtest.Light{}
//	d := led.New(l, led.Config{Clock: clock})
//	go d.Run(ctx)
//	d.Set(led.Listening)
//	if _, err := l.Wait(ctx, ledtest.Look("listening")); err != nil {
//		t.Fatal(err)
//	}
//
// Next and Wait share one cursor: each call is returned once, in order, so a
// test can check an exact sequence with Next, or skip to what matters with
// Wait. Calls returns the whole history at any time.
package ledtest
