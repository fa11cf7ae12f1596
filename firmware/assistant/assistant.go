package assistant

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/lang"
	"github.com/hark-assistant/hark/commands/pattern"
	"github.com/hark-assistant/hark/commands/scheduler"
	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
)

// Listener is push-to-talk audio into a recognizer; *audio.PTT is one.
// Its methods are requests: they return at once (they are called on the
// main loop), are carried out in order on the listener's own goroutine,
// and what comes of them returns through Send: a Decoded input for each
// Finish, TooLong when an utterance reaches the maximum length,
// GrammarRefused for a grammar the recognizer would not take.
type Listener interface {
	Listen(utt int)                // start utterance utt, pre-roll first
	Finish(utt int, at time.Time)  // end it at the release edge at (zero: now) and decode it
	Discard(utt int)               // end it, dropping its audio
	Mute(muted bool)               // drop what the microphone hears (Hark is speaking)
	UseGrammar(g *grammar.Grammar) // nil: open decoding
}

// Speaker says text aloud and returns when it is done, or at once when ctx
// is cancelled.
type Speaker interface {
	Say(ctx context.Context, text string) error
}

// Indicator shows the assistant's state (the LED) and, over it, the
// watchdog's blocked alert.
type Indicator interface {
	Show(State)
	scheduler.Alerter
}

// AudioSpeaker is a Speaker that also plays audio made elsewhere
// (commands.Response.Audio); with a Speaker that is not one, such an
// answer's text is spoken instead.
type AudioSpeaker interface {
	Speaker
	Play(ctx context.Context, a commands.Audio) error
}

// Utterance is what the fallback is asked to answer.
type Utterance struct {
	Turn int
	// Text is what Hark heard: empty when Rejected, or when the recognizer
	// heard no words in Audio.
	Text string
	// Rejected: the recognizer found the speech outside the grammar of
	// Hark's commands.
	Rejected bool
	// Audio is the utterance as the recognizer got it, pre-roll first:
	// 16 kHz mono signed 16-bit little-endian; nil for text that was not
	// spoken (typed, sent over MQTT).
	Audio []byte
}

// Fallback answers what Hark's own commands do not.
type Fallback interface {
	// Answer answers u. It runs on a worker, never on the main loop, with
	// a context cancelled when the turn is; it must answer something, an
	// error too, as a Response.
	Answer(ctx context.Context, u Utterance) commands.Response
	// First reports whether u goes to Answer without trying Hark's
	// commands (a conversation to go on, a satellite that hands every
	// press over). It is called on the main loop and must not block.
	First(u Utterance) bool
}

// FallbackFunc is a Fallback that answers what no command matched and
// never goes first.
type FallbackFunc func(ctx context.Context, u Utterance) commands.Response

// Answer calls f.
func (f FallbackFunc) Answer(ctx context.Context, u Utterance) commands.Response { return f(ctx, u) }

// First is false.
func (FallbackFunc) First(Utterance) bool { return false }

var _ Fallback = FallbackFunc(nil)

// Devices are what the assistant drives.
type Devices struct {
	Listener  Listener
	Speaker   Speaker
	Indicator Indicator
}

// Options adjust New. The zero value is usable.
type Options struct {
	// Commands are the caller's own, matched before the configuration's
	// and the built-ins (which they override by name).
	Commands []commands.Command
	// Clock defaults to the real one.
	Clock clockwork.Clock
	// Logger defaults to discarding.
	Logger *slog.Logger
	// OnEvent, if set, is the event stream: it is told what the assistant
	// does (see Event), one event at a time, in the order they happen. It
	// is called on the main loop, but for EventBlocked and EventRecovered,
	// which come from the watchdog's goroutine while the loop is held; it
	// must not block (an integration hands the event on, as the MQTT
	// client queues its messages).
	OnEvent func(Event)
	// Grace is how long running commands get to return when Run stops;
	// default 3 s.
	Grace time.Duration
	// Fallback, if set, answers what Hark's own commands do not (Home
	// Assistant: its pipeline over Wyoming, its conversation agent).
	Fallback Fallback
	// Publisher sends the MQTT messages of declared commands that publish
	// (CommandConfig.Publish); nil with such a command is an error.
	Publisher Publisher
	// ListenWindow is how long a listen asked for from elsewhere (a
	// Pressed FromRemote) lasts: there is no button to release. Default
	// 5 s.
	ListenWindow time.Duration
}

