package assistant

import (
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/commands/lang"
)

// countdown is the built-in kitchen timer. One runs at a time; setting a
// new one replaces it. Its methods run on the main loop; when it rings, the
// clock's goroutine hands the announcement back to the loop through post.
type countdown struct {
	lang     *lang.Pack // the replies' language; nil is English
	clock    clockwork.Clock
	post     func(fn func())   // runs fn on the main loop
	announce func(text string) // speaks, on the loop
	timer    clockwork.Timer
	length   time.Duration
	deadline time.Time
	gen      int // tells a ring from a replaced or cancelled timer apart
}

// set starts a timer of length d and returns the answer to speak.
func (c *countdown) set(d time.Duration) string {
	c.stop()
	c.gen++
	gen := c.gen
	c.length, c.deadline = d, c.clock.Now().Add(d)
	c.timer = c.clock.AfterFunc(d, func() {
		c.post(func() {
			if c.gen != gen || c.timer == nil {
				return // cancelled or replaced after it fired
			}
			c.timer = nil
			c.announce(c.say().Reply("timer_done", "duration", c.say().Duration(c.length)))
		})
	})
	return c.say().Reply("timer_set", "duration", c.say().Duration(d))
}

// say is the language of the replies.
func (c *countdown) say() *lang.Pack { return packOr(c.lang) }

// left answers how long the running timer has to go.
func (c *countdown) left() string {
	if c.timer == nil {
		return c.say().Reply("no_timer")
	}
	rest := c.deadline.Sub(c.clock.Now()).Round(time.Second)
	return c.say().Reply("timer_left", "left", c.say().Duration(max(rest, time.Second)), "duration", c.say().Duration(c.length))
}

// cancel stops the running timer and returns the answer to speak.
func (c *countdown) cancel() string {
	if !c.stop() {
		return c.say().Reply("no_timer")
	}
	return c.say().Reply("timer_cancelled", "duration", c.say().Duration(c.length))
}

func (c *countdown) stop() bool {
	if c.timer == nil {
		return false
	}
	c.timer.Stop()
	c.timer = nil
	return true
}

// spokenDuration says d in hours, minutes and seconds in English, as a
// person would: "1 hour and 5 minutes", "90 seconds" stays "1 minute and
// 30 seconds" (lang.Pack.Duration in the language's words).
func spokenDuration(d time.Duration) string { return lang.Default().Duration(d) }
