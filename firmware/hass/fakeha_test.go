package hass

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/internal/logbuf"
)

const testToken = "eyJhbGciOiJIUzI1NiJ9.test-long-lived-token.c2lnbmF0dXJl"

// fakeHA is an HTTP server implementing the request and response shapes of
// Home Assistant's documented POST /api/conversation/process
// (https://developers.home-assistant.io/docs/intent_conversation_api/):
// it checks the method, path, bearer token and JSON body the way Home
// Assistant does (text required; language, conversation_id and agent_id
// optional strings; nothing else), answers 401 "401: Unauthorized" to a
// wrong token and 400 {"message": …} to a bad body, and otherwise hands
// the request to answer.
type fakeHA struct {
	srv    *httptest.Server
	answer func(w http.ResponseWriter, r *http.Request, in map[string]string)

	mu   sync.Mutex
	seen []map[string]string // bodies of the accepted requests
	errs []string            // what the client got wrong
}

func newFakeHA(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, in map[string]string)) *fakeHA {
	t.Helper()
	f := &fakeHA{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, e := range f.errs {
			t.Errorf("fake Home Assistant: %s", e)
		}
	})
	return f
}

func (f *fakeHA) fail(w http.ResponseWriter, status int, body, complaint string) {
	f.mu.Lock()
	f.errs = append(f.errs, complaint)
	f.mu.Unlock()
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func (f *fakeHA) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/conversation/process" {
		f.fail(w, http.StatusNotFound, "404: Not Found", "path "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		f.fail(w, http.StatusMethodNotAllowed, "405: Method Not Allowed", "method "+r.Method)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		// Not a client mistake when the test gives a wrong token on purpose.
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "401: Unauthorized")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.fail(w, http.StatusBadRequest, `{"message": "Invalid JSON."}`, "content type "+ct)
		return
	}
	var raw map[string]any
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&raw); err != nil {
		f.fail(w, http.StatusBadRequest, `{"message": "Invalid JSON."}`, "body: "+err.Error())
		return
	}
	in := map[string]string{}
	for k, v := range raw {
		s, ok := v.(string)
		switch {
		case k != "text" && k != "language" && k != "conversation_id" && k != "agent_id":
			f.fail(w, http.StatusBadRequest, `{"message": "Message format incorrect: extra keys not allowed"}`, "unknown field "+k)
			return
		case !ok:
			f.fail(w, http.StatusBadRequest, `{"message": "Message format incorrect: expected str"}`, fmt.Sprintf("field %s is %T, not a string", k, v))
			return
		}
		in[k] = s
	}
	if _, ok := in["text"]; !ok {
		f.fail(w, http.StatusBadRequest, `{"message": "Message format incorrect: required key not provided @ data['text']"}`, "no text")
		return
	}
	f.mu.Lock()
	f.seen = append(f.seen, in)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	f.answer(w, r, in)
}

func (f *fakeHA) requests() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.seen...)
}

// haAnswer is the documented answer: response_type, language, data (a
// code for an error, targets otherwise), speech.plain.speech, and the
// conversation_id next to the response.
func haAnswer(responseType, code, speech, conversationID string) string {
	data := map[string]any{"targets": []any{}, "success": []any{}, "failed": []any{}}
	if responseType == "error" {
		data = map[string]any{"code": code}
	}
	b, err := json.Marshal(map[string]any{
		"continue_conversation": false,
		"response": map[string]any{
			"response_type": responseType,
			"language":      "en",
			"data":          data,
			"speech":        map[string]any{"plain": map[string]any{"speech": speech, "extra_data": nil}},
		},
		"conversation_id": conversationID,
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// writeToken writes a token file with the given mode.
func writeToken(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ha-token")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

// syncBuffer is a log the test reads while the code under test writes it.
type syncBuffer = logbuf.Buffer

// fakeClock is a settable clock for the conversation's freshness. Tests
// cannot let synctest's clock stand in for it: fakeHA serves on a real TCP
// socket, and a bubble's clock does not move while a goroutine waits on one.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testClient is a Client of f with a 0600 token file, logging at debug
// level into a buffer that is checked, at the end of the test, never to
// hold the token.
func testClient(t *testing.T, f *fakeHA, edit func(*Config), o options) *Client {
	t.Helper()
	cfg := Config{URL: f.srv.URL, TokenFile: writeToken(t, testToken+"\n", 0o600)}
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	c, err := newClient(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		c.CloseIdleConnections()
		if strings.Contains(logs.String(), testToken) || strings.Contains(fmt.Sprintf("%v %+v %#v", c, c, c), testToken) {
			t.Error("the token was logged or printed")
		}
	})
	return c
}
