package mqtt

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// ErrNotConnected is returned by PublishCommand and Forget while the client
// has no connection to the broker.
var ErrNotConnected = errors.New("mqtt: not connected to the broker")

// Inputs receives what arrives over MQTT. The client calls it from its
// network goroutine, one call at a time, so implementations must not block:
// the firmware posts each call to its main loop and returns.
type Inputs interface {
	Say(text string)       // <prefix>/say: speak text
	Utterance(text string) // <prefix>/utterance: handle text as if heard
	SetMuted(muted bool)   // <prefix>/mute/set: ON or OFF
	Listen()               // <prefix>/listen: start listening, as a button press would
}

// Stats counts what a Client did with the events given to Publish.
type Stats struct {
	Published uint64 // sent: acknowledged by the broker at QoS 1, written at QoS 0
	Dropped   uint64 // dropped: broker down at QoS 0, or the queue full
	Queued    int    // waiting to be sent now
	Connects  uint64 // successful connections, the first one included
	Connected bool   // connected now
}

// Tuning that does not belong in the config file.
const (
	minBackoff     = 250 * time.Millisecond
	maxBackoff     = 30 * time.Second
	connectTimeout = 10 * time.Second // dial plus CONNACK
	writeTimeout   = 5 * time.Second  // one packet onto the wire
	ackTimeout     = 10 * time.Second // a batch's acknowledgements; then the connection is deemed dead
	flushTimeout   = 2 * time.Second  // what a stopping client spends sending what is queued
	forgetTimeout  = 5 * time.Second  // Forget's connection and acknowledgements: a person waits at the terminal
	quiesce        = 1000             // ms Disconnect may take; it joins Paho's goroutines within it
	maxInputText   = 1000             // bytes of say/utterance text accepted
	maxSensorText  = 255              // Home Assistant's limit for a sensor's state
)

// Client connects Hark to an MQTT broker: it publishes events, state and
// Home Assistant discovery, and passes what arrives to Inputs. Its methods
// may be called from any goroutine.
type Client struct {
	cfg      Config
	broker   *url.URL
	password string
	tls      *tls.Config
	in       Inputs
	log      *slog.Logger
	t        topics
	types    []string // the event entity's event types

	running    atomic.Bool
	wake       chan struct{} // capacity 1: the queue or the snapshot may have changed
	rediscover chan struct{} // capacity 1: Home Assistant came online

	mu        sync.Mutex
	conn      paho.Client // nil while not connected
	queue     []Event
	spare     []Event // the other half of a double buffer, so a busy client does not allocate
	seq       uint64
	forgotten bool
	snap      snapshot
	published atomic.Uint64
	dropped   atomic.Uint64
	connects  atomic.Uint64
}

// snapshot is the latest retained state. It is republished after each
// (re)connect and published from here rather than from each event, so a
// dropped event cannot leave a stale state on the broker.
type snapshot struct {
	state, transcript           string
	haveState, haveTranscript   bool
	stateDirty, transcriptDirty bool
}

// New checks cfg (defaults applied), reads the password file and returns a
// client; nothing touches the network until Run. log may be nil.
func New(cfg Config, in Inputs, log *slog.Logger) (*Client, error) {
	if in == nil {
		return nil, errors.New("mqtt: nil Inputs")
	}
	cfg.ApplyDefaults()
	if ps := cfg.Check(); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = fmt.Errorf("mqtt.%s: %s", p.Key, p.Msg)
		}
		return nil, errors.Join(errs...)
	}
	u, _ := parseBroker(cfg.Broker) // checked above
	tc, err := tlsConfig(u, cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("mqtt.ca_file: %w", err)
	}
	var password string
	if cfg.PasswordFile != "" {
		if password, err = readPassword(cfg.PasswordFile); err != nil {
			return nil, fmt.Errorf("mqtt.password_file: %w", err)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		cfg:        cfg,
		broker:     u,
		password:   password,
		tls:        tc,
		in:         in,
		log:        log.With("broker", u.Host, "device", cfg.DeviceID),
		t:          makeTopics(cfg.TopicPrefix, cfg.DiscoveryPrefix),
		types:      eventTypes(cfg.Commands),
		wake:       make(chan struct{}, 1),
		rediscover: make(chan struct{}, 1),
	}, nil
}

