package wyoming

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// The modes of Config.Mode.
const (
	// ModeLocalFirst: Hark's own commands answer first; what they do not
	// match goes to Home Assistant's pipeline.
	ModeLocalFirst = "local-first"
	// ModeSatellite: every press goes to Home Assistant while it is
	// connected and running the satellite; Hark's commands answer only
	// when it is not.
	ModeSatellite = "satellite"
)

// Defaults applied by Config.WithDefaults.
const (
	DefaultListen = "tcp://0.0.0.0:10700" // wyoming-satellite's port
	DefaultMode   = ModeLocalFirst
	// DefaultTimeout leaves Home Assistant's pipeline room for a cloud
	// speech-to-text and an LLM-backed agent.
	DefaultTimeout = 15 * time.Second
)

const (
	minTimeout = 100 * time.Millisecond
	maxTimeout = 2 * time.Minute
	maxName    = 100
)

// Config is the wyoming: section of Hark's configuration; the section's
// absence leaves the satellite off.
type Config struct {
	// Listen is where Home Assistant connects, tcp://HOST:PORT. Default
	// tcp://0.0.0.0:10700.
	Listen string `yaml:"listen"`
	// Name is how the satellite is shown in Home Assistant. Default "Hark"
	// and the host name.
	Name string `yaml:"name"`
	// Area is the satellite's area (room), suggested to Home Assistant.
	Area string `yaml:"area"`
	// Mode is local-first (default) or satellite; see ModeLocalFirst.
	Mode string `yaml:"mode"`
	// Allow lists the addresses (10.0.0.5) and networks (10.0.0.0/24)
	// allowed to connect; others are refused and logged. Empty: anyone.
	// Wyoming has no authentication, so this is the only gate.
	Allow []string `yaml:"allow"`
	// Timeout is how long a turn waits for Home Assistant's answer after
	// the end of the utterance. Default 15s.
	Timeout time.Duration `yaml:"timeout"`
	// Version is Hark's version, told to Home Assistant in info; set by
	// the firmware, not the file.
	Version string `yaml:"-"`
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Name == "" {
		c.Name = "Hark"
		if h, err := os.Hostname(); err == nil && h != "" {
			c.Name = "Hark " + strings.SplitN(h, ".", 2)[0]
		}
	}
	if c.Mode == "" {
		c.Mode = DefaultMode
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Problem is one invalid field of a Config. Key is relative to the
// section ("listen", "allow[1]"), for the caller to place it
// ("wyoming.listen").
type Problem struct {
	Key string
	Msg string
}

func (p Problem) Error() string { return p.Key + ": " + p.Msg }

// Validate reports every problem of c (with defaults applied), in field
// order; nil when c is usable.
func (c Config) Validate() []Problem {
	c = c.WithDefaults()
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if _, err := listenAddr(c.Listen); err != nil {
		add("listen", "%v", err)
	}
	if len(c.Name) > maxName {
		add("name", "is longer than %d characters", maxName)
	}
	if len(c.Area) > maxName {
		add("area", "is longer than %d characters", maxName)
	}
	if c.Mode != ModeLocalFirst && c.Mode != ModeSatellite {
		add("mode", "%q is not one of %s, %s", c.Mode, ModeSatellite, ModeLocalFirst)
	}
	for i, a := range c.Allow {
		if _, err := parseAllow(a); err != nil {
			add(fmt.Sprintf("allow[%d]", i), "%v", err)
		}
	}
	if c.Timeout < minTimeout || c.Timeout > maxTimeout {
		add("timeout", "%s is out of range [%s, %s]", c.Timeout, minTimeout, maxTimeout)
	}
	return ps
}

// listenAddr turns tcp://HOST:PORT into HOST:PORT for net.Listen. Port 0
// (any free port) is accepted for tests.
func listenAddr(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "tcp" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not tcp://HOST:PORT, e.g. %s", raw, DefaultListen)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must be tcp://HOST:PORT alone", raw)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", fmt.Errorf("%q names no port: write tcp://HOST:PORT, e.g. %s", raw, DefaultListen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%q: port %q is not a number in [0, 65535]", raw, port)
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil && !validHostname(host) {
			return "", fmt.Errorf("%q: %q is not an address or host name", raw, host)
		}
	}
	return net.JoinHostPort(host, port), nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// parseAllow reads an allow entry: an address is a network of one.
func parseAllow(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a network such as 192.168.1.0/24", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address such as 192.168.1.10 or a network such as 192.168.1.0/24", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
