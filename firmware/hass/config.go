package hass

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Defaults applied by Config.WithDefaults to fields left at their zero
// value. Language has none: left empty, no language is sent and Home
// Assistant takes its own (its configured language, or the agent's).
const (
	DefaultTimeout = 3 * time.Second
	// DefaultConversationTTL is how long a conversation stays open after
	// its last answer: Home Assistant itself drops a conversation idle for
	// five minutes (CONVERSATION_TIMEOUT in homeassistant/helpers/
	// chat_session.py), so Hark continues it exactly as long as Home
	// Assistant still knows it, and a question asked later ("turn it off")
	// is not read against an exchange the speaker has long forgotten.
	DefaultConversationTTL = 5 * time.Minute
)

// Limits Check enforces.
const (
	minTimeout = 100 * time.Millisecond
	maxTimeout = time.Minute // room for a slow LLM-backed agent
	minTTL     = time.Second
	maxTTL     = time.Hour
)

// Config is the home_assistant: section of Hark's configuration. Durations
// are written the Go way ("3s", "5m"); a zero field takes its default (see
// WithDefaults).
type Config struct {
	// URL is Home Assistant's base URL, e.g. http://homeassistant.local:8123;
	// the API path is appended to it.
	URL string `yaml:"url"`
	// TokenFile holds a long-lived access token (created on the Home
	// Assistant user's profile page). It must not be readable by everyone.
	TokenFile string `yaml:"token_file"`
	// Language of the text sent, e.g. "en" or "de-CH". Empty (the
	// default): none is sent, and Home Assistant uses its own language.
	Language string `yaml:"language"`
	// AgentID names the conversation agent; empty: Home Assistant's
	// default agent.
	AgentID string `yaml:"agent_id"`
	// Timeout bounds one exchange, connection to last byte. Default 3s.
	Timeout time.Duration `yaml:"timeout"`
	// ConversationTTL is how long after an answer its conversation_id is
	// sent with the next text. Default 5m (see DefaultConversationTTL).
	ConversationTTL time.Duration `yaml:"conversation_ttl"`
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ConversationTTL == 0 {
		c.ConversationTTL = DefaultConversationTTL
	}
	return c
}

// Problem is one invalid field of a Config. Key is relative to the
// section (e.g. "url", "token_file"), for the caller to place it
// ("home_assistant.url").
type Problem struct {
	Key string
	Msg string
}

func (p Problem) Error() string { return p.Key + ": " + p.Msg }

var (
	languageRE = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$`)
	agentIDRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// Check reports every problem of c (with defaults applied), in field
// order; nil when c is usable. It looks at the token file's metadata
// (present, a regular file, not readable by everyone, neither empty nor
// too large) but does not read it, so it works for a user who may not read
// the file.
func (c Config) Check() []Problem {
	c = c.WithDefaults()
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}

	if msg := checkURL(c.URL); msg != "" {
		add("url", "%s", msg)
	}
	if c.TokenFile == "" {
		add("token_file", "must name the file holding a long-lived access token")
	} else if fi, err := os.Stat(c.TokenFile); err != nil {
		add("token_file", "%s", statMsg(c.TokenFile, err))
	} else if msg := checkTokenFileInfo(c.TokenFile, fi); msg != "" {
		add("token_file", "%s", msg)
	}
	if c.Language != "" && !languageRE.MatchString(c.Language) {
		add("language", "%q is not a language code such as en or de-CH", c.Language)
	}
	if c.AgentID != "" && !agentIDRE.MatchString(c.AgentID) {
		add("agent_id", "%q is not an agent id such as conversation.home_assistant", c.AgentID)
	}
	if c.Timeout < minTimeout || c.Timeout > maxTimeout {
		add("timeout", "%s is out of range [%s, %s]", c.Timeout, minTimeout, maxTimeout)
	}
	if c.ConversationTTL < minTTL || c.ConversationTTL > maxTTL {
		add("conversation_ttl", "%s is out of range [%s, %s]", c.ConversationTTL, minTTL, maxTTL)
	}
	return ps
}

func checkURL(raw string) string {
	if raw == "" {
		return "must be set, e.g. http://homeassistant.local:8123"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q must start with http:// or https://", raw)
	case u.Host == "":
		return fmt.Sprintf("%q names no host", raw)
	case u.User != nil:
		// The token goes in token_file; credentials in a URL end up in logs.
		return "must not hold a user name or password"
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("%q must not have a query or fragment", raw)
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/api") || strings.Contains(u.Path, "/api/"):
		return fmt.Sprintf("%q: give Home Assistant's base URL, without /api…", raw)
	}
	return ""
}

func statMsg(path string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%s does not exist", path)
	}
	return err.Error()
}

// checkTokenFileInfo is the part of the token file check that needs only
// its metadata; "" when fine.
func checkTokenFileInfo(path string, fi fs.FileInfo) string {
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Sprintf("%s is not a regular file", path)
	case fi.Mode().Perm()&0o004 != 0:
		return fmt.Sprintf("%s is readable by everyone (mode %04o); run chmod o-rwx on it", path, fi.Mode().Perm())
	case fi.Size() == 0:
		return fmt.Sprintf("%s is empty", path)
	case fi.Size() > maxTokenFile:
		return fmt.Sprintf("%s is larger than %d KiB; it should hold the token alone", path, maxTokenFile>>10)
	}
	return ""
}