// Publish hands e to the client and returns at once: it never blocks, so the
// main loop may call it. While the broker is down, events are dropped at
// QoS 0 and queued up to Config.QueueSize at QoS 1; events beyond the bound
// are dropped. Dropped events are counted in Stats. e.Params is kept, not
// copied, until the event is sent: do not change the map afterwards.
func (c *Client) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	c.mu.Lock()
	c.seq++
	e.Seq = c.seq
	switch e.Kind {
	case State:
		c.snap.state, c.snap.haveState, c.snap.stateDirty = e.State, true, true
	case Transcript:
		c.snap.transcript, c.snap.haveTranscript, c.snap.transcriptDirty = e.Text, true, true
	}
	if (c.conn == nil && c.cfg.QoS == 0) || len(c.queue) >= c.cfg.QueueSize {
		c.dropped.Add(1)
	} else {
		c.queue = append(c.queue, e)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Stats reports the client's counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Published: c.published.Load(),
		Dropped:   c.dropped.Load(),
		Queued:    len(c.queue),
		Connects:  c.connects.Load(),
		Connected: c.conn != nil,
	}
}

// Run connects to the broker and keeps connected, reconnecting with backoff,
// until ctx is done; then it sends what is queued (for up to 2 s), publishes
// availability "offline", disconnects and returns nil. Every goroutine it
// (and Paho) started has ended by then. A process that dies without
// returning from Run leaves "offline" behind as its last will. Run may not
// be called twice at once.
func (c *Client) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("mqtt: Run is already running")
	}
	defer c.running.Store(false)
	delay := minBackoff
	for {
		conn, lost, err := c.connect(ctx, c.cfg.ClientID, true)
		if err == nil {
			delay = minBackoff
			err = c.serve(ctx, conn, lost)
			c.hangUp(conn, ctx.Err() != nil)
		}
		if ctx.Err() != nil {
			c.log.Info("mqtt: stopped")
			return nil
		}
		// Jittered, so several rooms do not all knock at once after an outage.
		wait := time.Duration(float64(delay) * (0.8 + 0.4*rand.Float64()))
		c.log.Warn("mqtt: not connected", "err", err, "retry_in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			c.log.Info("mqtt: stopped")
			return nil
		case <-t.C:
		}
		delay = min(2*delay, maxBackoff)
	}
}

// connect makes one connection attempt. The dial follows ctx, and ctx closes
// a connection still waiting for the broker's CONNACK, so a stop is never
// held up by an unreachable broker.
func (c *Client) connect(ctx context.Context, clientID string, will bool) (paho.Client, <-chan error, error) {
	lost := make(chan error, 1)
	var (
		mu        sync.Mutex
		stopWatch func() bool
	)
	o := paho.NewClientOptions().
		AddBroker(c.broker.String()).
		SetClientID(clientID).
		SetCleanSession(true). // the client keeps its own queue; a broker session would duplicate it
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetProtocolVersion(4).
		SetKeepAlive(c.cfg.KeepAlive).
		SetPingTimeout(min(c.cfg.KeepAlive, 10*time.Second)).
		SetConnectTimeout(connectTimeout).
		SetWriteTimeout(writeTimeout).
		SetOrderMatters(true). // Inputs are called in order, on Paho's goroutine
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			select {
			case lost <- err:
			default:
			}
		}).
		SetCustomOpenConnectionFn(func(*url.URL, paho.ClientOptions) (net.Conn, error) {
			conn, err := c.dial(ctx)
			if err != nil {
				return nil, err
			}
			mu.Lock()
			stopWatch = context.AfterFunc(ctx, func() { conn.Close() })
			mu.Unlock()
			return conn, nil
		})
	if c.cfg.Username != "" {
		o.SetUsername(c.cfg.Username).SetPassword(c.password)
	}
	if will {
		o.SetWill(c.t.availability, offline, 1, true)
	}
	conn := paho.NewClient(o)
	tok := conn.Connect()
	<-tok.Done() // bounded by ctx and connectTimeout, see above
	mu.Lock()
	if stopWatch != nil {
		stopWatch()
	}
	mu.Unlock()
	if err := tok.Error(); err != nil {
		if ctx.Err() != nil {
			return nil, nil, context.Cause(ctx)
		}
		return nil, nil, err
	}
	if ctx.Err() != nil { // connected, but ctx may have closed the socket meanwhile
		conn.Disconnect(quiesce)
		return nil, nil, context.Cause(ctx)
	}
	return conn, lost, nil
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: connectTimeout}
	if c.tls != nil {
		return (&tls.Dialer{NetDialer: d, Config: c.tls}).DialContext(ctx, "tcp", c.broker.Host)
	}
	return d.DialContext(ctx, "tcp", c.broker.Host)
}

