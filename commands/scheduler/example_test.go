package scheduler_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hark-assistant/hark/commands/scheduler"
)

// An async command reports progress while a blocking download runs off the
// loop; responses are handled on the loop, in order.
func Example() {
	s, err := scheduler.New(scheduler.Config{Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	respond := func(text string) { fmt.Println("hark:", text) } // loop only

	job, err := s.Start(context.Background(), scheduler.Command{
		Name:    "update",
		Pattern: "update the $thing",
		Async:   true,
		Run: func(rt scheduler.Runtime) error {
			respond("downloading…")
			for _, part := range []string{"50 %", "100 %"} {
				// The download blocks, so it runs on the worker pool; the
				// loop is free meanwhile and this command resumes on it.
				if err := rt.Offload(func(ctx context.Context) error { return ctx.Err() }); err != nil {
					return err
				}
				respond(part)
			}
			respond("done")
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	select {
	case <-job.Done():
	case <-time.After(10 * time.Second):
		fmt.Println("update is stuck")
		return
	}
	fmt.Println("error:", job.Err())
	fmt.Println("shutdown:", s.Shutdown(context.Background()))
	// Output:
	// hark: downloading…
	// hark: 50 %
	// hark: 100 %
	// hark: done
	// error: <nil>
	// shutdown: <nil>
}

// A blocking command (the default) runs on the worker pool and reads loop
// state through OnLoop; posted speech results change it on the loop.
func ExampleScheduler_Start() {
	s, err := scheduler.New(scheduler.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	volume := 5 // assistant state: touched on the loop only

	heard := make(chan struct{})
	if err := s.Post("speech result", func() { volume = 8; close(heard) }); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		fmt.Println("the loop is stuck")
		return
	}

	job, err := s.Start(context.Background(), scheduler.Command{
		Name:    "volume",
		Pattern: "what is the volume",
		Run: func(rt scheduler.Runtime) error {
			var v int
			if err := rt.OnLoop(func() error { v = volume; return nil }); err != nil {
				return err
			}
			fmt.Println("volume is", v)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	select {
	case <-job.Done():
	case <-time.After(10 * time.Second):
		fmt.Println("volume is stuck")
		return
	}
	fmt.Println("error:", job.Err())
	fmt.Println("shutdown:", s.Shutdown(context.Background()))
	// Output:
	// volume is 8
	// error: <nil>
	// shutdown: <nil>
}
