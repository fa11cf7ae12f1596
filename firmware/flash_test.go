package firmware

import (
	"bytes"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/firmware/wyoming"
	"gopkg.in/yaml.v3"
)

// flashTree copies scripts/flash into a fresh repository-shaped directory
// holding the files it ships, so a dry run sees exactly what the test set up.
func flashTree(t *testing.T, arch string, stub bool) string {
	t.Helper()
	root := t.TempDir()
	script, err := os.ReadFile("../scripts/flash")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"scripts/flash":          script,
		"bin/hark-linux-" + arch: []byte("ELF"),
		"third_party/vosk/linux-" + arch + "/libvosk.so": []byte("ELF"),
		"firmware/hark.yaml":                             []byte("log_level: info\n"),
		"firmware/hark.service":                          []byte("[Unit]\n"),
	}
	if stub {
		files["third_party/vosk/linux-"+arch+"/STUB"] = nil
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func runFlash(t *testing.T, root string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "scripts/flash"), args...)
	cmd.Env = append(os.Environ(), "DRY_RUN=1", "PATH=/usr/bin:/bin") // no real ssh needed, none may run
	return runScript(t, cmd)
}

// runScript runs cmd and returns its output and exit status; only a
// failure to run it at all fails t.
func runScript(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestFlashDryRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to test scripts/flash")
	}
	root := flashTree(t, "armv7", false)
	stdout, stderr, code := runFlash(t, root, "pi@raspberrypi", "armv7")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "WARNING") {
		t.Errorf("warned without a stub:\n%s", stderr)
	}
	// Each step, in order.
	steps := []string{
		"+ ssh pi@raspberrypi",
		"+ scp " + root + "/bin/hark-linux-armv7 pi@raspberrypi:/tmp/hark-flash/hark",
		"+ scp " + root + "/third_party/vosk/linux-armv7/libvosk.so pi@raspberrypi:/tmp/hark-flash/libvosk.so",
		"+ scp " + root + "/firmware/hark.yaml pi@raspberrypi:/tmp/hark-flash/hark.yaml",
		"+ scp " + root + "/firmware/hark.service pi@raspberrypi:/tmp/hark-flash/hark.service",
		"+ scp " + root + "/scripts/fetch-model pi@raspberrypi:/tmp/hark-flash/fetch-model",
		"+ scp " + root + "/scripts/avahi-service pi@raspberrypi:/tmp/hark-flash/avahi-service",
		"install -m 0755 /tmp/hark-flash/hark /opt/hark/hark",
		"/opt/hark/lib/libvosk.so",
		// An edited config is kept; the new example goes beside it.
		"if [ ! -e /etc/hark/hark.yaml ]",
		"/etc/hark/hark.yaml.new",
		"/etc/systemd/system/hark.service",
		"systemctl daemon-reload",
		// The model is fetched, checksum-checked, by the same script as `make model`.
		"sudo bash /tmp/hark-flash/fetch-model /usr/share/hark/models/vosk-model-small-en-us-0.15",
		"hark config check /etc/hark/hark.yaml",
		// Home Assistant's discovery follows the config in effect, once checked.
		"sudo sh /tmp/hark-flash/avahi-service install /etc/hark/hark.yaml",
		"sudo systemctl enable hark && sudo systemctl restart hark",
		"systemctl status",
	}
	rest := stdout
	for _, s := range steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("step %q missing or out of order in dry run:\n%s", s, stdout)
		}
		rest = rest[i+len(s):]
	}
	// Nothing else is a command: every non-step line is a progress note.
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.HasPrefix(line, "+ ") && !strings.HasPrefix(line, "+ ssh ") && !strings.HasPrefix(line, "+ scp ") {
			t.Errorf("unexpected step %q", line)
		}
	}
}

func TestFlashStubWarning(t *testing.T) {
	root := flashTree(t, "arm64", true)
	_, stderr, code := runFlash(t, root, "pi@host")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "LINK-ONLY STUB") || !strings.Contains(stderr, "scripts/fetch-libvosk arm64") {
		t.Errorf("no loud stub warning:\n%s", stderr)
	}
}

