package hass

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWithDefaults(t *testing.T) {
	got := Config{URL: "http://ha:8123", TokenFile: "/t"}.WithDefaults()
	want := Config{URL: "http://ha:8123", TokenFile: "/t", Timeout: 3 * time.Second, ConversationTTL: 5 * time.Minute}
	if got != want {
		t.Errorf("WithDefaults = %+v, want %+v", got, want)
	}
	set := Config{Language: "fr", Timeout: time.Second, ConversationTTL: time.Minute}
	if got := set.WithDefaults(); got != set {
		t.Errorf("WithDefaults changed set fields: %+v", got)
	}
}

func TestCheck(t *testing.T) {
	good := writeToken(t, testToken, 0o600)
	huge := writeToken(t, strings.Repeat("a", maxTokenFile+1), 0o600)
	dir := t.TempDir()
	tests := []struct {
		name string
		edit func(*Config)
		want []string // "key: message" of every problem, in order
	}{
		{"valid", nil, nil},
		{"valid, every field", func(c *Config) {
			c.URL = "https://ha.example.net:8123/"
			c.Language = "pt_BR"
			c.AgentID = "conversation.home_assistant"
			c.Timeout = 10 * time.Second
			c.ConversationTTL = time.Minute
		}, nil},
		{"valid, group-readable token", func(c *Config) { c.TokenFile = writeToken(t, testToken, 0o640) }, nil},
		{"valid, URL with a path prefix", func(c *Config) { c.URL = "http://proxy.lan/homeassistant" }, nil},
		{"everything missing", func(c *Config) { *c = Config{} }, []string{
			"url: must be set, e.g. http://homeassistant.local:8123",
			"token_file: must name the file holding a long-lived access token",
		}},
		{"url without scheme", func(c *Config) { c.URL = "homeassistant.local:8123" }, []string{
			`url: "homeassistant.local:8123" must start with http:// or https://`}},
		{"url ftp", func(c *Config) { c.URL = "ftp://ha" }, []string{`url: "ftp://ha" must start with http:// or https://`}},
		{"url no host", func(c *Config) { c.URL = "http://" }, []string{`url: "http://" names no host`}},
		{"url unparsable", func(c *Config) { c.URL = "http://ha:port" }, []string{`url: "http://ha:port" is not a URL`}},
		{"url credentials", func(c *Config) { c.URL = "http://me:secret@ha:8123" }, []string{"url: must not hold a user name or password"}},
		{"url query", func(c *Config) { c.URL = "http://ha:8123/?x=1" }, []string{`url: "http://ha:8123/?x=1" must not have a query or fragment`}},
		{"url with API path", func(c *Config) { c.URL = "http://ha:8123/api/conversation/process" }, []string{
			`url: "http://ha:8123/api/conversation/process": give Home Assistant's base URL, without /api…`}},
		{"url with /api/", func(c *Config) { c.URL = "http://ha:8123/api/" }, []string{
			`url: "http://ha:8123/api/": give Home Assistant's base URL, without /api…`}},
		{"token file missing", func(c *Config) { c.TokenFile = filepath.Join(dir, "nope") }, []string{
			"token_file: " + filepath.Join(dir, "nope") + " does not exist"}},
		{"token file world-readable", func(c *Config) { c.TokenFile = writeToken(t, testToken, 0o644) }, []string{
			"token_file: ", "is readable by everyone (mode 0644); run chmod o-rwx on it"}},
		{"token file empty", func(c *Config) { c.TokenFile = writeToken(t, "", 0o600) }, []string{"token_file: ", " is empty"}},
		{"token file a directory", func(c *Config) { c.TokenFile = dir }, []string{"token_file: " + dir + " is not a regular file"}},
		{"token file too large", func(c *Config) { c.TokenFile = huge }, []string{
			"token_file: " + huge + " is larger than 16 KiB; it should hold the token alone"}},
		{"language", func(c *Config) { c.Language = "English (US)" }, []string{
			`language: "English (US)" is not a language code such as en or de-CH`}},
		{"agent id", func(c *Config) { c.AgentID = "my agent" }, []string{
			`agent_id: "my agent" is not an agent id such as conversation.home_assistant`}},
		{"timeout too short", func(c *Config) { c.Timeout = 10 * time.Millisecond }, []string{"timeout: 10ms is out of range [100ms, 1m0s]"}},
		{"timeout negative", func(c *Config) { c.Timeout = -time.Second }, []string{"timeout: -1s is out of range [100ms, 1m0s]"}},
		{"timeout too long", func(c *Config) { c.Timeout = 2 * time.Minute }, []string{"timeout: 2m0s is out of range [100ms, 1m0s]"}},
		{"ttl too short", func(c *Config) { c.ConversationTTL = time.Millisecond }, []string{"conversation_ttl: 1ms is out of range [1s, 1h0m0s]"}},
		{"ttl too long", func(c *Config) { c.ConversationTTL = 2 * time.Hour }, []string{"conversation_ttl: 2h0m0s is out of range [1s, 1h0m0s]"}},
		{"several at once, in field order", func(c *Config) {
			c.URL = ""
			c.Language = "?"
			c.Timeout = time.Hour
		}, []string{
			"url: must be set, e.g. http://homeassistant.local:8123",
			`language: "?" is not a language code such as en or de-CH`,
			"timeout: 1h0m0s is out of range [100ms, 1m0s]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{URL: "http://homeassistant.local:8123", TokenFile: good}
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			ps := cfg.Check()
			var got []string
			for _, p := range ps {
				got = append(got, p.Error())
			}
			switch {
			case strings.HasSuffix(tt.name, "world-readable") || strings.HasSuffix(tt.name, "empty"):
				// The path is a temporary one: match its key and message.
				if len(got) != 1 || !strings.HasPrefix(got[0], tt.want[0]) || !strings.HasSuffix(got[0], tt.want[1]) {
					t.Errorf("Check = %q, want one %q…%q", got, tt.want[0], tt.want[1])
				}
			case fmt.Sprint(got) != fmt.Sprint(tt.want):
				t.Errorf("Check =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

// New refuses what Check refuses, and what only reading the token shows.
func TestNewTokenFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string // "" accepted
	}{
		{"owner only", testToken + "\n", 0o600, ""},
		{"owner read-only", testToken, 0o400, ""},
		{"group-readable", "  " + testToken + "\r\n", 0o640, ""},
		{"world-readable", testToken, 0o644, "is readable by everyone (mode 0644)"},
		{"world-readable only", testToken, 0o604, "is readable by everyone (mode 0604)"},
		{"everyone may do everything", testToken, 0o777, "is readable by everyone (mode 0777)"},
		{"empty", "", 0o600, "is empty"},
		{"only spaces", " \n\t\n", 0o600, "holds no token"},
		{"two lines", testToken + "\n" + testToken + "\n", 0o600, "it should hold the token alone"},
		{"a name and the token", "token: " + testToken, 0o600, "it should hold the token alone"},
		{"huge", strings.Repeat("a", maxTokenFile+1), 0o600, "is larger than 16 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeToken(t, tt.content, tt.mode)
			_, err := New(Config{URL: "http://homeassistant.local:8123", TokenFile: path}, nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("New accepted a token file that %s", tt.wantErr)
			case tt.wantErr != "":
				if !strings.HasPrefix(err.Error(), "token_file: "+path) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("New error %q, want token_file: %s … %s", err, path, tt.wantErr)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("New error %q shows the token", err)
				}
				if _, ok := errors.AsType[Problem](err); !ok {
					t.Errorf("New error %v holds no Problem", err)
				}
			}
		})
	}
}

// readToken opens the token file without waiting: Check stats it first, but
// a FIFO put in its place meanwhile would block New for good.
func TestReadTokenNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{fifo, fifo + " is a named pipe, not a regular file"},
		{dir, dir + " is a directory, not a regular file"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := readToken(tt.path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || err.Error() != tt.want {
				t.Errorf("readToken(%s): %v, want %q", tt.path, err, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("readToken(%s) blocked for 5s", tt.path)
			// Open the FIFO's other end so that readToken returns.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			<-done
		}
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := New(Config{Timeout: -1}, nil)
	if err == nil {
		t.Fatal("New accepted an empty config")
	}
	want := "url: must be set, e.g. http://homeassistant.local:8123\n" +
		"token_file: must name the file holding a long-lived access token\n" +
		"timeout: -1ns is out of range [100ms, 1m0s]"
	if err.Error() != want {
		t.Errorf("New error\n%s\nwant\n%s", err, want)
	}
}