// defaultGrace is Options.Grace's default.
const defaultGrace = 3 * time.Second

// errorShown is how long the error state stays on the LED.
const errorShown = 2 * time.Second

// Assistant drives the Machine from button, audio, command and speech
// events. Every method whose name does not say otherwise runs on the
// scheduler's main loop, which owns the fields below downs.
type Assistant struct {
	log      *slog.Logger
	clock    clockwork.Clock
	sched    *scheduler.Scheduler
	manager  *commands.Manager
	listener Listener
	speaker  Speaker
	led      Indicator
	onEvent  func(Event)
	fallback Fallback
	grace    time.Duration
	window   time.Duration // Options.ListenWindow
	devices  deviceGate    // the indicator and the speaker, until Run returns
	grammar  bool          // restrict the recognizer to what the commands can match
	// onAnswer, if set, is told each answer as it is recorded, on the loop
	// (TextAssistant collects them).
	onAnswer func(commands.Response)

	// life scopes what the assistant starts (turns, speech): Run cancels it
	// on its way out, before it joins them through wg.
	life  context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	types *pattern.Types
	lang  *lang.Pack // never nil once New has run

	machine        Machine
	timer          countdown
	errTimer       clockwork.Timer   // ends the error display
	examplesByName map[string]string // "what can I say" phrases of the built-ins
	turns          map[int]*turnRun
	speech         *speechRun
	stats          *turnStats
	lastGrammar    *grammar.Grammar // the grammar last given to the listener
	grammarSent    bool
	contexts       int // follow-up contexts open when the grammar was computed
	speaking       time.Time
	listens        int64       // StartListening effects carried out: the listener's utterance ids
	decoding       map[int]int // the turn of each utterance finished and not yet decoded
	// holder is who started, or took over, the utterance being listened
	// to: only the button's release or Hark ends a button's utterance,
	// only the window (or Hark) a remote one.
	holder  Source
	pressBy Source // the source of the press being handled
}

// turnRun is the commands started by one utterance. Their answers are
// spoken in the order the commands were said, whatever order they come in.
type turnRun struct {
	turn      int
	started   time.Time
	cancel    context.CancelFunc
	cancelled bool
	cmds      []*cmdRun
	next      int  // cmds before next have settled and their held answers were spoken
	done      bool // every command has settled: the turn is over
	running   int  // commands that have not returned
}

// cmdRun is one command of a turn.
type cmdRun struct {
	run     *turnRun
	idx     int
	settled bool                // it has answered or returned
	held    []commands.Response // answers waiting for earlier commands to settle
}

type speechRun struct {
	id     int
	cancel context.CancelFunc
	audio  *commands.Audio // played rather than spoken; nil: the text is spoken
}

// played tells the answer's audio, once, how its playing ended.
func (r *speechRun) played(err error) {
	if r.audio != nil && r.audio.Played != nil {
		r.audio.Played(err)
		r.audio = nil
	}
}

