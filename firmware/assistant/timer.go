package assistant

import (
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// countdown is the built-in kitchen timer. One runs at a time; setting a
// new one replaces it. Its methods run on the main loop; when it rings, the
// clock's goroutine hands the announcement back to the loop through post.
type countdown struct {
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
			c.announce(fmt.Sprintf("Your timer for %s is done.", spokenDuration(c.length)))
		})
	})
	return fmt.Sprintf("Timer set for %s.", spokenDuration(d))
}

// left answers how long the running timer has to go.
func (c *countdown) left() string {
	if c.timer == nil {
		return "No timer is running."
	}
	rest := c.deadline.Sub(c.clock.Now()).Round(time.Second)
	return fmt.Sprintf("%s left on your timer for %s.", capitalize(spokenDuration(max(rest, time.Second))), spokenDuration(c.length))
}

// cancel stops the running timer and returns the answer to speak.
func (c *countdown) cancel() string {
	if !c.stop() {
		return "No timer is running."
	}
	return fmt.Sprintf("Your timer for %s is cancelled.", spokenDuration(c.length))
}

func (c *countdown) stop() bool {
	if c.timer == nil {
		return false
	}
	c.timer.Stop()
	c.timer = nil
	return true
}

// spokenDuration says d in hours, minutes and seconds, as a person would:
// "1 hour and 5 minutes", "90 seconds" stays "1 minute and 30 seconds".
func spokenDuration(d time.Duration) string {
	d = d.Round(time.Second)
	var parts []string
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		n := d / u.unit
		d -= n * u.unit
		switch {
		case n == 1:
			parts = append(parts, "1 "+u.name)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", n, u.name))
		}
	}
	switch len(parts) {
	case 0:
		return "0 seconds"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
