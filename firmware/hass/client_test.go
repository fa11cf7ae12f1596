package hass

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// patience bounds every wait of a test on the client, so a regression
// fails in seconds rather than at the 10-minute test timeout. It is a
// safety net, never a timing assertion. (The client talks to fakeHA over a
// real socket, so these tests cannot run in a synctest bubble, whose clock
// does not move while a goroutine waits on the network.)
const patience = 10 * time.Second

// recv receives from ch, failing the test if nothing comes within patience.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("no %s within %v", what, patience)
		var zero T
		return zero
	}
}

// process runs c.Process and fails the test if it has not returned within
// patience.
func process(t *testing.T, c *Client, ctx context.Context, text string) (Answer, error) {
	t.Helper()
	type result struct {
		a   Answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := c.Process(ctx, text)
		done <- result{a, err}
	}()
	r := recv(t, done, fmt.Sprintf("return from Process(%q)", text))
	return r.a, r.err
}

func TestProcess(t *testing.T) {
	tests := []struct {
		name         string
		edit         func(*Config)
		responseType string
		wantIn       map[string]string
	}{
		{
			// No language unless configured: Home Assistant then takes
			// its own, where "en" would have answered a German house in
			// English.
			name:         "defaults",
			responseType: "action_done",
			wantIn:       map[string]string{"text": "turn on the kitchen light"},
		},
		{
			name:         "language and agent",
			edit:         func(c *Config) { c.Language = "de-CH"; c.AgentID = "conversation.home_assistant" },
			responseType: "query_answer",
			wantIn: map[string]string{"text": "turn on the kitchen light", "language": "de-CH",
				"agent_id": "conversation.home_assistant"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
				io.WriteString(w, haAnswer(tt.responseType, "", "Turned on the kitchen light", "01JCONVERSATION"))
			})
			c := testClient(t, f, tt.edit, options{})
			got, err := process(t, c, context.Background(), "  turn on the kitchen light ")
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			want := Answer{Speech: "Turned on the kitchen light", ConversationID: "01JCONVERSATION"}
			if got != want {
				t.Errorf("Process = %+v, want %+v", got, want)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if fmt.Sprint(reqs[0]) != fmt.Sprint(tt.wantIn) {
				t.Errorf("request body %v, want %v", reqs[0], tt.wantIn)
			}
		})
	}
}

func TestProcessContinueConversation(t *testing.T) {
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		io.WriteString(w, `{"continue_conversation": true, "response": {"response_type": "query_answer",
			"language": "en", "data": {}, "speech": {"plain": {"speech": "Which light?"}}},
			"conversation_id": "01JX"}`)
	})
	c := testClient(t, f, nil, options{})
	got, err := process(t, c, context.Background(), "turn on the light")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Answer{Speech: "Which light?", ConversationID: "01JX", Continue: true}); got != want {
		t.Errorf("Process = %+v, want %+v", got, want)
	}
}

func TestConversationFreshness(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	var n int
	var mu sync.Mutex
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		id := in["conversation_id"]
		if id == "" { // Home Assistant starts a new conversation
			n++
			id = fmt.Sprintf("conv-%d", n)
		}
		io.WriteString(w, haAnswer("action_done", "", "Done", id))
	})
	c := testClient(t, f, func(c *Config) { c.ConversationTTL = 5 * time.Minute }, options{now: clock.now})

	steps := []struct {
		after    time.Duration // clock advance before this exchange
		wantSent string        // conversation_id sent; "" none
		wantID   string        // conversation_id answered
	}{
		{0, "", "conv-1"},
		{time.Minute, "conv-1", "conv-1"},
		{4 * time.Minute, "conv-1", "conv-1"},                 // freshness counts from the last answer
		{5*time.Minute - time.Nanosecond, "conv-1", "conv-1"}, // just fresh
		{5 * time.Minute, "", "conv-2"},                       // stale: a new conversation
		{time.Second, "conv-2", "conv-2"},
	}
	for i, s := range steps {
		clock.advance(s.after)
		a, err := process(t, c, context.Background(), fmt.Sprintf("step %d", i))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if a.ConversationID != s.wantID {
			t.Errorf("step %d: answer's conversation %q, want %q", i, a.ConversationID, s.wantID)
		}
		reqs := f.requests()
		sent, has := reqs[len(reqs)-1]["conversation_id"]
		if sent != s.wantSent || has != (s.wantSent != "") {
			t.Errorf("step %d: sent conversation_id %q (present %v), want %q", i, sent, has, s.wantSent)
		}
	}
}

