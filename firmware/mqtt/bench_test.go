package mqtt

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

// countAlerts counts the scheduler watchdog's reports: publishing from the
// loop must never block it.
type countAlerts struct{ blocked atomic.Int64 }

func (a *countAlerts) Blocked(scheduler.BlockInfo) { a.blocked.Add(1) }
func (a *countAlerts) Recovered(time.Duration)     {}

func newLoop(b *testing.B) (*scheduler.Scheduler, *countAlerts) {
	alerts := &countAlerts{}
	s, err := scheduler.New(scheduler.Config{Alerter: alerts})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Shutdown(b.Context()) })
	return s, alerts
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// BenchmarkPublishLoad posts events from the main loop at 1000/s for 10 s
// (HARK_MQTT_BENCH_SECONDS changes the duration) at QoS 1 through
// Mosquitto, and reports how many a subscriber missed and the
// loop→subscriber latency.
func BenchmarkPublishLoad(b *testing.B) {
	seconds := 10
	if s, err := strconv.Atoi(os.Getenv("HARK_MQTT_BENCH_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	const rate = 1000
	total := seconds * rate
	br := mqtttest.Start(b)
	cfg := configFor(br, "bench")
	cfg.QoS, cfg.QueueSize = 1, 10000
	w := watch(b, br, "hark/bench/event", "hark/bench/availability")
	r := runClient(b, cfg)
	w.waitPayload(b, "hark/bench/availability", "online")
	loop, alerts := newLoop(b)

	for b.Loop() {
		start := time.Now()
		for i := range total {
			time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / rate)))
			loop.Post("publish", func() {
				r.Publish(Event{Kind: Transcript, Text: "turn on the kitchen light", Time: time.Now()})
			})
		}
		waitUntil(b, "every event is acknowledged or dropped", func() bool {
			s := r.Stats()
			return s.Published+s.Dropped >= uint64(total)
		})
		b.StopTimer()
		last := uint64(total)
		w.waitFor(b, "the last event", seqIs(last))
		// Events are numbered across b.Loop iterations; judge the last run.
		seen := map[uint64]bool{}
		var lat []time.Duration
		for _, m := range w.on("hark/bench/event") {
			var e Event
			if json.Unmarshal(m.Payload, &e) != nil || e.Seq+uint64(total) <= last || seen[e.Seq] {
				continue
			}
			seen[e.Seq] = true
			lat = append(lat, m.Received.Sub(e.Time))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(total-len(seen)), "lost")
		b.ReportMetric(float64(r.Stats().Dropped), "dropped")
		b.ReportMetric(float64(alerts.blocked.Load()), "watchdog-alerts")
		b.ReportMetric(float64(len(seen))/time.Since(start).Seconds(), "events/s")
		b.ReportMetric(float64(percentile(lat, 0.50).Microseconds()), "p50-µs")
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
		b.ReportMetric(float64(percentile(lat, 1).Microseconds()), "max-µs")
		b.StartTimer()
	}
}

// BenchmarkPublishCaller is what Publish costs its caller: queueing alone
// (no network; the queue is emptied behind the timer's back), and with a
// connected client sending at QoS 1 on the other core, where the queue of
// 1000 is mostly full and Publish mostly drops, since nothing sends events as
// fast as a loop can make them.
func BenchmarkPublishCaller(b *testing.B) {
	e := Event{Kind: Command, Command: "light", Params: map[string]string{"room": "kitchen"}}
	b.Run("queue", func(b *testing.B) {
		cfg := Config{Broker: "mqtt://127.0.0.1:1", DeviceID: "bench", QoS: 1, QueueSize: 10000}
		c, err := New(cfg, newInputs(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			c.Publish(e)
			if n++; n%10000 == 0 {
				c.mu.Lock()
				clear(c.queue)
				c.queue = c.queue[:0]
				c.mu.Unlock()
			}
		}
		if d := c.Stats().Dropped; d != 0 {
			b.Errorf("%d dropped", d)
		}
	})
	b.Run("connected", func(b *testing.B) {
		br := mqtttest.Start(b)
		cfg := configFor(br, "bench")
		cfg.QoS = 1
		w := watch(b, br, "hark/bench/availability")
		r := runClient(b, cfg)
		w.waitPayload(b, "hark/bench/availability", "online")
		b.ReportAllocs()
		for b.Loop() {
			r.Publish(e)
		}
		b.StopTimer()
		b.ReportMetric(float64(r.Stats().Dropped)/float64(b.N), "dropped/op")
	})
}

// BenchmarkPublishLoopHandoff measures the scheduler's handoff to the main
// loop (Post to run) while the loop also publishes 1000 events/s through
// Mosquitto at QoS 1 (mqtt=on), or runs the same posts without publishing
// (mqtt=off): MQTT must not slow the loop down. Compare p99-ns of the two.
func BenchmarkPublishLoopHandoff(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "mqtt=off"
		if on {
			name = "mqtt=on"
		}
		b.Run(name, func(b *testing.B) {
			var r *running
			if on {
				br := mqtttest.Start(b)
				cfg := configFor(br, "bench")
				cfg.QoS = 1
				w := watch(b, br, "hark/bench/availability")
				r = runClient(b, cfg)
				w.waitPayload(b, "hark/bench/availability", "online")
			}
			loop, alerts := newLoop(b)
			event := func() {
				if r != nil {
					r.Publish(Event{Kind: Transcript, Text: "turn on the kitchen light"})
				}
			}
			stop, stopped := make(chan struct{}), make(chan struct{})
			go func() { // the event load, 1000/s, joined below
				defer close(stopped)
				t := time.NewTicker(time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						loop.Post("event", event)
					}
				}
			}()
			done := make(chan time.Duration)
			var lat []time.Duration
			for b.Loop() {
				posted := time.Now()
				loop.Post("handoff", func() { done <- time.Since(posted) })
				lat = append(lat, <-done)
			}
			b.StopTimer()
			close(stop)
			<-stopped
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 0.50).Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(percentile(lat, 0.99).Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(alerts.blocked.Load()), "watchdog-alerts")
			if r != nil {
				b.ReportMetric(float64(r.Stats().Dropped), "dropped")
			}
		})
	}
}
