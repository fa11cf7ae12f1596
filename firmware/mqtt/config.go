package mqtt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hark-assistant/hark/firmware/internal/regfile"
)

// Defaults used by [Config.ApplyDefaults] for zero fields.
const (
	DefaultKeepAlive       = 30 * time.Second
	DefaultDiscoveryPrefix = "homeassistant"
	DefaultQueueSize       = 1000
)

// Bounds of the files Config names: a CA bundle holds a few certificates
// (the system's own, some 150 of them, is 220 KiB), a password file one line.
const (
	maxCAFile       = 1 << 20
	maxPasswordFile = 4 << 10
)

// Config is the mqtt: section of Hark's configuration. The zero value of every
// field but Broker (and Username with PasswordFile) has a default; call
// [Config.ApplyDefaults] and then [Config.Check].
type Config struct {
	// Broker is mqtt://host[:1883] or mqtts://host[:8883].
	Broker string `yaml:"broker"`
	// CAFile is a PEM bundle (a regular file of at most 1 MiB) that
	// verifies an mqtts broker; empty: the system's roots.
	CAFile string `yaml:"ca_file"`
	// Username and PasswordFile authenticate with the broker. The file's
	// first line is the password; the file must be a regular file of at
	// most 4 KiB, not world-readable, and the password is never logged.
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
	// DeviceID names this Hark among others on the broker (letters, digits,
	// '_' and '-'); default: the host name, so made.
	DeviceID string `yaml:"device_id"`
	// ClientID is the MQTT client identifier; default: hark-<device_id>.
	ClientID string `yaml:"client_id"`
	// TopicPrefix starts every topic of this device; default: hark/<device_id>.
	TopicPrefix string `yaml:"topic_prefix"`
	// QoS of the events: 0 (the default, MQTT's own: dropped while the
	// broker is down) or 1 (queued up to QueueSize and delivered at least
	// once).
	QoS int `yaml:"qos"`
	// KeepAlive is the MQTT keep-alive interval; default DefaultKeepAlive.
	KeepAlive time.Duration `yaml:"keep_alive"`
	// DiscoveryPrefix is Home Assistant's discovery prefix; default
	// DefaultDiscoveryPrefix.
	DiscoveryPrefix string `yaml:"discovery_prefix"`
	// QueueSize bounds the events waiting to be sent; beyond it they are
	// dropped and counted. Default DefaultQueueSize.
	QueueSize int `yaml:"queue_size"`

	// Commands are the names of the declared commands. With those of
	// Hark's own commands (assistant.CommandNames) they are the event
	// types of the Home Assistant event entity. Set by the program, not
	// the file.
	Commands []string `yaml:"-"`
	// Version is Hark's version, the device's sw_version in Home Assistant.
	Version string `yaml:"-"`
}

// Problem is one thing wrong with a Config. Key is relative to the mqtt:
// section, e.g. "broker" or "password_file".
type Problem struct {
	Key string
	Msg string
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

// ApplyDefaults fills the zero fields that have defaults.
func (c *Config) ApplyDefaults() {
	if c.DeviceID == "" {
		c.DeviceID = hostDeviceID()
	}
	if c.ClientID == "" {
		c.ClientID = "hark-" + c.DeviceID
	}
	if c.TopicPrefix == "" {
		c.TopicPrefix = "hark/" + c.DeviceID
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.DiscoveryPrefix == "" {
		c.DiscoveryPrefix = DefaultDiscoveryPrefix
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
}

// hostDeviceID makes a device id of the host name: lower case, anything but
// letters, digits, '_' and '-' replaced by '_'.
func hostDeviceID() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "hark"
	}
	h, _, _ = strings.Cut(h, ".")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '_'
	}, h)
}

