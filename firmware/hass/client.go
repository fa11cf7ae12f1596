package hass

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hark-assistant/hark/firmware/internal/regfile"
)

// The conversation endpoint and the shapes below follow Home Assistant's
// Conversation API documentation
// (https://developers.home-assistant.io/docs/intent_conversation_api/) and
// its REST API documentation (https://developers.home-assistant.io/docs/api/rest/):
// a JSON POST with "Authorization: Bearer TOKEN", input fields text,
// language, agent_id and conversation_id, and an answer whose "response"
// object has response_type (action_done, query_answer or error), data
// (data.code for an error), speech.plain.speech, next to conversation_id
// and continue_conversation.
const processPath = "/api/conversation/process"

const (
	maxBody      = 256 << 10 // an answer larger than this is refused
	maxTokenFile = 16 << 10  // a long-lived token is a JWT of ~200 bytes
	maxSnippet   = 200       // bytes of an error body quoted in a StatusError
	// maxSpeech is the most of an answer's speech kept, in characters (as
	// Hark's speech.MaxText): Hark synthesises what it speaks in memory,
	// and 256 KiB of text would be hours of audio.
	maxSpeech = 2000
)

// request is the body of POST /api/conversation/process. Home Assistant's
// view validates conversation_id and agent_id as strings when present
// (homeassistant/components/conversation/http.py), so absent ones are
// left out rather than sent as null.
type request struct {
	Text           string `json:"text"`
	Language       string `json:"language,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
	AgentID        string `json:"agent_id,omitempty"`
}

// response is the documented answer; fields Hark has no use for (data's
// targets, success and failed lists, SSML speech) are not decoded.
type response struct {
	Response *struct {
		ResponseType string `json:"response_type"`
		Language     string `json:"language"`
		Data         struct {
			Code string `json:"code"`
		} `json:"data"`
		Speech struct {
			Plain struct {
				Speech string `json:"speech"`
			} `json:"plain"`
		} `json:"speech"`
	} `json:"response"`
	ConversationID       string `json:"conversation_id"`
	ContinueConversation bool   `json:"continue_conversation"`
}

// Answer is Home Assistant's answer to one text.
type Answer struct {
	// Speech is response.speech.plain.speech, the text to speak. It may be
	// empty: speech is optional in the API, and an agent may answer in
	// SSML only.
	Speech string
	// ConversationID is the conversation the answer belongs to; the next
	// Process sends it while it is fresh.
	ConversationID string
	// Continue is continue_conversation: the agent expects a follow-up.
	Continue bool
}

// StatusError is an HTTP answer other than 2xx (redirects are not
// followed, so that the token is sent nowhere but to URL).
type StatusError struct {
	StatusCode int
	Status     string // e.g. "401 Unauthorized"
	Body       string // the start of the body, on one line
	hint       string
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "home assistant answered HTTP %s", e.Status)
	if e.hint != "" {
		fmt.Fprintf(&b, " (%s)", e.hint)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	return b.String()
}

// ResponseError is an answer whose response_type is error: Home Assistant
// understood the request but could not handle the text.
type ResponseError struct {
	// Code is data.code: no_intent_match, no_valid_targets,
	// failed_to_handle or unknown.
	Code string
	// Speech is Home Assistant's own message, e.g. "Sorry, I couldn't
	// understand that"; it may be empty.
	Speech string
}

func (e *ResponseError) Error() string {
	code := e.Code
	if code == "" {
		code = "no code"
	}
	if e.Speech == "" {
		return fmt.Sprintf("home assistant could not handle it (%s)", code)
	}
	return fmt.Sprintf("home assistant could not handle it (%s): %q", code, e.Speech)
}

// Client sends text to Home Assistant's conversation API. It is safe for
// concurrent use.
type Client struct {
	base      string // Config.URL, for messages
	endpoint  string
	auth      *string // "Bearer …"; behind a pointer so printing a Client never shows it
	language  string
	agentID   string
	timeout   time.Duration
	ttl       time.Duration
	http      *http.Client
	log       *slog.Logger
	now       func() time.Time
	mu        sync.Mutex
	started   uint64    // exchanges started
	convSeq   uint64    // the exchange convID came from
	convID    string    // the last answer's conversation_id
	convSince time.Time // when that answer arrived
	// continueUntil is when a continue_conversation of the latest
	// exchange lapses, as c.now's UnixNano; 0: none pending.
	continueUntil atomic.Int64
}

// options are what tests inject.
type options struct {
	now func() time.Time // nil: time.Now
}

// New checks cfg (with defaults applied) and reads its token file, which
// must exist, hold the token and not be readable by everyone. A nil log
// discards. The error lists every problem, each a Problem.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	return newClient(cfg, log, options{})
}

func newClient(cfg Config, log *slog.Logger, o options) (*Client, error) {
	cfg = cfg.WithDefaults()
	if ps := cfg.Check(); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	token, err := readToken(cfg.TokenFile)
	if err != nil {
		return nil, Problem{Key: "token_file", Msg: err.Error()}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.now == nil {
		o.now = time.Now
	}
	u, _ := url.Parse(cfg.URL) // checked
	u.Path = strings.TrimRight(u.Path, "/") + processPath
	auth := "Bearer " + token

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // Home Assistant is on the local network; keep the token off proxies
	c := &Client{
		base:     cfg.URL,
		endpoint: u.String(),
		auth:     &auth,
		language: cfg.Language,
		agentID:  cfg.AgentID,
		timeout:  cfg.Timeout,
		ttl:      cfg.ConversationTTL,
		http: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		log: log,
		now: o.now,
	}
	language := c.language
	if language == "" {
		language = "home assistant's"
	}
	log.Info("home assistant conversation fallback", "url", c.endpoint, "language", language,
		"agent", c.agentID, "timeout", c.timeout, "conversation_ttl", c.ttl)
	return c, nil
}

// readToken reads a long-lived access token from path. Its errors name the
// file, never its content.
func readToken(path string) (string, error) {
	// Check has looked at the file, but what is there now may be another:
	// regfile refuses a FIFO without waiting on it.
	f, fi, err := regfile.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s does not exist", path)
		}
		return "", err
	}
	defer f.Close()
	if msg := checkTokenFileInfo(path, fi); msg != "" {
		return "", errors.New(msg)
	}
	b, err := regfile.ReadAll(f, maxTokenFile) // it may have grown since
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("%s holds no token", path)
	}
	for _, r := range token {
		if r <= ' ' || r >= 0x7f {
			return "", fmt.Errorf("%s holds more than one token (a space or control character inside); it should hold the token alone", path)
		}
	}
	return token, nil
}

// String names the client by its endpoint.
func (c *Client) String() string { return "hass.Client(" + c.endpoint + ")" }

// CloseIdleConnections closes the kept-alive connections to Home
// Assistant; the client stays usable.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Continuing reports whether Home Assistant's last answer asked for a
// follow-up (continue_conversation) that the next Process has not yet
// answered, less than Config.ConversationTTL ago: the next utterance is
// meant for Home Assistant, and should go to it before Hark's own commands.
// Any Process ends it, whatever its outcome, so a follow-up captures one
// utterance at most, and one that never came captures none once the
// conversation has gone stale. It never blocks.
func (c *Client) Continuing() bool {
	until := c.continueUntil.Load()
	return until != 0 && c.now().UnixNano() < until
}

// Process sends text to Home Assistant's conversation API and returns its
// answer, waiting at most Config.Timeout (or until ctx ends). It sends the
// conversation_id of the previous answer if that came less than
// Config.ConversationTTL ago. It answers a pending follow-up (see
// Continuing), and its own answer may ask for another.
//
// The errors say what went wrong: a timeout (errors.Is
// context.DeadlineExceeded), Home Assistant unreachable, a *StatusError
// (e.g. 401 for a bad token), a *ResponseError (Home Assistant's error
// response with its code), or an answer that is not the documented JSON.
func (c *Client) Process(ctx context.Context, text string) (Answer, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Answer{}, errors.New("home assistant: no text to send")
	}
	c.mu.Lock()
	c.started++
	seq := c.started
	c.continueUntil.Store(0) // this is the follow-up, if one was asked for
	var convID string
	if c.convID != "" && c.now().Sub(c.convSince) < c.ttl {
		convID = c.convID
	}
	c.mu.Unlock()

	start := time.Now()
	ans, rt, err := c.exchange(ctx, request{Text: text, Language: c.language, ConversationID: convID, AgentID: c.agentID}, seq)
	if err != nil {
		c.log.Debug("home assistant failed", "err", err, "continued", convID != "", "took", time.Since(start))
		return Answer{}, err
	}
	c.log.Debug("home assistant answered", "response_type", rt, "continued", convID != "",
		"conversation_id", ans.ConversationID, "took", time.Since(start))
	return ans, nil
}

// exchange does one request; rt is the response_type.
func (c *Client) exchange(ctx context.Context, in request, seq uint64) (_ Answer, rt string, _ error) {
	body, err := json.Marshal(in)
	if err != nil {
		return Answer{}, "", fmt.Errorf("home assistant: %w", err)
	}
	reqCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return Answer{}, "", fmt.Errorf("home assistant: %w", err)
	}
	req.Header.Set("Authorization", *c.auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		return Answer{}, "", c.transportError(ctx, reqCtx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return Answer{}, "", c.transportError(ctx, reqCtx, fmt.Errorf("reading the answer: %w", err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Answer{}, "", statusError(resp, data)
	}
	if len(data) > maxBody {
		return Answer{}, "", fmt.Errorf("home assistant: unreadable answer: larger than %d KiB", maxBody>>10)
	}
	var out response
	if err := json.Unmarshal(data, &out); err != nil {
		return Answer{}, "", fmt.Errorf("home assistant: unreadable answer: %w", err)
	}
	r := out.Response
	if r == nil || r.ResponseType == "" {
		return Answer{}, "", errors.New(`home assistant: unreadable answer: no "response" object with a response_type`)
	}
	c.remember(seq, out.ConversationID, out.ContinueConversation)
	speech := c.fit(r.Speech.Plain.Speech)
	if r.ResponseType == "error" {
		return Answer{}, r.ResponseType, &ResponseError{Code: r.Data.Code, Speech: speech}
	}
	return Answer{
		Speech:         speech,
		ConversationID: out.ConversationID,
		Continue:       out.ContinueConversation,
	}, r.ResponseType, nil
}

// fit cuts speech to maxSpeech characters at a word boundary, with a
// warning.
func (c *Client) fit(speech string) string {
	n := utf8.RuneCountInString(speech)
	if n <= maxSpeech {
		return speech
	}
	end, k := 0, 0
	for end = range speech { // to the byte offset of character maxSpeech
		if k == maxSpeech {
			break
		}
		k++
	}
	cut := speech[:end]
	if r, _ := utf8.DecodeRuneInString(speech[end:]); !unicode.IsSpace(r) {
		if space := strings.LastIndexFunc(cut, unicode.IsSpace); space > 0 {
			cut = cut[:space]
		}
	}
	cut = strings.TrimRightFunc(cut, unicode.IsSpace)
	c.log.Warn("home assistant: answer too long to speak: cut", "chars", n, "kept", utf8.RuneCountInString(cut), "max", maxSpeech)
	return cut
}

// remember keeps the conversation of exchange seq unless a later exchange
// has answered already, and its request for a follow-up (cont) if no later
// exchange has started: that one was the follow-up, or is unrelated.
func (c *Client) remember(seq uint64, convID string, cont bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq < c.convSeq {
		return
	}
	now := c.now()
	c.convSeq, c.convID, c.convSince = seq, convID, now
	if cont && seq == c.started {
		c.continueUntil.Store(now.Add(c.ttl).UnixNano())
	}
}

// transportError says why no answer came: the caller gave up, the
// timeout passed, or Home Assistant could not be reached.
func (c *Client) transportError(ctx, reqCtx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("home assistant: gave up: %w", ctx.Err())
	}
	if errors.Is(reqCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("home assistant did not answer within %s: %w", c.timeout, context.DeadlineExceeded)
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	return fmt.Errorf("home assistant at %s: %w", c.base, err)
}

func statusError(resp *http.Response, body []byte) *StatusError {
	e := &StatusError{StatusCode: resp.StatusCode, Status: resp.Status, Body: snippet(body)}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.hint = "check the long-lived access token in token_file"
	case resp.StatusCode == http.StatusNotFound:
		e.hint = "check that url is Home Assistant's and that its conversation integration is loaded"
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		e.hint = "redirected"
		if loc := resp.Header.Get("Location"); loc != "" {
			e.hint += " to " + snippet([]byte(loc)) + "; set url to where it points"
		}
		e.Body = ""
	}
	return e
}

// snippet is the start of b on one line, for an error message.
func snippet(b []byte) string {
	if len(b) > maxSnippet {
		b = append(b[:maxSnippet:maxSnippet], "…"...)
	}
	s := strings.ToValidUTF8(string(b), "?")
	return strings.Join(strings.Fields(s), " ")
}