// New builds the assistant: the command manager (opts.Commands, cfg's
// commands and the built-ins) and the scheduler, whose main loop starts at
// once. Inputs sent before Run are handled; Run serves until its context
// is done.
func New(cfg Config, dev Devices, opts Options) (*Assistant, error) {
	if dev.Listener == nil || dev.Speaker == nil || dev.Indicator == nil {
		return nil, errors.New("assistant: a listener, a speaker and an indicator are required")
	}
	a := &Assistant{
		log:      opts.Logger,
		clock:    opts.Clock,
		listener: dev.Listener,
		speaker:  dev.Speaker,
		led:      dev.Indicator,
		onEvent:  opts.OnEvent,
		fallback: opts.Fallback,
		grace:    cmp.Or(opts.Grace, defaultGrace),
		window:   cmp.Or(opts.ListenWindow, 5*time.Second),
		grammar:  cfg.Grammar,
		types:    NewTypesIn(cfg.Language),
		lang:     packOr(cfg.Language),
		turns:    map[int]*turnRun{},
		decoding: map[int]int{},
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.clock == nil {
		a.clock = clockwork.NewRealClock()
	}
	if a.onEvent == nil {
		a.onEvent = func(Event) {}
	}
	// One event at a time: the watchdog reports while a command holds
	// the loop, and that command may be answering meanwhile.
	user := a.onEvent
	var one sync.Mutex
	a.onEvent = func(e Event) {
		one.Lock()
		defer one.Unlock()
		user(e)
	}
	a.life, a.stop = context.WithCancel(context.Background())
	a.timer = countdown{
		lang:  a.lang,
		clock: a.clock,
		post:  func(fn func()) { a.post("timer", fn) },
		announce: func(text string) {
			a.answer(0, commands.Response{Text: text, Command: "timer", Status: commands.StatusInfo})
		},
	}
	cmds, err := a.commandSetFor(cfg, opts)
	if err != nil {
		a.stop()
		return nil, fmt.Errorf("commands: %w", err)
	}
	m, err := commands.NewManagerWith(a.types, a.managerConfig(cfg.Language), cmds...)
	if err != nil {
		a.stop()
		return nil, fmt.Errorf("commands: %w", err)
	}
	a.manager = m
	a.sched, err = scheduler.New(scheduler.Config{
		BlockThreshold: cfg.WatchdogThreshold,
		Alerter:        alerter{a},
		Logger:         a.log,
	})
	if err != nil {
		a.stop()
		return nil, err
	}
	return a, nil
}

// Manager is the assistant's command manager, for setting up before Run
// (e.g. Manager.NewContext for a command's follow-up context).
func (a *Assistant) Manager() *commands.Manager { return a.manager }

// Healthy reports whether the main loop is running and not held past the
// watchdog's threshold.
func (a *Assistant) Healthy() bool { return a.sched.Healthy() }

// Run serves inputs until ctx is done, then stops: it cancels what is
// running, gives commands up to Options.Grace to return, and returns once
// every goroutine it started (audio calls, speech, command waiters) has
// returned, so the caller may then close the devices.
func (a *Assistant) Run(ctx context.Context) error {
	a.post("start", func() {
		a.show(a.machine.State())
		a.onEvent(Event{Kind: EventState, State: a.machine.State()})
		a.updateGrammar(true)
	})
	<-ctx.Done()
	a.stop()
	sctx, cancel := context.WithTimeout(context.Background(), a.grace)
	defer cancel()
	err := a.sched.Shutdown(sctx)
	// Past the grace commands may still be running, and their answers
	// would reach the loop: from here on nothing touches the devices,
	// which the caller closes once Run returns.
	a.devices.close()
	a.wg.Wait()
	return err
}

// show puts s on the indicator, unless Run has returned.
func (a *Assistant) show(s State) {
	if !a.devices.use() {
		return
	}
	defer a.devices.done()
	a.led.Show(s)
}

// deviceGate keeps the devices from being used once Run has let them go:
// use and done bracket each use; close waits for those under way.
type deviceGate struct {
	mu     sync.RWMutex
	closed bool
}

func (g *deviceGate) use() bool {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return false
	}
	return true
}

func (g *deviceGate) done() { g.mu.RUnlock() }