// Check reports what is wrong with c, defaults applied or not. It reads
// the CA and password files (without keeping their contents) to check them.
func (c *Config) Check() []Problem {
	var ps []Problem
	fail := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	u, err := parseBroker(c.Broker)
	if err != nil {
		fail("broker", "%v", err)
	}
	if c.CAFile != "" {
		if u != nil && u.Scheme != "mqtts" {
			fail("ca_file", "only used with an mqtts:// broker")
		}
		if _, err := loadCA(c.CAFile); err != nil {
			fail("ca_file", "%v", err)
		}
	}
	switch {
	case c.PasswordFile != "" && c.Username == "":
		fail("password_file", "needs a username")
	case c.PasswordFile != "":
		if _, err := readPassword(c.PasswordFile); err != nil {
			fail("password_file", "%v", err)
		}
	}
	if c.DeviceID != "" && !validID(c.DeviceID) {
		fail("device_id", "%q: use letters, digits, '_' and '-' only (at most 64)", c.DeviceID)
	}
	if len(c.ClientID) > 256 {
		fail("client_id", "longer than 256 bytes")
	}
	if c.TopicPrefix != "" {
		if err := checkPrefix(c.TopicPrefix); err != nil {
			fail("topic_prefix", "%v", err)
		}
	}
	if c.DiscoveryPrefix != "" {
		if err := checkPrefix(c.DiscoveryPrefix); err != nil {
			fail("discovery_prefix", "%v", err)
		}
	}
	if c.QoS != 0 && c.QoS != 1 {
		fail("qos", "%d: want 0 or 1", c.QoS)
	}
	if c.KeepAlive != 0 && (c.KeepAlive < 5*time.Second || c.KeepAlive > time.Hour) {
		fail("keep_alive", "%s is out of range [5s, 1h0m0s]", c.KeepAlive)
	}
	if c.QueueSize < 0 || c.QueueSize > 100000 {
		fail("queue_size", "%d is out of range [1, 100000]", c.QueueSize)
	}
	return ps
}

func validID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

func parseBroker(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("missing: want mqtt://host:1883 or mqtts://host:8883")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, errors.New("not a URL: want mqtt://host:1883 or mqtts://host:8883") // s may hold a password
	case u.User != nil:
		// Credentials in the URL would end up in logs and config dumps.
		return nil, errors.New("no credentials in the URL: use username and password_file")
	case u.Scheme != "mqtt" && u.Scheme != "mqtts":
		return nil, fmt.Errorf("%q: want mqtt://host:1883 or mqtts://host:8883", s)
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("%q: want scheme://host[:port] and nothing more", s)
	}
	if u.Port() == "" {
		port := "1883"
		if u.Scheme == "mqtts" {
			port = "8883"
		}
		u.Host = net.JoinHostPort(u.Hostname(), port)
	}
	u.Path = ""
	return u, nil
}

// checkPrefix accepts a topic prefix: no wildcards, no empty levels at its
// ends, as MQTT subscribers and Home Assistant expect.
func checkPrefix(p string) error {
	switch {
	case strings.ContainsAny(p, "+#\x00"):
		return fmt.Errorf("%q: no wildcards (+, #) in a topic", p)
	case strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/"):
		return fmt.Errorf("%q: no leading or trailing '/'", p)
	case strings.HasPrefix(p, "$"):
		return fmt.Errorf("%q: topics starting with $ belong to the broker", p)
	}
	return nil
}

// readPassword returns the first line of the password file, refusing a file
// others can read: the password would not be a secret.
func readPassword(path string) (string, error) {
	f, st, err := regfile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st.Mode().Perm()&0o004 != 0 {
		return "", fmt.Errorf("%s is world-readable: chmod o-r %s", path, path)
	}
	data, err := regfile.ReadAll(f, maxPasswordFile)
	if err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", fmt.Errorf("%s is empty", path)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%s: the first line (the password) is empty", path)
	}
	return line, nil
}

func loadCA(path string) (*x509.CertPool, error) {
	f, _, err := regfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pem, err := regfile.ReadAll(f, maxCAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

func tlsConfig(u *url.URL, caFile string) (*tls.Config, error) {
	if u.Scheme != "mqtts" {
		return nil, nil
	}
	cfg := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := loadCA(caFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