func TestFlashRefuses(t *testing.T) {
	tests := []struct {
		name, arch string
		args       []string
		wantErr    string
	}{
		{"no host", "arm64", nil, "usage: flash"},
		{"bad arch", "arm64", []string{"pi@host", "x86"}, "unknown arch 'x86'"},
		{"binary not built", "arm64", []string{"pi@host", "armv7"}, "hark-linux-armv7 is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := flashTree(t, tt.arch, false)
			stdout, stderr, code := runFlash(t, root, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want failure with %q", code, stderr, tt.wantErr)
			}
			if strings.Contains(stdout, "+ ") {
				t.Errorf("ran steps before refusing:\n%s", stdout)
			}
		})
	}
}

// avahiService runs scripts/avahi-service MODE on a config holding yaml,
// with the service file at svc and PATH limited to dirs (and /usr/bin:/bin).
func avahiService(t *testing.T, mode, yaml, svc string, dirs ...string) (stdout, stderr string, code int) {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "hark.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "../scripts/avahi-service", mode, cfg)
	cmd.Env = append(os.Environ(), "AVAHI_SERVICE_FILE="+svc, "PATH="+strings.Join(append(dirs, "/usr/bin:/bin"), ":"))
	return runScript(t, cmd)
}

// TestAvahiService: the service file announces _wyoming._tcp on
// wyoming.listen's port, for every way a valid config may write the
// section; none without one; a listen address other hosts cannot reach is
// not announced; a form the reader does not follow is an error, not a guess.
func TestAvahiService(t *testing.T) {
	const top = "log_level: info\nbutton:\n  pin: GPIO17\n"
	const after = "commands:\n- name: x\n  listen: tcp://0.0.0.0:9\n"
	tests := []struct {
		name, yaml string
		port       string // "" none announced
		code       int
		stderr     string
	}{
		{"no section", top + after, "", 0, ""},
		{"defaults", top + "wyoming:\n  mode: satellite\n" + after, "10700", 0, ""},
		{"listen", top + "wyoming:\n  name: Kitchen\n  listen: tcp://0.0.0.0:10800\n  mode: satellite\n" + after, "10800", 0, ""},
		{"listen first, other keys deeper", "wyoming:\n    listen: tcp://[::]:10801 # all of them\n    allow:\n      - 192.168.1.0/24\n    area: Lab\n", "10801", 0, ""},
		{"double quotes, CRLF", "wyoming:\r\n  listen: \"tcp://:10802\"\r\n", "10802", 0, ""},
		{"single quotes, trailing slash", "wyoming:\n  listen: 'tcp://hark.local:10803/'\n", "10803", 0, ""},
		{"comments and blank lines", "# wyoming:\n#  listen: tcp://0.0.0.0:1\nwyoming: # on\n\n  # listen: tcp://0.0.0.0:2\n  listen: tcp://0.0.0.0:10804\n", "10804", 0, ""},
		{"a deeper listen is not the section's", "wyoming:\n  mode: satellite\n  x:\n    listen: tcp://0.0.0.0:1\n", "10700", 0, ""},
		{"flow mapping", "wyoming: {mode: satellite, listen: \"tcp://0.0.0.0:10805\"}\n", "10805", 0, ""},
		{"empty flow mapping", "wyoming: {}\n", "10700", 0, ""},
		{"null", "wyoming:\nled:\n  pin: GPIO25\n", "", 0, ""},
		{"explicit null", "wyoming: null\n", "", 0, ""},
		{"another key's listen", "mqtt:\n  listen: tcp://0.0.0.0:1\n", "", 0, ""},
		{"loopback", "wyoming:\n  listen: tcp://127.0.0.1:10700\n", "", 0, "reachable from this machine only"},
		{"no port", "wyoming:\n  listen: tcp://0.0.0.0\n", "", 1, "no port number"},
		{"port 0", "wyoming:\n  listen: tcp://0.0.0.0:0\n", "", 1, "out of range"},
		{"block scalar", "wyoming:\n  listen: >\n    tcp://0.0.0.0:1\n", "", 1, "form this reader does not follow"},
		{"not a mapping", "wyoming: [a]\n", "", 1, "not a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := avahiService(t, "print", tt.yaml, filepath.Join(t.TempDir(), "hark.service"))
			// The reader agrees with Hark's own config: YAML v3 into
			// wyoming.Config, a nil section none, defaults applied.
			if want, ok := yamlPort(tt.yaml); ok && tt.stderr == "" && want != tt.port {
				t.Fatalf("the table says port %q; Hark's config reads %q", tt.port, want)
			}
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || (tt.stderr == "" && stderr != "") {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
			if tt.port == "" {
				if out != "" {
					t.Errorf("announced, want nothing:\n%s", out)
				}
				return
			}
			for _, want := range []string{
				`<name replace-wildcards="yes">Hark on %h</name>`,
				"<type>_wyoming._tcp</type>",
				"<port>" + tt.port + "</port>",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("no %s in\n%s", want, out)
				}
			}
			if !strings.HasPrefix(out, "<?xml") || !strings.HasSuffix(out, "</service-group>\n") {
				t.Errorf("not a whole service file:\n%s", out)
			}
		})
	}
}