func TestConversationKeptAcrossHAError(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		io.WriteString(w, haAnswer("error", "no_intent_match", "Sorry, I couldn't understand that", "conv-1"))
	})
	c := testClient(t, f, nil, options{now: clock.now})
	for range 2 {
		if _, err := process(t, c, context.Background(), "gibberish"); err == nil {
			t.Fatal("no error for an error response")
		}
	}
	if reqs := f.requests(); reqs[1]["conversation_id"] != "conv-1" {
		t.Errorf("second request's conversation_id %q, want conv-1", reqs[1]["conversation_id"])
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		select { // hang until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	c := testClient(t, f, func(c *Config) { c.Timeout = 200 * time.Millisecond }, options{})

	_, err := process(t, c, context.Background(), "what is the weather")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Process error %v, want one wrapping context.DeadlineExceeded", err)
	}
	if want := "did not answer within 200ms"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestCallerGivesUp(t *testing.T) {
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		cancel() // the caller gives up once the request has arrived
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	c := testClient(t, f, func(c *Config) { c.Timeout = time.Minute }, options{})

	_, err := process(t, c, ctx, "what is the weather")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Process error %v, want one wrapping context.Canceled", err)
	}
}

func TestHTTPErrors(t *testing.T) {
	tests := []struct {
		name       string
		token      string // in the token file; "" the right one
		answer     func(w http.ResponseWriter)
		wantStatus int
		wantMsg    string
	}{
		{
			name:       "bad token",
			token:      "not-the-token",
			wantStatus: http.StatusUnauthorized,
			wantMsg:    "HTTP 401 Unauthorized (check the long-lived access token in token_file): 401: Unauthorized",
		},
		{
			name: "server error",
			answer: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, "500 Internal Server Error\n\nServer got itself in trouble")
			},
			wantStatus: http.StatusInternalServerError,
			wantMsg:    "HTTP 500 Internal Server Error: 500 Internal Server Error Server got itself in trouble",
		},
		{
			name: "redirect not followed",
			answer: func(w http.ResponseWriter) {
				w.Header().Set("Location", "https://elsewhere.example/api/conversation/process")
				w.WriteHeader(http.StatusMovedPermanently)
			},
			wantStatus: http.StatusMovedPermanently,
			wantMsg:    "redirected to https://elsewhere.example/api/conversation/process; set url to where it points",
		},
		{
			name: "long body cut",
			answer: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusBadGateway)
				io.WriteString(w, strings.Repeat("x", 10_000))
			},
			wantStatus: http.StatusBadGateway,
			wantMsg:    strings.Repeat("x", maxSnippet) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
				tt.answer(w)
			})
			c := testClient(t, f, func(c *Config) {
				if tt.token != "" {
					c.TokenFile = writeToken(t, tt.token, 0o600)
				}
			}, options{})
			_, err := process(t, c, context.Background(), "turn on the light")
			se, ok := errors.AsType[*StatusError](err)
			if !ok {
				t.Fatalf("Process error %v, want a *StatusError", err)
			}
			if se.StatusCode != tt.wantStatus {
				t.Errorf("StatusCode %d, want %d", se.StatusCode, tt.wantStatus)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestHAErrorResponse(t *testing.T) {
	codes := []string{"no_intent_match", "no_valid_targets", "failed_to_handle", "unknown"}
	for _, code := range codes {
		t.Run(code, func(t *testing.T) {
			f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
				io.WriteString(w, haAnswer("error", code, "Sorry, I couldn't understand that", "01JC"))
			})
			c := testClient(t, f, nil, options{})
			_, err := process(t, c, context.Background(), "flurble the wibble")
			re, ok := errors.AsType[*ResponseError](err)
			if !ok {
				t.Fatalf("Process error %v, want a *ResponseError", err)
			}
			if re.Code != code || re.Speech != "Sorry, I couldn't understand that" {
				t.Errorf("ResponseError %+v, want code %s and Home Assistant's speech", re, code)
			}
			if want := "home assistant could not handle it (" + code + `): "Sorry, I couldn't understand that"`; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

func TestMalformedAnswer(t *testing.T) {
	tests := []struct {
		name, body, wantMsg string
	}{
		{"not JSON", "<html><body>Welcome to nginx!</body></html>", "unreadable answer: invalid character '<'"},
		{"truncated", `{"response": {"response_type": "action_done", "speech": {"pl`, "unreadable answer: unexpected end of JSON input"},
		{"trailing garbage", haAnswer("action_done", "", "ok", "c") + "}", "unreadable answer: invalid character '}' after top-level value"},
		{"empty", "", "unreadable answer: unexpected end of JSON input"},
		{"no response object", `{"conversation_id": "c"}`, `unreadable answer: no "response" object`},
		{"response null", `{"response": null}`, `unreadable answer: no "response" object`},
		{"no response_type", `{"response": {"speech": {"plain": {"speech": "hi"}}}}`, `with a response_type`},
		{"speech of the wrong type", `{"response": {"response_type": "action_done", "speech": {"plain": {"speech": 42}}}}`, "unreadable answer: json: cannot unmarshal number"},
		{"too large", `{"response": {"response_type": "action_done", "speech": {"plain": {"speech": "` + strings.Repeat("a", maxBody) + `"}}}}`, "unreadable answer: larger than 256 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
				io.WriteString(w, tt.body)
			})
			c := testClient(t, f, nil, options{})
			_, err := process(t, c, context.Background(), "turn on the light")
			if err == nil {
				t.Fatal("Process succeeded on a malformed answer")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	f := newFakeHA(t, nil)
	c := testClient(t, f, nil, options{})
	f.srv.Close()
	_, err := process(t, c, context.Background(), "turn on the light")
	if err == nil || !strings.Contains(err.Error(), "home assistant at "+f.srv.URL+": ") {
		t.Errorf("Process error %v, want one naming %s", err, f.srv.URL)
	}
}

func TestNoText(t *testing.T) {
	f := newFakeHA(t, nil)
	c := testClient(t, f, nil, options{})
	if _, err := process(t, c, context.Background(), " \n"); err == nil {
		t.Error("Process sent empty text")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests for empty text", n)
	}
}

func TestConcurrent(t *testing.T) {
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		io.WriteString(w, haAnswer("action_done", "", "Done: "+in["text"], "conv"))
	})
	c := testClient(t, f, nil, options{})
	const n = 16
	errs := make(chan error, n)
	for i := range n {
		go func() {
			text := fmt.Sprintf("command %d", i)
			a, err := c.Process(context.Background(), text)
			if err == nil && a.Speech != "Done: "+text {
				err = fmt.Errorf("answer %q for %q", a.Speech, text)
			}
			errs <- err
		}()
	}
	for range n {
		if err := recv(t, errs, "return from a concurrent Process"); err != nil {
			t.Error(err)
		}
	}
}

// TestLongSpeechCut: an answer's speech, which Hark synthesises whole
// before playing, is cut to maxSpeech characters at a word boundary, with
// a warning, however much of the 256 KiB an answer may take it fills.
func TestLongSpeechCut(t *testing.T) {
	long := strings.Repeat("Démo words ", 20_000) // 220 000 characters
	tests := []struct {
		name         string
		responseType string
	}{
		{"answer", "query_answer"},
		{"error response", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
				io.WriteString(w, haAnswer(tt.responseType, "unknown", long, "01JC"))
			})
			logs := &syncBuffer{}
			c, err := newClient(Config{URL: f.srv.URL, TokenFile: writeToken(t, testToken+"\n", 0o600)},
				slog.New(slog.NewTextHandler(logs, nil)), options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			ans, err := process(t, c, context.Background(), "tell me everything")
			speech := ans.Speech
			if re, ok := errors.AsType[*ResponseError](err); ok {
				speech = re.Speech
			} else if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(speech); n > maxSpeech || n < maxSpeech-len("words ") {
				t.Errorf("speech of %d characters, want at most %d and nearly as many", n, maxSpeech)
			}
			if !strings.HasPrefix(long, speech) || len(speech) == len(long) || long[len(speech)] != ' ' {
				t.Errorf("speech of %d bytes is not the answer's start cut at a word", len(speech))
			}
			if l := logs.String(); !strings.Contains(l, "too long") || !strings.Contains(l, "chars=220000") {
				t.Errorf("log %q, want the cut reported with the speech's length", l)
			}
		})
	}
}

