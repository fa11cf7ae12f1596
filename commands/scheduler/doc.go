// Package scheduler runs Hark's commands: async ones cooperatively on a single
// main loop, blocking ones on a bounded worker pool, and watches the loop for
// blockage.
//
// # The main loop
//
// One goroutine at a time holds the loop. Functions given to [Scheduler.Post]
// (speech results, response handling) and async commands run while holding
// it, one at a time and in the order they were queued, so loop code may touch
// assistant state without locks.
//
// An async command ([Command].Async) holds the loop while it computes. When it
// awaits — [Runtime.Offload], [Runtime.Sleep] — it gives the loop up and
// resumes on it once the awaited thing is done, behind work queued meanwhile.
//
// A blocking command (the default; when unsure, use blocking) runs on the
// worker pool, at most [Config].Workers at once. It may run a function on the
// loop and wait for its result ([Runtime.OnLoop]), e.g. to read or change
// assistant state safely.
//
// Runtime handles passed to commands have the same method set as the
// commands package's Runtime, which this package does not import.
//
// Commands are cancelled through [context.Context]: by [Job.Cancel], by their
// timeout, or when shutdown gives up waiting. A panic in a command becomes a
// [*PanicError]; the loop keeps going.
//
// Nothing polls: an idle loop and its watchdog sleep on channels.
//
// # The blockage watchdog
//
// Each time a goroutine takes the loop, a timer is armed for
// [Config].BlockThreshold. If the loop has not come back when it fires, the
// watchdog (which never runs on the loop) reports the culprit — command name,
// pattern, how long so far and the stack of the goroutine holding the loop —
// to the [Alerter] and the logger, and reports the total blocked time once
// the loop comes back. [Scheduler.Healthy] tells a systemd watchdog whether
// the loop is currently responsive.
package scheduler