// serve runs one connection: it subscribes, announces the device, then sends
// events until the connection is lost (returning why) or ctx is done
// (flushing the queue first, returning nil).
func (c *Client) serve(ctx context.Context, conn paho.Client, lost <-chan error) error {
	filters := map[string]byte{c.t.say: 1, c.t.utterance: 1, c.t.muteSet: 1, c.t.listen: 1}
	for _, t := range c.t.haStatus {
		filters[t] = 1
	}
	d := newDeadline(ctx, ackTimeout)
	tok := conn.SubscribeMultiple(filters, c.onMessage)
	if !d.wait(tok.Done()) {
		d.stop()
		return errors.New("no SUBACK from the broker")
	}
	d.stop()
	if err := tok.Error(); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	c.mu.Lock()
	forgotten := c.forgotten
	c.conn = conn
	c.snap.stateDirty, c.snap.transcriptDirty = c.snap.haveState, c.snap.haveTranscript
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.conn = nil
		c.mu.Unlock()
	}()
	var announce []message
	if !forgotten {
		announce = discoveryMessages(&c.cfg, c.t, false)
	}
	announce = append(announce, message{topic: c.t.availability, payload: []byte(online), retain: true, qos: 1})
	if err := c.send(ctx, conn, nil, announce); err != nil {
		return err
	}
	n := c.connects.Add(1)
	c.log.Info("mqtt: connected", "client_id", c.cfg.ClientID, "prefix", c.cfg.TopicPrefix, "connects", n)

	for {
		// Home Assistant's announcement goes first: anything published after
		// it then follows the configs on the wire.
		select {
		case <-c.rediscover:
			if err := c.announceAgain(ctx, conn); err != nil {
				return err
			}
		default:
		}
		batch, retained := c.take()
		if len(batch) > 0 || len(retained) > 0 {
			if err := c.send(ctx, conn, batch, retained); err != nil {
				return err
			}
			continue
		}
		select {
		case <-c.wake:
		case <-c.rediscover:
			if err := c.announceAgain(ctx, conn); err != nil {
				return err
			}
		case err := <-lost:
			return err
		case <-ctx.Done():
			// send itself gives up flushTimeout after ctx is done.
			batch, retained := c.take()
			return c.send(ctx, conn, batch, retained)
		}
	}
}

// announceAgain publishes the discovery configs and the retained state again
// after Home Assistant has (re)started, unless the device was forgotten.
func (c *Client) announceAgain(ctx context.Context, conn paho.Client) error {
	c.mu.Lock()
	forgotten := c.forgotten
	c.snap.stateDirty, c.snap.transcriptDirty = c.snap.haveState, c.snap.haveTranscript
	c.mu.Unlock()
	if forgotten {
		return nil
	}
	c.log.Info("mqtt: Home Assistant is online: announcing again")
	return c.send(ctx, conn, nil, discoveryMessages(&c.cfg, c.t, false))
}

// take hands the sender the queued events and the retained messages made
// stale since last time.
func (c *Client) take() ([]Event, []message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	batch := c.queue
	c.queue, c.spare = c.spare[:0], nil
	var retained []message
	if c.snap.stateDirty {
		mute := switchOff
		if c.snap.state == StateMuted {
			mute = switchOn
		}
		retained = append(retained,
			message{topic: c.t.state, payload: []byte(c.snap.state), retain: true, qos: 1},
			message{topic: c.t.mute, payload: []byte(mute), retain: true, qos: 1})
	}
	if c.snap.transcriptDirty {
		retained = append(retained, message{topic: c.t.transcript, payload: []byte(truncate(c.snap.transcript, maxSensorText)), retain: true, qos: 1})
	}
	c.snap.stateDirty, c.snap.transcriptDirty = false, false
	return batch, retained
}