func TestFitSpeech(t *testing.T) {
	word := strings.Repeat("a", maxSpeech+5)
	fill := strings.Repeat("é", maxSpeech-3) // characters, not bytes, count
	tests := []struct {
		name, speech, want string
	}{
		{"short", "Turned on the light.", "Turned on the light."},
		{"at the limit", fill + " ab", fill + " ab"},
		{"over, inside a word", fill + " abc", fill},
		{"over, at a space", fill + " ab cd", fill + " ab"},
		{"one long word", word, word[:maxSpeech]},
	}
	c := &Client{log: slog.New(slog.DiscardHandler)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.fit(tt.speech); got != tt.want {
				t.Errorf("fit: %d characters ending %q, want %d ending %q", utf8.RuneCountInString(got), got[max(0, len(got)-8):],
					utf8.RuneCountInString(tt.want), tt.want[max(0, len(tt.want)-8):])
			}
		})
	}
}

// TestContinuing: an answer with continue_conversation makes Continuing
// true, and the next request continues its conversation; any next request
// ends it (answered without a new question, or failed), and so does
// staleness, so a question nobody answered does not capture later
// presses.
func TestContinuing(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		switch in["text"] {
		case "turn on the light":
			io.WriteString(w, `{"continue_conversation": true, "response": {"response_type": "query_answer",
				"language": "en", "data": {}, "speech": {"plain": {"speech": "Which light?"}}},
				"conversation_id": "conv-q"}`)
		case "fail":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "500: Internal Server Error")
		default:
			io.WriteString(w, haAnswer("action_done", "", "Done", "conv-q"))
		}
	})
	c := testClient(t, f, nil, options{now: clock.now})
	ask := func(text string, wantErr bool) {
		t.Helper()
		if _, err := process(t, c, context.Background(), text); (err != nil) != wantErr {
			t.Fatalf("Process(%q): error %v, want one: %v", text, err, wantErr)
		}
	}
	if c.Continuing() {
		t.Fatal("Continuing before any exchange")
	}
	ask("the kitchen", false)
	if c.Continuing() {
		t.Fatal("Continuing after an answer without continue_conversation")
	}

	ask("turn on the light", false)
	if !c.Continuing() {
		t.Fatal("not Continuing after continue_conversation")
	}
	clock.advance(time.Minute)
	if !c.Continuing() {
		t.Fatal("not Continuing a minute after continue_conversation")
	}
	ask("the kitchen", false) // the answer to "Which light?"
	if got := f.requests()[2]["conversation_id"]; got != "conv-q" {
		t.Errorf("the follow-up sent conversation_id %q, want conv-q", got)
	}
	if c.Continuing() {
		t.Error("still Continuing after the follow-up was answered")
	}

	ask("turn on the light", false)
	ask("fail", true)
	if c.Continuing() {
		t.Error("still Continuing after the follow-up failed")
	}

	ask("turn on the light", false)
	clock.advance(DefaultConversationTTL)
	if c.Continuing() {
		t.Error("still Continuing once the conversation went stale")
	}
}

