package firmware

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