// send publishes batch and extra, pipelined, and waits for them. Events not
// acknowledged go back to the front of the queue (within its bound) to be
// sent after reconnecting; an error means the connection is unusable.
func (c *Client) send(ctx context.Context, conn paho.Client, batch []Event, extra []message) error {
	qos := byte(c.cfg.QoS)
	toks := make([]paho.Token, 0, len(batch)+len(extra))
	owner := make([]int, 0, cap(toks)) // index into batch, or -1
	for i := range batch {
		e := &batch[i]
		b, err := json.Marshal(e)
		if err != nil { // cannot happen with Event's field types; never lose the loop over it
			c.log.Error("mqtt: encoding event", "kind", e.Kind, "err", err)
			continue
		}
		toks = append(toks, conn.Publish(c.t.event, qos, false, b))
		owner = append(owner, i)
		if e.Kind == Command {
			if p, ok := haEvent(e, c.types); ok {
				toks = append(toks, conn.Publish(c.t.command, qos, false, p))
				owner = append(owner, i)
			}
		}
	}
	for _, m := range extra {
		toks = append(toks, conn.Publish(m.topic, m.qos, m.retain, m.payload))
		owner = append(owner, -1)
	}

	d := newDeadline(ctx, ackTimeout)
	defer d.stop()
	failed := make([]bool, len(batch))
	var firstErr error
	for i, tok := range toks {
		var err error
		if !d.wait(tok.Done()) {
			err = errors.New("no acknowledgement from the broker in time")
		} else {
			err = tok.Error()
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			if owner[i] >= 0 {
				failed[owner[i]] = true
			}
		}
	}
	var again []Event
	for i := range batch {
		if failed[i] {
			again = append(again, batch[i])
		}
	}
	c.published.Add(uint64(len(batch) - len(again)))
	c.mu.Lock()
	if len(again) > 0 {
		all := append(again, c.queue...)
		if over := len(all) - c.cfg.QueueSize; over > 0 {
			c.dropped.Add(uint64(over))
			all = all[:c.cfg.QueueSize]
		}
		c.queue = all
	}
	if batch != nil && c.spare == nil {
		clear(batch) // drop references to params maps
		c.spare = batch[:0]
	}
	c.mu.Unlock()
	if firstErr != nil {
		return fmt.Errorf("publish: %w", firstErr)
	}
	return nil
}

// hangUp ends a connection: announcing "offline" first on a clean stop, and
// always through Disconnect, which waits for Paho's goroutines (see
// paho.Client.Disconnect: within quiesce, and they stop at once when the
// connection is already gone).
func (c *Client) hangUp(conn paho.Client, clean bool) {
	if clean {
		tok := conn.Publish(c.t.availability, 1, true, offline)
		t := time.NewTimer(flushTimeout)
		select {
		case <-tok.Done():
		case <-t.C:
		}
		t.Stop()
	}
	conn.Disconnect(quiesce)
}

// onMessage handles what arrives, on Paho's goroutine.
func (c *Client) onMessage(_ paho.Client, m paho.Message) {
	topic := m.Topic()
	if slices.Contains(c.t.haStatus, topic) {
		if string(m.Payload()) == online {
			select {
			case c.rediscover <- struct{}{}:
			default:
			}
		}
		return
	}
	if m.Retained() {
		// A retained command would be replayed on every reconnect.
		c.log.Warn("mqtt: ignoring a retained message on a command topic", "topic", topic)
		return
	}
	payload := string(m.Payload())
	switch topic {
	case c.t.say, c.t.utterance:
		text := strings.TrimSpace(payload)
		switch {
		case text == "":
			return
		case len(text) > maxInputText || !utf8.ValidString(text):
			c.log.Warn("mqtt: ignoring text that is not UTF-8 or longer than 1000 bytes", "topic", topic, "bytes", len(text))
			return
		}
		c.log.Debug("mqtt: received", "topic", topic, "text", text)
		if topic == c.t.say {
			c.in.Say(text)
		} else {
			c.in.Utterance(text)
		}
	case c.t.muteSet:
		switch strings.ToUpper(strings.TrimSpace(payload)) {
		case switchOn:
			c.in.SetMuted(true)
		case switchOff:
			c.in.SetMuted(false)
		default:
			c.log.Warn("mqtt: mute/set wants ON or OFF", "payload", truncate(payload, 40))
		}
	case c.t.listen:
		c.in.Listen()
	}
}

// PublishCommand publishes payload to topic for a command that publishes
// (e.g. to a Zigbee2MQTT or Tasmota topic) and waits for the broker's
// acknowledgement at QoS 1, or for the write at QoS 0, or for ctx. It
// returns ErrNotConnected at once while the broker is down, so the command
// can answer with an error. It blocks: call it from a blocking command, not
// from the main loop.
func (c *Client) PublishCommand(ctx context.Context, topic, payload string, retain bool, qos byte) error {
	if err := CheckTopic(topic); err != nil {
		return err
	}
	if qos > 1 {
		return fmt.Errorf("mqtt: qos %d: want 0 or 1", qos)
	}
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	tok := conn.Publish(topic, qos, retain, payload)
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			return fmt.Errorf("mqtt: publish to %s: %w", topic, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mqtt: publish to %s: %w", topic, ctx.Err())
	}
}