// TestContinuingOnlyFromTheLatest: a continue_conversation answering an
// exchange that a later one overtook, or that was answered while a later
// one was on its way, does not make Continuing true: the later one was the
// follow-up, or about something else.
func TestContinuingOnlyFromTheLatest(t *testing.T) {
	const question = `{"continue_conversation": true, "response": {"response_type": "query_answer",
		"language": "en", "data": {}, "speech": {"plain": {"speech": "Which light?"}}},
		"conversation_id": "conv-1"}`
	arrived := map[string]chan struct{}{"first": make(chan struct{}), "second": make(chan struct{})}
	release := map[string]chan struct{}{"first": make(chan struct{}), "second": make(chan struct{})}
	f := newFakeHA(t, func(w http.ResponseWriter, r *http.Request, in map[string]string) {
		text := in["text"]
		close(arrived[text])
		select {
		case <-release[text]:
		case <-r.Context().Done():
			return
		}
		if text == "first" {
			io.WriteString(w, question)
			return
		}
		io.WriteString(w, haAnswer("action_done", "", "Done", "conv-1"))
	})
	c := testClient(t, f, nil, options{})
	start := func(text string) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := c.Process(context.Background(), text)
			done <- err
		}()
		recv(t, arrived[text], "the request "+text+" at Home Assistant")
		return done
	}
	first := start("first")
	second := start("second")
	close(release["first"]) // the question comes while the second is on its way
	if err := recv(t, first, "the first answer"); err != nil {
		t.Fatal(err)
	}
	if c.Continuing() {
		t.Error("Continuing while a later exchange is on its way")
	}
	close(release["second"])
	if err := recv(t, second, "the second answer"); err != nil {
		t.Fatal(err)
	}
	if c.Continuing() {
		t.Error("Continuing after a later exchange was answered without a question")
	}
}