func (g *deviceGate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// post runs fn on the main loop. After shutdown has begun it is dropped:
// nothing is left to act on it.
func (a *Assistant) post(name string, fn func()) {
	if err := a.sched.Post(name, fn); err != nil && !errors.Is(err, scheduler.ErrClosed) {
		a.log.Error("posting to the main loop", "name", name, "err", err)
	}
}

// Announce says text when the assistant is free, as a timer's ring is
// (from an integration: MQTT's say topic); safe on any goroutine.
func (a *Assistant) Announce(text string) {
	a.post("announce", func() {
		a.answer(0, commands.Response{Text: text, Command: "announce", Status: commands.StatusInfo})
	})
}

// Send hands the machine an input (a press, a release, the microphone
// lost...); safe on any goroutine. It never blocks.
func (a *Assistant) Send(in Input) {
	a.post(in.Kind.String(), func() { a.handle(in) })
}

// alerter is the scheduler's: it shows the watchdog's alert and reports it
// as events, from the watchdog's goroutine (the loop is held meanwhile).
type alerter struct{ a *Assistant }

func (al alerter) Blocked(info scheduler.BlockInfo) {
	if al.a.devices.use() {
		al.a.led.Blocked(info)
		al.a.devices.done()
	}
	al.a.onEvent(Event{Kind: EventBlocked, Command: info.Name, Held: info.Held})
}

func (al alerter) Recovered(total time.Duration) {
	if al.a.devices.use() {
		al.a.led.Recovered(total)
		al.a.devices.done()
	}
	al.a.onEvent(Event{Kind: EventRecovered, Held: total})
}

// handle feeds the machine and carries out what it asks.
func (a *Assistant) handle(e Input) {
	switch e.Kind {
	case Decoded:
		turn, ok := a.decoding[e.ID]
		if !ok {
			return
		}
		delete(a.decoding, e.ID)
		a.heard(turn, Utterance{Turn: turn, Text: e.Text, Rejected: e.Rejected, Audio: e.Recorded}, e.Err, e.Took)
		return
	case TooLong:
		a.tooLong(int64(e.ID))
		return
	case GrammarRefused:
		a.grammarRefused(e.Err)
		return
	}
	if !a.arbitrate(e) {
		return
	}
	if e.Kind == Failure {
		a.log.Error("failure", "turn", e.Turn, "err", e.Text)
	}
	switch e.Kind {
	case Pressed:
		a.onEvent(Event{Kind: EventPressed})
	case Released:
		a.onEvent(Event{Kind: EventReleased})
	case MicLost:
		a.onEvent(Event{Kind: EventMicLost, Text: e.Text})
	case MicRestored:
		a.onEvent(Event{Kind: EventMicRestored})
	}
	before := a.machine.State()
	fx := a.machine.Handle(e)
	for _, f := range fx {
		a.do(f)
	}
	after := a.machine.State()
	if after != before {
		a.log.Debug("state", "from", before, "to", after, "event", e.Kind)
		a.show(after)
		a.onEvent(Event{Kind: EventState, State: after})
	}
	if a.stats != nil && a.stats.released && after != Thinking && after != Speaking {
		a.stats.log(a.log, a.clock.Now(), after.String())
		a.stats = nil
	}
}

// arbitrate applies the rules between the sources of presses and releases
// (see Source) and reports whether the machine is to see e.
func (a *Assistant) arbitrate(e Input) bool {
	listening := a.machine.State() == Listening
	switch {
	case e.Kind == Pressed && e.Source == FromRemote && listening:
		a.log.Info("listen from elsewhere ignored: already listening", "by", a.holder)
		return false
	case e.Kind == Pressed && e.Source == FromButton && listening && a.holder == FromRemote:
		a.log.Info("the button took over the listen asked for from elsewhere")
		a.holder = FromButton
		return false
	case e.Kind == Released && listening && e.Source != FromHark && e.Source != a.holder:
		a.log.Debug("release ignored: it is not the listener's", "from", e.Source, "listener", a.holder)
		return false
	case e.Kind == Pressed:
		a.pressBy = e.Source
	}
	return true
}

// endWindow ends the remote listen started as listen n, unless it has
// ended or the button took it over.
func (a *Assistant) endWindow(n int64) {
	over := n == a.listens && a.holder == FromRemote && a.machine.State() == Listening
	a.log.Info(windowOver, "listen", n, "released", over)
	if over {
		a.handle(Input{Kind: Released, Source: FromHark})
	}
}

// windowOver is logged when a remote listen's window ends.
const windowOver = "the window of a listen asked for from elsewhere is over"

func (a *Assistant) do(f Effect) {
	now := a.clock.Now()
	switch f.Kind {
	case StartListening:
		if a.stats != nil && a.stats.released {
			a.stats.log(a.log, now, "interrupted")
		}
		a.stats = &turnStats{pressed: now}
		a.updateGrammar(false) // a follow-up context may have timed out
		a.listens++
		n := a.listens
		a.holder = a.pressBy
		if a.holder == FromRemote {
			a.clock.AfterFunc(a.window, func() { a.post("listen window", func() { a.endWindow(n) }) })
		}
		a.listener.Listen(int(n))
	case FinishListening:
		if a.stats != nil {
			a.stats.turn, a.stats.released, a.stats.capture = f.Turn, true, now.Sub(a.stats.pressed)
		}
		a.decoding[int(a.listens)] = f.Turn
		a.listener.Finish(int(a.listens), f.At)
	case DiscardListening:
		a.stats = nil
		a.listener.Discard(int(a.listens))
	case CancelTurn:
		if r := a.turns[f.Turn]; r != nil {
			r.cancelled = true
			r.cancel()
		}
	case StopSpeaking:
		a.stopSpeech()
	case Speak:
		a.startSpeech(f.ID, f.Text, f.Audio)
	case Dispatch:
		turn, text := f.Turn, f.Text
		a.post("transcript", func() { a.heard(turn, Utterance{Turn: turn, Text: text}, nil, 0) })
	case DropAnswer:
		a.log.Warn("answer dropped: too many waiting to be said", "waiting", MaxWaiting, "dropped", a.machine.Dropped(), "text", f.Text)
	case ClearErrorLater:
		if a.errTimer != nil {
			a.errTimer.Stop()
		}
		id := f.ID
		a.errTimer = a.clock.AfterFunc(errorShown, func() { a.Send(Input{Kind: ErrorShown, ID: id}) })
	}
}

// tooLongNotice is said (in English) when an utterance reaches the
// maximum length; the language's too_long reply is.
var tooLongNotice = lang.Default().Reply("too_long")

// tooLong ends utterance listen as if the button had come up, and says so:
// the listener stopped feeding the recognizer at the maximum length. The
// person may have released and pressed again before the report came.
func (a *Assistant) tooLong(listen int64) {
	if listen != a.listens || a.machine.State() != Listening {
		return // released (or failed) meanwhile: that utterance is over
	}
	a.log.Info("utterance too long: stopped listening", "listen", listen)
	a.handle(Input{Kind: Released, Source: FromHark})
	a.handle(Input{Kind: Answered, Turn: a.machine.Turn(), Text: a.lang.Reply("too_long")})
}

// heard takes what was heard as turn and starts its commands: those it
// matches, else the fallback (first, when the fallback says so).
func (a *Assistant) heard(turn int, u Utterance, err error, decode time.Duration) {
	if u.Rejected {
		u.Text = "" // the nearest sentence of the grammar, not what was said
	}
	text := u.Text
	if !a.machine.Active(turn) {
		return // the button was pressed again meanwhile: nothing to run
	}
	if a.stats != nil && a.stats.turn == turn {
		a.stats.decode, a.stats.text = decode, text
	}
	if err != nil {
		a.handle(Input{Kind: Failure, Turn: turn, Text: err.Error()})
		return
	}
	first := a.fallback != nil && a.fallback.First(u)
	if text == "" && !u.Rejected && !(first && len(u.Audio) > 0) {
		a.handle(Input{Kind: Unheard, Turn: turn})
		return
	}
	start := a.clock.Now()
	var matches []commands.Match
	if !first && !u.Rejected {
		matches = a.manager.Match(text, start)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.Command
	}
	if a.stats != nil && a.stats.turn == turn {
		a.stats.match, a.stats.commands = a.clock.Since(start), names
	}
	// What Hark heard is the first thing to look for in its log.
	a.log.Info("heard", "turn", turn, "text", text, "commands", names, "rejected", u.Rejected)
	a.onEvent(Event{Kind: EventTranscript, Turn: turn, Text: text, Commands: names})
	for _, m := range matches {
		a.onEvent(Event{Kind: EventCommand, Turn: turn, Command: m.Command, Text: m.Text, Params: ParamStrings(m.Params)})
	}
	if len(matches) == 0 && a.fallback == nil {
		a.answer(turn, commands.NotFoundSaying(a.lang.Reply("not_found")))
		a.handle(Input{Kind: TurnDone, Turn: turn})
		return
	}
	ctx, cancel := context.WithCancel(a.life)
	n := max(len(matches), 1) // nothing matched: the fallback is the one command
	run := &turnRun{turn: turn, started: start, cancel: cancel, running: n}
	a.turns[turn] = run
	for i := range n {
		run.cmds = append(run.cmds, &cmdRun{run: run, idx: i})
	}
	if len(matches) == 0 {
		// The fallback is a command too, as Home Assistant's event entity
		// lists it: its event says what it was asked.
		a.onEvent(Event{Kind: EventCommand, Turn: turn, Command: FallbackCommand, Text: text})
		a.startFallback(ctx, run.cmds[0], u)
		return
	}
	for i, m := range matches {
		a.start(ctx, run.cmds[i], m)
	}
}

// startFallback asks Options.Fallback, on a worker, what to answer to u,
// which no command answers.
func (a *Assistant) startFallback(ctx context.Context, c *cmdRun, u Utterance) {
	a.launch(ctx, c, scheduler.Command{
		Name: "fallback",
		Run: func(rt scheduler.Runtime) error {
			r := a.fallback.Answer(rt.Context(), u)
			return rt.OnLoop(func() error {
				a.respond(c, r)
				return nil
			})
		},
	})
}

// start runs one matched command on the scheduler: async ones on the loop,
// blocking ones on a worker.
func (a *Assistant) start(ctx context.Context, c *cmdRun, m commands.Match) {
	a.launch(ctx, c, scheduler.Command{
		Name:    m.Command,
		Pattern: m.Pattern,
		Async:   m.Kind == commands.Async,
		Run: func(rt scheduler.Runtime) error {
			m.Invoke(rt, func(r commands.Response) {
				// Invoke answers on the command's goroutine; responses
				// are handled on the loop, in order.
				_ = rt.OnLoop(func() error {
					a.respond(c, r)
					return nil
				})
			})
			return nil
		},
	})
}

// launch starts cmd, c of its turn, and notes when it has returned.
func (a *Assistant) launch(ctx context.Context, c *cmdRun, cmd scheduler.Command) {
	job, err := a.sched.Start(ctx, cmd)
	if err != nil {
		a.log.Error("starting command", "command", cmd.Name, "err", err)
		a.returned(c)
		return
	}
	a.wg.Go(func() {
		select {
		case <-job.Done():
			a.post("command returned", func() { a.returned(c) })
		case <-a.life.Done():
			// Stopping: the scheduler's shutdown waits for the job.
		}
	})
}

// respond handles one response of a running command.
func (a *Assistant) respond(c *cmdRun, r commands.Response) {
	run := c.run
	switch {
	case run.cancelled:
	case c.idx < run.next: // its place in the turn has passed
		turn := run.turn
		if run.done {
			turn = 0 // a later answer is an announcement
		}
		a.answer(turn, r)
	default:
		c.held = append(c.held, r)
		c.settled = true
		a.advance(run)
	}
}

// answer records r (for "repeat that" and follow-up contexts) and queues
// it for speech.
func (a *Assistant) answer(turn int, r commands.Response) {
	r = a.manager.Record(r, a.clock.Now())
	a.log.Info("response", "turn", turn, "command", r.Command, "status", r.Status, "text", r.Text)
	if a.onAnswer != nil {
		a.onAnswer(r)
	}
	a.onEvent(Event{Kind: EventAnswer, Turn: turn, Command: r.Command, Text: r.Spoken(), Status: r.Status.String()})
	a.updateGrammar(r.Context != nil || r.CloseContext)
	if say := r.Spoken(); say != "" || r.Audio != nil {
		a.handle(Input{Kind: Answered, Turn: turn, Text: say, Audio: r.Audio, Failed: r.Status == commands.StatusError})
	}
}

// advance speaks the held answers of the commands that have settled, in
// spoken order, up to the first that has not; once all have, the turn is
// done and the assistant stops thinking.
func (a *Assistant) advance(r *turnRun) {
	if r.cancelled {
		return
	}
	for r.next < len(r.cmds) && r.cmds[r.next].settled {
		c := r.cmds[r.next]
		for _, resp := range c.held {
			a.answer(r.turn, resp)
		}
		c.held = nil
		r.next++
	}
	if r.next == len(r.cmds) && !r.done {
		r.done = true
		if a.stats != nil && a.stats.turn == r.turn {
			a.stats.command = a.clock.Since(r.started)
		}
		a.handle(Input{Kind: TurnDone, Turn: r.turn})
	}
}

// returned is called when c's command has returned.
func (a *Assistant) returned(c *cmdRun) {
	c.settled = true
	r := c.run
	a.advance(r)
	r.running--
	if r.running == 0 {
		r.cancel()
		delete(a.turns, r.turn)
	}
}

// cancelOthers cancels the commands of every turn but current: the
// built-in "stop".
func (a *Assistant) cancelOthers(current int) {
	for turn, r := range a.turns {
		if turn != current && !r.cancelled {
			r.cancelled = true
			r.cancel()
		}
	}
}

func (a *Assistant) startSpeech(id int, text string, audio *commands.Audio) {
	a.stopSpeech()
	ctx, cancel := context.WithCancel(a.life)
	a.speech = &speechRun{id: id, cancel: cancel, audio: audio}
	a.speaking = a.clock.Now()
	// The microphone would hear Hark: mute it while speaking.
	a.listener.Mute(true)
	if !a.devices.use() {
		return
	}
	defer a.devices.done()
	player, plays := a.speaker.(AudioSpeaker)
	a.wg.Go(func() {
		var err error
		if audio != nil && plays {
			err = player.Play(ctx, *audio)
		} else {
			err = a.speaker.Say(ctx, text)
		}
		a.post("spoken", func() { a.spoken(id, err) })
	})
}

func (a *Assistant) spoken(id int, err error) {
	if a.speech == nil || a.speech.id != id {
		return // stopped meanwhile
	}
	a.speech.played(err)
	a.stopSpeech()
	if err != nil {
		a.handle(Input{Kind: Failure, Text: err.Error()})
		return
	}
	a.handle(Input{Kind: Spoken, ID: id})
}

func (a *Assistant) stopSpeech() {
	if a.speech == nil {
		return
	}
	a.speech.played(context.Canceled)
	a.speech.cancel()
	a.speech = nil
	if a.stats != nil {
		a.stats.speech += a.clock.Since(a.speaking)
	}
	a.listener.Mute(false)
}

// updateGrammar gives the recognizer the grammar of the active commands,
// when grammar restriction is on and they changed. They change only
// with the open follow-up contexts, so unless forced (a context was just
// opened or closed) it recomputes them only when their number changed.
func (a *Assistant) updateGrammar(force bool) {
	if !a.grammar {
		return
	}
	now := a.clock.Now()
	open := a.manager.OpenContexts(now)
	if !force && open == a.contexts {
		return
	}
	a.contexts = open
	g := a.manager.Grammar(now, GrammarLimit).RecognizerGrammar()
	if a.grammarSent && g.Equal(a.lastGrammar) {
		return
	}
	a.lastGrammar, a.grammarSent = g, true
	a.listener.UseGrammar(g)
}

// grammarRefused takes the listener's word that the recognizer refused the
// grammar last sent: it is not in force, so the next update sends it again.
func (a *Assistant) grammarRefused(err error) {
	if errors.Is(err, pipeline.ErrGrammarUnsupported) {
		return // a recognizer that decodes openly only
	}
	a.log.Warn("setting the recognizer's grammar", "err", err)
	a.grammarSent = false
}

// turnStats times the stages of one utterance for its telemetry line.
type turnStats struct {
	turn     int
	pressed  time.Time
	released bool
	capture  time.Duration // button down to up
	decode   time.Duration // the final decode after release
	match    time.Duration
	command  time.Duration // commands started to the turn being done
	speech   time.Duration // speaking its answers
	text     string
	commands []string
}

func (s *turnStats) log(l *slog.Logger, now time.Time, outcome string) {
	l.Info("utterance",
		"turn", s.turn,
		"text", s.text,
		"commands", s.commands,
		"outcome", outcome,
		"capture_ms", ms(s.capture),
		"decode_ms", ms(s.decode),
		"match_ms", ms(s.match),
		"command_ms", ms(s.command),
		"speech_ms", ms(s.speech),
		"total_ms", ms(now.Sub(s.pressed)),
	)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