// CheckTopic reports whether topic can be published to: not empty, no
// wildcards, not one of the broker's $ topics.
func CheckTopic(topic string) error {
	switch {
	case topic == "":
		return errors.New("mqtt: empty topic")
	case len(topic) > 65535:
		return errors.New("mqtt: topic longer than 65535 bytes")
	case strings.ContainsAny(topic, "+#\x00"):
		return fmt.Errorf("mqtt: topic %q: no wildcards (+, #) in a topic to publish to", topic)
	case strings.HasPrefix(topic, "$"):
		return fmt.Errorf("mqtt: topic %q: topics starting with $ belong to the broker", topic)
	case !utf8.ValidString(topic):
		return errors.New("mqtt: topic is not UTF-8")
	}
	return nil
}

// Forget removes the device from Home Assistant: it publishes empty retained
// discovery configs, and the client announces nothing again. While Run is
// running it uses Run's connection (ErrNotConnected while the broker is
// down); otherwise, as for `hark run --mqtt-forget`, it connects on its own
// for the call and also clears the retained state, transcript, mute and
// availability topics. It gives up, with an error naming the broker, if the
// broker has not acknowledged everything within 5 s.
func (c *Client) Forget(ctx context.Context) error {
	ctx, cancel := context.WithTimeoutCause(ctx, forgetTimeout,
		fmt.Errorf("no answer from the broker %s within %s", c.broker.Host, forgetTimeout))
	defer cancel()
	msgs := discoveryMessages(&c.cfg, c.t, true)
	c.mu.Lock()
	c.forgotten = true
	conn := c.conn
	c.mu.Unlock()
	if c.running.Load() {
		if conn == nil {
			return ErrNotConnected
		}
		return c.publishAll(ctx, conn, msgs)
	}
	conn, _, err := c.connect(ctx, c.cfg.ClientID+"-forget", false)
	if err != nil {
		return fmt.Errorf("mqtt: connect: %w", err)
	}
	defer conn.Disconnect(quiesce)
	for _, t := range []string{c.t.state, c.t.transcript, c.t.mute, c.t.availability} {
		msgs = append(msgs, message{topic: t, retain: true, qos: 1})
	}
	return c.publishAll(ctx, conn, msgs)
}

func (c *Client) publishAll(ctx context.Context, conn paho.Client, msgs []message) error {
	toks := make([]paho.Token, len(msgs))
	for i, m := range msgs {
		toks[i] = conn.Publish(m.topic, m.qos, m.retain, m.payload)
	}
	for i, tok := range toks {
		select {
		case <-tok.Done():
			if err := tok.Error(); err != nil {
				return fmt.Errorf("mqtt: publish to %s: %w", msgs[i].topic, err)
			}
		case <-ctx.Done():
			return fmt.Errorf("mqtt: publish to %s: %w", msgs[i].topic, context.Cause(ctx))
		}
	}
	return nil
}

// deadline bounds a series of waits: at most limit in all, and at most
// flushTimeout once ctx is done, so a stopping client flushes briefly
// rather than abandoning acknowledged-soon messages or hanging on a dead
// broker.
type deadline struct {
	ctx     context.Context
	timer   *time.Timer
	end     time.Time
	grace   bool
	expired bool
}

func newDeadline(ctx context.Context, limit time.Duration) *deadline {
	return &deadline{ctx: ctx, timer: time.NewTimer(limit), end: time.Now().Add(limit)}
}

func (d *deadline) stop() { d.timer.Stop() }

// wait waits for done and reports whether it came before the deadline.
func (d *deadline) wait(done <-chan struct{}) bool {
	for {
		if d.expired {
			select {
			case <-done:
				return true
			default:
				return false
			}
		}
		var ctxDone <-chan struct{}
		if !d.grace {
			ctxDone = d.ctx.Done()
		}
		select {
		case <-done:
			return true
		case <-d.timer.C:
			d.expired = true
		case <-ctxDone:
			d.grace = true
			if time.Until(d.end) > flushTimeout {
				d.timer.Reset(flushTimeout)
			}
		}
	}
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