// TestAvahiServiceInstall: install writes the file, leaves a current one
// alone, replaces a changed one and removes it when the section goes; a
// machine without avahi-daemon gets the file and the note to install it,
// and install never fails the flash on a config it cannot read.
func TestAvahiServiceInstall(t *testing.T) {
	svc := filepath.Join(t.TempDir(), "services", "hark.service")
	// A bin with avahi-daemon, as on Raspberry Pi OS.
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "avahi-daemon"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	const on = "wyoming:\n  listen: tcp://0.0.0.0:10700\n"
	steps := []struct {
		name, yaml string
		dirs       []string
		want       string // in stdout
		port       string // the file's port; "" absent
	}{
		{"first", on, []string{bin}, "discovery: installed " + svc + " (_wyoming._tcp port 10700)", "10700"},
		{"again", on, []string{bin}, "discovery: " + svc + " is current", "10700"},
		{"new port", "wyoming:\n  listen: tcp://0.0.0.0:10999\n", []string{bin}, "installed", "10999"},
		{"no avahi-daemon", on, nil, "install avahi-daemon for Home Assistant to discover Hark", "10700"},
		{"section gone", "log_level: info\n", []string{bin}, "discovery: removed " + svc, ""},
		{"still gone", "log_level: info\n", []string{bin}, "no wyoming: section, nothing announced", ""},
		{"loopback only", "wyoming:\n  listen: tcp://127.0.0.1:10700\n", []string{bin}, "nothing announced", ""},
	}
	for _, s := range steps {
		out, stderr, code := avahiService(t, "install", s.yaml, svc, s.dirs...)
		if code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q; want 0 and %q", s.name, code, out, stderr, s.want)
		}
		b, err := os.ReadFile(svc)
		switch {
		case s.port == "" && !errors.Is(err, os.ErrNotExist):
			t.Fatalf("%s: %s is there (%v), want it removed", s.name, svc, err)
		case s.port != "" && err != nil:
			t.Fatalf("%s: %v", s.name, err)
		case s.port != "" && !regexp.MustCompile(`<port>`+s.port+`</port>`).Match(b):
			t.Fatalf("%s: want port %s in\n%s", s.name, s.port, b)
		}
	}
	// A config it cannot follow: a warning, exit 0, nothing written.
	out, stderr, code := avahiService(t, "install", "wyoming:\n  listen: tcp://0.0.0.0\n", svc, bin)
	if code != 0 || !strings.Contains(stderr, "WARNING: not announced") {
		t.Errorf("unreadable listen: exit %d, stdout %q, stderr %q; want 0 and a warning", code, out, stderr)
	}
	if _, err := os.Stat(svc); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unreadable listen wrote %s", svc)
	}
}

// yamlPort is the port Hark's config gives wyoming.listen in y ("" no
// section), read as firmware/config does (yaml.v3, *wyoming.Config);
// ok is false for YAML or a listen address Hark would refuse.
func yamlPort(y string) (port string, ok bool) {
	var c struct {
		Wyoming *wyoming.Config `yaml:"wyoming"`
	}
	if yaml.Unmarshal([]byte(y), &c) != nil {
		return "", false
	}
	if c.Wyoming == nil {
		return "", true
	}
	w := c.Wyoming.WithDefaults()
	for _, p := range w.Validate() {
		if p.Key == "listen" {
			return "", false
		}
	}
	u, err := url.Parse(w.Listen)
	if err != nil {
		return "", false
	}
	_, port, err = net.SplitHostPort(u.Host)
	return port, err == nil
}
