//go:build systemtest

package rig

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The rig: paths and the guest's ssh options, set by TestMain.
var (
	repo   string // repository root
	rigDir string // scripts/rig
	sshCfg string // build/rig/run/ssh_config (run-arm64/ for arm64)
	// flashRan: scenario 1 ran; flashed: its make flash installed Hark.
	flashRan, flashed bool
	// arch is the guest's (RIG_ARCH): amd64 runs every scenario; arm64, the
	// Pi's architecture, is scenario 9: scenarios 1, 2, 4 and 11 with the
	// cross-built hark-linux-arm64 and PocketSphinx (no real arm64 libvosk
	// here, only the link-only stub).
	arch = "amd64"
	// guestEngine is what the scenarios' configs use unless they test one.
	guestEngine = "vosk"
	// slow scales the waits that cover Hark's own work: under TCG the arm64
	// guest runs Hark several times slower than the amd64 one (measured
	// figures at slowFactor).
	slow = 1.0
)

// slowFactor: measured on the arm64 guest (2 vCPUs of TCG on a 2-core host
// that other jobs shared): READY 11-13 s after start; "what time is it"
// decoded in 1.1 s, its answer over 7.5 s after the press (3 s of it the
// press itself), i.e. within 8 s of a 10 s recording window. Doubling the
// waits gives that window, the READY waits and the watchdog's LED window
// over 2x margin.
const slowFactor = 2

func scaled(d time.Duration) time.Duration { return time.Duration(float64(d) * slow) }

// Scenario results, printed one line each at the end.
var (
	resultsMu sync.Mutex
	results   []string
)

func report(t *testing.T, start time.Time, detail string) {
	status := "PASS"
	if t.Failed() {
		status = "FAIL"
		if detail == "" {
			detail = "(failed before any figure: see the test's log)"
		}
	} else if t.Skipped() {
		status = "SKIP"
	}
	line := fmt.Sprintf("%-4s %-34s %6.1fs  %s", status, t.Name(), time.Since(start).Seconds(), detail)
	resultsMu.Lock()
	results = append(results, line)
	resultsMu.Unlock()
}

func TestMain(m *testing.M) {
	wd, _ := os.Getwd()
	rigDir = wd
	repo = filepath.Clean(filepath.Join(wd, "../.."))
	if a := os.Getenv("RIG_ARCH"); a != "" {
		arch = a
	}
	runDir := "build/rig/run"
	switch arch {
	case "amd64":
	case "arm64":
		runDir, guestEngine, slow = "build/rig/run-arm64", "pocketsphinx", slowFactor
	default:
		fmt.Fprintf(os.Stderr, "rig: RIG_ARCH=%s: want amd64 or arm64\n", arch)
		os.Exit(2)
	}
	os.Setenv("RIG_ARCH", arch) // for scripts/rig/vm
	sshCfg = filepath.Join(repo, runDir, "ssh_config")

	reuse := os.Getenv("RIG_REUSE") == "1" && run(rigDir+"/vm", "ssh", "true") == nil
	if !reuse {
		start := time.Now()
		out, err := exec.Command(rigDir+"/image", arch).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "rig: image: %v\n", err)
			os.Exit(1)
		}
		img := strings.TrimSpace(string(out))
		fmt.Printf("rig: image %s (%.1f s; built in %s s)\n", img, time.Since(start).Seconds(), readFile(img+"/build-seconds"))
		boot, err := exec.Command(rigDir+"/vm", "boot", img).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "rig: boot: %v\n", err)
			_ = run(rigDir+"/vm", "stop")
			os.Exit(1)
		}
		fmt.Printf("rig: %s guest booted, ssh after %s s\n", arch, strings.TrimSpace(string(boot)))
	}
	code := m.Run()
	fmt.Printf("rig: scenarios (%s guest)\n", arch)
	for _, r := range results {
		fmt.Println("rig:   " + r)
	}
	if !reuse && os.Getenv("RIG_KEEP") != "1" {
		_ = run(rigDir+"/vm", "stop")
	}
	os.Exit(code)
}

func run(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return exec.CommandContext(ctx, name, args...).Run()
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return strings.TrimSpace(string(b))
}

// guest runs a shell script in the guest as root, with a deadline.
func guest(timeout time.Duration, script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", "-F", sshCfg, "rig", script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	return out.String(), err
}

func mustGuest(t *testing.T, timeout time.Duration, script string) string {
	t.Helper()
	out, err := guest(timeout, script)
	if err != nil {
		t.Fatalf("guest %q: %v\n%s", script, err, out)
	}
	return out
}

func toGuest(t *testing.T, local, remote string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "scp", "-F", sshCfg, "-q", local, "rig:"+remote).CombinedOutput(); err != nil {
		t.Fatalf("scp %s: %v\n%s", local, err, out)
	}
}

func fromGuest(t *testing.T, remote, local string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "scp", "-F", sshCfg, "-q", "rig:"+remote, local).CombinedOutput(); err != nil {
		t.Fatalf("scp %s: %v\n%s", remote, err, out)
	}
}

// unit is `systemctl show` of hark.service.
type unit map[string]string

func show(t *testing.T) unit {
	t.Helper()
	out := mustGuest(t, 30*time.Second, "systemctl show hark -p ActiveState,SubState,NRestarts,StatusText,ExecMainStatus,ExecMainPID,MainPID,Result")
	u := unit{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok {
			u[k] = v
		}
	}
	return u
}

func (u unit) String() string {
	return fmt.Sprintf("ActiveState=%s SubState=%s Result=%s ExecMainStatus=%s NRestarts=%s StatusText=%q",
		u["ActiveState"], u["SubState"], u["Result"], u["ExecMainStatus"], u["NRestarts"], u["StatusText"])
}

func (u unit) ready() bool { return u["ActiveState"] == "active" && u["SubState"] == "running" }

// waitFor polls cond every interval until it holds or the deadline passes.
func waitFor(timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}

// guestNow is the guest's clock, for journalctl --since.
func guestNow(t *testing.T) string {
	t.Helper()
	return "@" + strings.TrimSpace(mustGuest(t, 20*time.Second, "date +%s.%N"))
}

func journal(t *testing.T, since string) string {
	t.Helper()
	if since == "boot" {
		return mustGuest(t, 30*time.Second, "journalctl --no-pager -o cat -u hark -b")
	}
	return mustGuest(t, 30*time.Second, "journalctl --no-pager -o cat -u hark --since "+since)
}

// waitReady waits for READY=1 (a Type=notify unit is active/running only
// after it) and for Hark's "hark running" line.
func waitReady(t *testing.T, since string, timeout time.Duration) unit {
	t.Helper()
	timeout = scaled(timeout)
	var u unit
	if !waitFor(timeout, time.Second, func() bool { u = show(t); return u.ready() }) {
		t.Fatalf("not READY within %v: %v\njournal:\n%s", timeout, u, tail(journal(t, since), 40))
	}
	if j := journal(t, since); !strings.Contains(j, "hark running") {
		t.Fatalf("active, but no \"hark running\" in the journal:\n%s", tail(j, 40))
	}
	return u
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Configs the rig installs. The tone model (make test-model) decodes five
// tones to the words zero, one, two, on, off.
//
// audio.device_buffer is 200 ms, not the backend's 30 ms: the guests (TCG on
// a shared 2-core host) are the busy system a deeper capture buffer is for,
// and the rig is where Hark must show that push-to-talk, which decodes what
// was captured up to the release edge however late the device delivers it,
// keeps the last word with such a buffer (before that fix a 200 ms buffer
// cut it: the tones "two two" were heard as "two" in the amd64 guest).
// The microphone is named as the README tells users to: through ALSA's
// default device (dsnoop) miniaudio delivered garbled audio with a 200 ms
// buffer (the gap between two tones filled with tone, ~7 % of the samples
// short, nothing logged; arecord through the same device was clean), and
// the tones "two two" were heard as one "two" 8 times in 8.
const (
	testModel = "/usr/share/hark/models/testmodel"
	baseYAML  = `button:
  pin: %s
  active_low: true
  pull: up
  long_press: 10s
led:
  backend: gpio
  pin: GPIO25
audio:
  backend: alsa
  device: plughw:CARD=Loopback,DEV=0
  device_buffer: 200ms
recognizer:
  engine: %s
  model: %s
speech:
  voice: en-us
log_level: info
%scommands:
  - name: tones
    pattern: "one off"
    run: ["/bin/true"]
    say: "Tones one and off."
`
)

func configYAML(engine, pin, extra string) string {
	model := testModel
	if engine == "pocketsphinx" {
		model = "/usr/share/pocketsphinx/model/en-us"
	}
	return fmt.Sprintf(baseYAML, pin, engine, model, extra)
}

// installConfig writes /etc/hark/hark.yaml in the guest.
func installConfig(t *testing.T, yaml string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hark.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	toGuest(t, p, "/etc/hark/hark.yaml")
}

// restartReady restarts Hark with the installed config and waits for READY.
func restartReady(t *testing.T) {
	t.Helper()
	since := guestNow(t)
	mustGuest(t, 90*time.Second, "systemctl reset-failed hark; systemctl restart hark")
	waitReady(t, since, 90*time.Second)
}

// needFlash fails a scenario that has no Hark to test: scenario 1's flash
// failed, or (scenario 1 left out by -run, on a guest reused with
// RIG_REUSE=1) the guest has no Hark installed.
func needFlash(t *testing.T) {
	t.Helper()
	if flashRan {
		if !flashed {
			t.Fatal("scenario 1's make flash failed: no Hark in the guest to test")
		}
		return
	}
	out, err := guest(30*time.Second, "test -x /opt/hark/hark && systemctl cat hark >/dev/null && echo installed")
	if err != nil || strings.TrimSpace(out) != "installed" {
		t.Fatalf("scenario 1 (fresh flash) did not run and the guest has no Hark installed: %v %s", err, strings.TrimSpace(out))
	}
}

func flash(t *testing.T, config string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	model, ps := filepath.Join(repo, "build/testmodel"), "PS="
	if arch == "arm64" {
		// PocketSphinx cross-linked from Debian's arm64 packages; no Vosk
		// model, since the stub libvosk could not load one.
		model, ps = "none", "PS=1"
	}
	cmd := exec.CommandContext(ctx, "make", "-s", "-C", repo, "flash",
		"PI=root@127.0.0.1", "ARCH="+arch, ps, "SSH_OPTS=-F "+sshCfg,
		"CONFIG="+config, "MODEL="+model, "OFFLINE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make flash: %v\n%s", err, tail(string(out), 60))
	}
	return string(out)
}

func TestScenarios(t *testing.T) {
	if arch == "arm64" {
		t.Run("9_arm64", func(t *testing.T) {
			t.Run("1_fresh_flash", scenarioFreshFlash)
			t.Run("2_press_and_speak_pocketsphinx", func(t *testing.T) { scenarioPressAndSpeak(t, "pocketsphinx") })
			t.Run("4_watchdog", scenarioWatchdog)
			t.Run("11_wyoming_satellite", scenarioWyoming)
		})
		return
	}
	t.Run("1_fresh_flash", scenarioFreshFlash)
	t.Run("5_bad_config", scenarioBadConfig)
	t.Run("7_reboot", scenarioReboot)
	t.Run("2_press_and_speak_pocketsphinx", func(t *testing.T) { scenarioPressAndSpeak(t, "pocketsphinx") })
	t.Run("2_press_and_speak_vosk_tones", func(t *testing.T) { scenarioPressAndSpeak(t, "vosk") })
	t.Run("4_watchdog", scenarioWatchdog)
	t.Run("6_mic_unplugged", scenarioMicUnplugged)
	t.Run("8_pins", scenarioPins)
	t.Run("3_latency", scenarioLatency)
	t.Run("10_loopback_card_tests", scenarioLoopbackTests)
	t.Run("11_wyoming_satellite", scenarioWyoming)
}

// 10. The audio package's tests that need a real sound card (build tag
// aloop: capture by the ALSA name from `arecord -L`, gain) run in the
// guest against its snd-aloop card, with Hark stopped so the card is free.
func scenarioLoopbackTests(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	bin := filepath.Join(t.TempDir(), "audio-aloop.test")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "test", "-c", "-tags", "aloop", "-o", bin, "./pipeline/audio/")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the aloop tests: %v\n%s", err, out)
	}
	toGuest(t, bin, "/root/audio-aloop.test")
	defer restartReady(t)
	out, err := guest(3*time.Minute, "systemctl stop hark && cd /root && ./audio-aloop.test -test.v -test.count=1 -test.timeout=2m")
	passed := strings.Count(out, "--- PASS")
	detail = fmt.Sprintf("%d tests and subtests passed in the guest, TestALSALoopbackCapture among them", passed)
	if err != nil || !strings.Contains(out, "--- PASS: TestALSALoopbackCapture") || strings.Contains(out, "--- FAIL") {
		t.Fatalf("aloop tests in the guest: %v\n%s", err, tail(out, 40))
	}
}

// 1. Fresh flash: the image has no Hark and none of its runtime packages;
// make flash (offline: the guest has no route out) installs all of it and
// the service reaches READY=1. A second flash installs nothing.
func scenarioFreshFlash(t *testing.T) {
	flashRan = true
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()

	pre := mustGuest(t, 30*time.Second, `for p in espeak-ng alsa-utils libasound2 libpocketsphinx3 pocketsphinx-en-us; do dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $p 2>/dev/null | grep '^ii' || true; done; command -v hark || true; ip route get 1.1.1.1 2>&1 || true`)
	if strings.Contains(pre, "ii ") || strings.Contains(pre, "/hark") {
		t.Fatalf("the image is not fresh:\n%s", pre)
	}
	if !strings.Contains(pre, "unreachable") {
		t.Errorf("the guest has a route out:\n%s", pre)
	}

	cfg := filepath.Join(t.TempDir(), "hark.yaml")
	if err := os.WriteFile(cfg, []byte(configYAML(guestEngine, "GPIO17", "")), 0o644); err != nil {
		t.Fatal(err)
	}
	since := guestNow(t)
	t0 := time.Now()
	out := flash(t, cfg)
	first := time.Since(t0)
	if !strings.Contains(out, "deps: carrying") {
		t.Errorf("first flash carried no packages:\n%s", tail(out, 30))
	}
	flashed = true
	u := waitReady(t, since, 90*time.Second)
	if u["NRestarts"] != "0" {
		t.Errorf("restarted while starting: %v", u)
	}
	for _, p := range []string{"espeak-ng", "alsa-utils", "libpocketsphinx3", "pocketsphinx-en-us"} {
		if o, err := guest(20*time.Second, "dpkg-query -W -f='${db:Status-Abbrev}' "+p); err != nil || !strings.HasPrefix(o, "ii") {
			t.Errorf("flash did not install %s: %q %v", p, o, err)
		}
	}

	// Idempotent: nothing new the second time.
	t0 = time.Now()
	out = flash(t, cfg)
	second := time.Since(t0)
	for _, want := range []string{"deps: espeak-ng alsa-utils", "is current"} {
		if !strings.Contains(out, want) {
			t.Errorf("second flash: no %q:\n%s", want, tail(out, 30))
		}
	}
	if strings.Contains(out, "carrying") || strings.Contains(out, "installed /") {
		t.Errorf("second flash installed something again:\n%s", tail(out, 30))
	}
	waitReady(t, since, 90*time.Second)
	sec := mustGuest(t, 60*time.Second, "systemd-analyze security hark --no-pager 2>&1 | tail -1")
	detail = fmt.Sprintf("flash %.0fs, again %.0fs; %s; security: %s", first.Seconds(), second.Seconds(), show(t), strings.TrimSpace(sec))
	t.Log(detail)
}

// 5. Bad config: a typo in /etc/hark/hark.yaml fails the service with the
// config-error status 78, names file:line: key, and is not restarted.
func scenarioBadConfig(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	good := configYAML("vosk", "GPIO17", "")
	bad := strings.Replace(good, "  active_low: true\n", "  actve_low: true\n", 1)
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "actve_low") {
			line = i + 1
		}
	}
	installConfig(t, bad)
	since := guestNow(t)
	_, _ = guest(60*time.Second, "systemctl restart hark") // fails, as it should
	var u unit
	stopped := waitFor(30*time.Second, time.Second, func() bool {
		u = show(t)
		return u["ExecMainStatus"] != "0" && u["ExecMainStatus"] != ""
	})
	if !stopped {
		t.Errorf("still %v 30 s after a bad config", u)
	}
	time.Sleep(30 * time.Second) // NRestarts must stay 0 over 30 s
	u = show(t)
	j := journal(t, since)
	detail = u.String()
	if u["ExecMainStatus"] != "78" {
		t.Errorf("exit status %s, want 78 (EX_CONFIG): %v", u["ExecMainStatus"], u)
	}
	if u["NRestarts"] != "0" || u["ActiveState"] != "failed" {
		t.Errorf("restarted on a bad config (want failed, NRestarts=0): %v", u)
	}
	want := fmt.Sprintf("/etc/hark/hark.yaml:%d: button.actve_low", line)
	if !strings.Contains(j, want) {
		t.Errorf("journal does not name %q:\n%s", want, tail(j, 30))
	}
	// Fixed config + restart: READY.
	installConfig(t, good)
	restartReady(t)
}

// 7. Reboot: Hark comes back READY by itself.
func scenarioReboot(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	boot1 := strings.TrimSpace(mustGuest(t, 20*time.Second, "cat /proc/sys/kernel/random/boot_id"))
	_, _ = guest(20*time.Second, "systemctl reboot")
	t0 := time.Now()
	// Down first, then up again.
	waitFor(60*time.Second, time.Second, func() bool {
		id, err := guest(10*time.Second, "cat /proc/sys/kernel/random/boot_id")
		return err != nil || strings.TrimSpace(id) != boot1
	})
	if err := run(rigDir+"/vm", "wait-ssh", "180"); err != nil {
		t.Fatalf("no ssh after reboot: %v", err)
	}
	boot2 := strings.TrimSpace(mustGuest(t, 20*time.Second, "cat /proc/sys/kernel/random/boot_id"))
	if boot2 == boot1 {
		t.Fatal("the guest did not reboot")
	}
	u := waitReady(t, "boot", 120*time.Second)
	detail = fmt.Sprintf("back READY %.0fs after reboot; %v", time.Since(t0).Seconds(), u)
}

// A press: hold GPIO17 low, play a WAV into Hark's microphone through the
// loopback's plug layer, release; record what Hark says from the loopback's
// other side. ledDuring is GPIO25's value sampled while the button is held.
type pressResult struct {
	ledDuring string
	answer    []int16 // 16 kHz mono
	journal   string  // Hark's, from just before the press to the end of its turn
	aplay     string  // what aplay said, e.g. "underrun!!!": the speech reached Hark with a gap
	// down and up are the press's edges on the guest's clock, the
	// journal's; zero if the script did not say.
	down, up time.Time
}

// pressScript: the release comes when aplay returns, i.e. when the WAV has
// been played out, so trailingSilence after the last word: the release
// falls in silence and push-to-talk takes no tail.
const pressScript = `set -e
G=/run/pi-gpio
rm -f /tmp/answer.wav
arecord -q -D plughw:Loopback,1,0 -f S16_LE -r 16000 -c 1 -d %d /tmp/answer.wav & rec=$!
sleep 0.5
down=$EPOCHREALTIME; echo pull-down > $G/sim_gpio17/pull
sleep 0.3
a=$(cat $G/sim_gpio25/value)
aplay -q -D plughw:Loopback,1,0 %s 2>/tmp/aplay.err
b=$(cat $G/sim_gpio25/value)
up=$EPOCHREALTIME; echo pull-up > $G/sim_gpio17/pull
wait $rec
sed 's/^/aplay: /' /tmp/aplay.err
echo "edges=$down $up"
echo "led=$a$b"
`

func press(t *testing.T, wav string, recordSecs int) pressResult {
	t.Helper()
	toGuest(t, wav, "/tmp/say.wav")
	since := guestNow(t)
	out := mustGuest(t, time.Duration(recordSecs+30)*time.Second, fmt.Sprintf(pressScript, recordSecs, "/tmp/say.wav"))
	var r pressResult
	if i := strings.LastIndex(out, "led="); i >= 0 {
		r.ledDuring = strings.TrimSpace(out[i+4:])
	}
	r.aplay = aplaySaid(out)
	r.down, r.up = edges(out)
	local := filepath.Join(t.TempDir(), "answer.wav")
	fromGuest(t, "/tmp/answer.wav", local)
	r.answer = readWAV(t, local)
	r.journal = turnJournal(t, since)
	return r
}

// turnJournal is Hark's journal since a press began, up to the end of its
// turn, which ends with the utterance line (after the answer is spoken);
// waited for until a deadline.
func turnJournal(t *testing.T, since string) string {
	t.Helper()
	var j string
	waitFor(scaled(20*time.Second), time.Second, func() bool {
		j = journal(t, since)
		return strings.Contains(j, "msg=utterance")
	})
	return j
}

// edges reads a press script's "edges=DOWN UP" line (bash $EPOCHREALTIME).
func edges(out string) (down, up time.Time) {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "edges="); ok {
			f := strings.Fields(v)
			if len(f) == 2 {
				return epoch(f[0]), epoch(f[1])
			}
		}
	}
	return time.Time{}, time.Time{}
}

func epoch(s string) time.Time {
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	frac = (frac + "000000000")[:9]
	ns, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(n, ns)
}

// 2. Press and speak, with PocketSphinx (espeak-ng speech) or Vosk (the
// generated tone model). Heard right means the whole transcript is what
// was said, and the command's answer is spoken.
func scenarioPressAndSpeak(t *testing.T, engine string) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	installConfig(t, configYAML(engine, "GPIO17", ""))
	restartReady(t)
	var wav, wantText, wantCmd string
	if engine == "pocketsphinx" {
		wav, wantText, wantCmd = speechWAV(t, "what time is it"), "what time is it", "time"
	} else {
		wav, wantText, wantCmd = toneWAV(t, "one", "off"), "one off", "tones"
	}
	r, presses := pressUntilHeard(wantText, func() pressResult {
		return press(t, wav, int(scaled(10*time.Second).Seconds()))
	})
	on, rms, dur := signal(r.answer)
	heard, _ := transcript(r.journal)
	detail = fmt.Sprintf("%sheard %q; led=%s answer %.2fs rms %.0f; %s; %s",
		presses, heard, r.ledDuring, dur, rms, lossNote(r), firstLine(r.journal, "msg=utterance"))
	t.Log(detail)
	if r.ledDuring != "11" {
		t.Errorf("GPIO25 while listening: %q, want high (11)", r.ledDuring)
	}
	checkHeard(t, r, wantText)
	if cmd := field(firstLine(r.journal, "msg=response"), "command"); cmd != wantCmd {
		t.Errorf("response of command %q, want %q:\n%s", cmd, wantCmd, tail(r.journal, 20))
	}
	if !on || dur < 0.5 || dur > 8 || rms < 200 {
		t.Errorf("answer on the loopback: signal=%v %.2f s rms %.0f; want speech of 0.5-8 s", on, dur, rms)
	}
}

// aplaySaid is what aplay said in a guest script's output, whose lines
// from aplay the script prefixed with "aplay: ".
func aplaySaid(out string) string {
	var said string
	for _, l := range strings.Split(out, "\n") {
		if m, ok := strings.CutPrefix(l, "aplay: "); ok {
			said += m + "; "
		}
	}
	return said
}

// maxPresses bounds the presses of one phrase on the arm64 guest.
const maxPresses = 3

// pressUntilHeard runs press once and returns its result and a note for
// the result line ("" for a single press). A press is never repeated on
// the amd64 guest: what it heard is what the scenario checks. On the arm64
// guest a press Hark did not hear as want is pressed again, at most
// maxPresses times in all, and the note says for each whether Hark's
// journal shows capture audio lost during it (captureLoss) or the audio was
// intact: under TCG that guest falls behind the audio now and then, and
// PocketSphinx decodes intact live speech there wrongly now and then too
// ("what time is it" heard as "what's the date" with nothing lost, in 2 of
// 3 runs), which says nothing of the flashed binary. (Repeating only after
// lost audio is the aim; it waits on that recognition.)
func pressUntilHeard(want string, press func() pressResult) (pressResult, string) {
	var again []string
	for i := 1; ; i++ {
		r := press()
		heard, _ := transcript(r.journal)
		if heard == want || arch != "arm64" || i == maxPresses {
			if len(again) == 0 {
				return r, ""
			}
			return r, fmt.Sprintf("PRESSED %d TIMES (%s); ", i, strings.Join(again, "; "))
		}
		state := "capture audio intact"
		if lost := captureLoss(r); lost != "" {
			state = "capture audio lost: " + lost
		}
		again = append(again, fmt.Sprintf("press %d heard %q with %s", i, heard, state))
	}
}

// checkHeard fails t unless Hark heard want, the whole transcript, on r's
// press; the failure names what was heard, the audio lost on the way and
// the journal around it.
func checkHeard(t *testing.T, r pressResult, want string) {
	t.Helper()
	heard, ok := transcript(r.journal)
	if ok && heard == want {
		return
	}
	if !ok {
		heard = "(no utterance line)"
	} else {
		heard = strconv.Quote(heard)
	}
	t.Errorf("Hark heard %s, want %q (the whole transcript); %s\njournal from the press to the end of the turn:\n%s",
		heard, want, lossNote(r), tail(r.journal, 40))
}

// transcript is what Hark heard in a turn, whole: the text of its
// utterance line; ok is false without one.
func transcript(journal string) (text string, ok bool) {
	for _, l := range strings.Split(journal, "\n") {
		if strings.Contains(l, "msg=utterance ") {
			return field(l, "text"), true
		}
	}
	return "", false
}

// Capture audio lost, as Hark logs it (pipeline/audio): the capture device
// overran (ALSA's EPIPE on read, logged as it is met) and periods dropped
// because Hark's reader fell behind (an Overrun event, logged by the
// device's watcher at its next check, up to its StallTimeout, 500 ms,
// later).
var (
	overranLog = "audio: the capture device overran"
	droppedLog = regexp.MustCompile(`(\d+) periods dropped`)
)

// droppedReportLag is how much later than the drop a "periods dropped"
// line may come: the watcher's 500 ms check, with room for a busy guest.
const droppedReportLag = time.Second

// captureLoss says what capture audio Hark's journal shows lost while r's
// press was being heard, or "" if none: overruns logged from the press
// edge until Hark had decoded (its "heard" line, or the utterance line
// when it heard nothing: an overrun logged after that came after the
// audio it decoded) and dropped periods reported until droppedReportLag
// after it.
func captureLoss(r pressResult) string {
	end := time.Time{}
	for _, l := range strings.Split(r.journal, "\n") {
		if strings.Contains(l, "msg=heard ") || strings.Contains(l, "msg=utterance ") {
			end = logTime(l)
			break
		}
	}
	in := func(at, until time.Time) bool {
		if at.IsZero() || r.down.IsZero() || until.IsZero() {
			return true // not to be placed: counted
		}
		// slog's times are in whole milliseconds.
		return !at.Before(r.down.Add(-time.Millisecond)) && !at.After(until)
	}
	var overruns, dropped int
	for _, l := range strings.Split(r.journal, "\n") {
		at := logTime(l)
		if strings.Contains(l, overranLog) && in(at, end) {
			overruns++
		}
		if m := droppedLog.FindStringSubmatch(l); m != nil {
			until := end
			if !end.IsZero() {
				until = end.Add(droppedReportLag)
			}
			if in(at, until) {
				n, _ := strconv.Atoi(m[1])
				dropped += n
			}
		}
	}
	var lost []string
	if overruns > 0 {
		lost = append(lost, fmt.Sprintf("%d capture device overrun(s)", overruns))
	}
	if dropped > 0 {
		lost = append(lost, fmt.Sprintf("%d capture period(s) dropped", dropped))
	}
	return strings.Join(lost, ", ")
}

// lossNote is what the result line says of the audio of r's press: the
// capture audio Hark lost, and any underrun of aplay (the rig's player),
// which leaves a gap in the speech Hark hears.
func lossNote(r pressResult) string {
	note := "capture audio intact"
	if lost := captureLoss(r); lost != "" {
		note = "capture audio lost during the press: " + lost
	}
	if k := strings.Count(r.aplay, "underrun"); k > 0 {
		note += fmt.Sprintf("; %d aplay underrun(s): the speech was played with a gap", k)
	}
	return note
}

// logTime is the time of one of Hark's log lines (slog's time=…), or zero.
func logTime(line string) time.Time {
	at, err := time.Parse(time.RFC3339Nano, field(line, "time"))
	if err != nil {
		return time.Time{}
	}
	return at
}

// field is the value of key=value (quoted or not) in a log line.
func field(line, key string) string {
	m := regexp.MustCompile(`\b` + key + `=("(?:[^"\\]|\\.)*"|\S+)`).FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	if v, err := strconv.Unquote(m[1]); err == nil {
		return v
	}
	return m[1]
}

func firstLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return "(no " + sub + " line)"
}

// 4. Watchdog under systemd. (a) A loop-blocking debug command, enabled only
// by a config flag, holds the loop 1.5 s: the LED blinks and the journal
// names the command and its stack. (b) The loop blocked for good (the
// process stopped): systemd's watchdog kills Hark, restarts it (NRestarts
// grows) and it comes back READY.
func scenarioWatchdog(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	// (a) The debug command: config debug.block_loop adds a command that
	// holds the main loop (here on the tones "two two", or on espeak-ng
	// saying "block the loop" for PocketSphinx on arm64; 1.5 s). Tested
	// through `hark config check` first.
	blockPhrase, blockWAV := "two two", func() string { return toneWAV(t, "two", "two") }
	if guestEngine == "pocketsphinx" {
		blockPhrase, blockWAV = "block the loop", func() string { return speechWAV(t, "block the loop") }
	}
	dbg := configYAML(guestEngine, "GPIO17", "debug:\n  block_loop: {pattern: \""+blockPhrase+"\", hold: 1500ms}\n")
	p := filepath.Join(t.TempDir(), "debug.yaml")
	if err := os.WriteFile(p, []byte(dbg), 0o644); err != nil {
		t.Fatal(err)
	}
	toGuest(t, p, "/tmp/debug.yaml")
	chk, err := guest(60*time.Second, "hark config check /tmp/debug.yaml")
	partA := "blink: "
	if err != nil {
		t.Errorf("(a) Hark has no loop-blocking debug command behind a config flag: config check of debug.block_command: %v %s", err, strings.TrimSpace(chk))
		partA += "MISSING in Hark"
	} else {
		installConfig(t, dbg)
		toGuest(t, blockWAV(), "/tmp/block.wav")
		restartReady(t)
		// The LED is sampled from the release on, for as long as Hark
		// takes to decode and then block (scaled on the slow guest).
		// Heard right and pressed again only as in scenario 2.
		window := int(scaled(6 * time.Second).Seconds())
		var out string
		r, presses := pressUntilHeard(blockPhrase, func() pressResult {
			since := guestNow(t)
			out = mustGuest(t, scaled(60*time.Second), fmt.Sprintf(`set -e
G=/run/pi-gpio
down=$EPOCHREALTIME; echo pull-down > $G/sim_gpio17/pull; sleep 0.3
aplay -q -D plughw:Loopback,1,0 /tmp/block.wav 2>&1 | sed 's/^/aplay: /' || true
up=$EPOCHREALTIME; echo pull-up > $G/sim_gpio17/pull
echo "edges=$down $up"
s=""; end=$(( $(date +%%s) + %d ))
while [ $(date +%%s) -lt $end ]; do read v < $G/sim_gpio25/value; s="$s$v"; sleep 0.02; done
echo "samples=$s"`, window))
			r := pressResult{aplay: aplaySaid(out)}
			r.down, r.up = edges(out)
			r.journal = turnJournal(t, since)
			return r
		})
		j := r.journal
		heard, _ := transcript(j)
		partA += fmt.Sprintf("%sheard %q, %s; ", presses, heard, lossNote(r))
		checkHeard(t, r, blockPhrase)
		_, samples, _ := strings.Cut(out, "samples=")
		blinks := strings.Count(samples, "01")
		partA += fmt.Sprintf("%d rising edges", blinks)
		if blinks < 3 || !strings.Contains(j, "watchdog: main loop blocked") || !strings.Contains(j, "debug_block_loop") {
			t.Errorf("(a) no blink or no watchdog report: %s\n%s", out, tail(j, 20))
		}
	}

	// (b) Blocked for good.
	installConfig(t, configYAML(guestEngine, "GPIO17", ""))
	restartReady(t)
	u := show(t)
	n0, _ := strconv.Atoi(u["NRestarts"])
	since := guestNow(t)
	mustGuest(t, 20*time.Second, "kill -STOP "+u["MainPID"])
	var u2 unit
	ok := waitFor(scaled(60*time.Second), time.Second, func() bool {
		u2 = show(t)
		n, _ := strconv.Atoi(u2["NRestarts"])
		return n > n0
	})
	j := journal(t, since)
	if !ok {
		t.Fatalf("(b) not restarted within %v of the loop stopping: %v\n%s", scaled(60*time.Second), u2, tail(j, 20))
	}
	if !strings.Contains(j, "Watchdog timeout") {
		t.Errorf("(b) journal has no watchdog timeout:\n%s", tail(j, 20))
	}
	waitReady(t, since, 90*time.Second)
	detail = fmt.Sprintf("%s; stopped loop: watchdog restart, %v", partA, show(t))
}

// 6. Mic unplugged: unbind the loopback card's platform device → LED error
// pattern, journal "microphone lost", no restart; bind → restored, the next
// press works.
func scenarioMicUnplugged(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	installConfig(t, configYAML("vosk", "GPIO17", ""))
	restartReady(t)
	n0 := show(t)["NRestarts"]
	since := guestNow(t)
	out := mustGuest(t, 60*time.Second, `set -e
G=/run/pi-gpio
echo snd_aloop.0 > /sys/bus/platform/drivers/snd_aloop/unbind
s=""; end=$(( $(date +%s) + 8 ))
while [ $(date +%s) -lt $end ]; do read v < $G/sim_gpio25/value; s="$s$v"; sleep 0.02; done
echo "samples=$s"`)
	lostJ := journal(t, since)
	u := show(t)
	flashes := strings.Count(out, "01")
	mustGuest(t, 30*time.Second, "echo snd_aloop.0 > /sys/bus/platform/drivers/snd_aloop/bind")
	restored := waitFor(30*time.Second, time.Second, func() bool {
		return regexp.MustCompile(`(?i)(microphone|capture device).*restored`).MatchString(journal(t, since))
	})
	detail = fmt.Sprintf("LED flashes while lost %d; restored=%v; %v", flashes, restored, u)
	if !regexp.MustCompile(`(?i)(microphone|capture device).*lost`).MatchString(lostJ) {
		t.Errorf("journal has no microphone lost:\n%s", tail(lostJ, 20))
	}
	if flashes < 3 {
		t.Errorf("LED shows no error pattern while the mic is lost: %s", out)
	}
	if u["NRestarts"] != n0 || !u.ready() {
		t.Errorf("service restarted or stopped on a lost mic: %v (NRestarts before %s)", u, n0)
	}
	if !restored {
		t.Fatalf("microphone not restored after bind:\n%s", tail(journal(t, since), 20))
	}
	r := press(t, toneWAV(t, "one", "off"), 8)
	heard, _ := transcript(r.journal)
	detail += fmt.Sprintf("; press after: heard %q, %s", heard, lossNote(r))
	checkHeard(t, r, "one off")
	if cmd := field(firstLine(r.journal, "msg=response"), "command"); cmd != "tones" {
		t.Errorf("press after the mic came back: response of command %q, want \"tones\":\n%s", cmd, tail(r.journal, 20))
	}
}

// 8. Pins: `pin: gpio17` and `pin: 17` either work or are refused by config
// check; never pass the check and fail at run time.
func scenarioPins(t *testing.T) {
	start := time.Now()
	var notes []string
	defer func() { report(t, start, strings.Join(notes, "; ")) }()
	needFlash(t)

	for _, pin := range []string{"gpio17", "17"} {
		y := configYAML("vosk", pin, "")
		p := filepath.Join(t.TempDir(), "pin.yaml")
		if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		toGuest(t, p, "/tmp/pin.yaml")
		chk, err := guest(60*time.Second, "hark config check /tmp/pin.yaml")
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s refused by check", pin))
			continue
		}
		installConfig(t, y)
		since := guestNow(t)
		_, _ = guest(90*time.Second, "systemctl reset-failed hark; systemctl restart hark")
		var u unit
		ready := waitFor(60*time.Second, time.Second, func() bool { u = show(t); return u.ready() })
		if !ready {
			t.Errorf("pin %q passes config check (%s) but Hark does not run: %v\n%s", pin, strings.TrimSpace(chk), u, tail(journal(t, since), 10))
			notes = append(notes, fmt.Sprintf("%s: check ok, run FAILS", pin))
			continue
		}
		out := mustGuest(t, 30*time.Second, `G=/run/pi-gpio; echo pull-down > $G/sim_gpio17/pull; sleep 0.5; cat $G/sim_gpio25/value; echo pull-up > $G/sim_gpio17/pull; sleep 0.5`)
		if strings.TrimSpace(out) != "1" {
			t.Errorf("pin %q: Hark runs but a press on GPIO17 does not light the LED (%q)", pin, out)
			notes = append(notes, fmt.Sprintf("%s: runs, press not seen", pin))
			continue
		}
		notes = append(notes, fmt.Sprintf("%s works", pin))
	}
	installConfig(t, configYAML("vosk", "GPIO17", ""))
	restartReady(t)
}

// Scenario 3's targets, on the amd64 guest under TCG (CI measured edge→LED
// p99 about 20 ms and release→answer p50 about 369 ms before push-to-talk
// waited for the audio up to the release). They are reported against, not
// asserted: four runs of the same binary on this shared 2-core host gave
// p99 25.9, 35.8, 49.8 and 60.3 ms and p50 507, 504, 961 and 812 ms, so an
// assertion would fail about half the runs on the host's load alone (timing
// lives in benchmarks here, never in a test's verdict).
const (
	maxLEDp99    = 40 * time.Millisecond
	maxAnswerP50 = 600 * time.Millisecond
)

// met says whether a figure met its target, for the result line.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "OVER"
}

// 3. Latency on real parts: button edge → LED line change (p99, target
// maxLEDp99), and release → first answer sample (p50, target
// maxAnswerP50), over 30 presses of the tones "one off", each of which
// must be heard whole and answered by the tones command; idle CPU and RSS
// of the service over 60 s with the microphone open, reported.
//
// The release comes when aplay returns, the WAV played out, so
// trailingSilence (1.2 s) after the last tone ends: it falls in silence,
// and push-to-talk waits only for the audio captured up to the release
// edge, taking no tail. (A release while the tones still played would add
// the tail, up to 300 ms, to release → answer.) Each press records 7 s,
// the answer's first sample about 4 s in.
func scenarioLatency(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	installConfig(t, configYAML("vosk", "GPIO17", ""))
	restartReady(t)
	toGuest(t, toneWAV(t, "one", "off"), "/tmp/say.wav")
	presses := 30
	if s := os.Getenv("RIG_PRESSES"); s != "" {
		presses, _ = strconv.Atoi(s)
	}
	// Each press: edge→LED by polling sysfs with bash builtins; the release
	// time and the recording's start (arecord launched: its own start-up
	// delay makes release→answer read a little long).
	script := `G=/run/pi-gpio
for i in $(seq %d); do
  rm -f /tmp/a.wav
  tb=$EPOCHREALTIME
  arecord -q -D plughw:Loopback,1,0 -f S16_LE -r 16000 -c 1 -d 7 /tmp/a.wav & rec=$!
  sleep 0.4
  t0=$EPOCHREALTIME; echo pull-down > $G/sim_gpio17/pull
  v=0; n=0; while [ "$v" != 1 ] && [ $n -lt 100000 ]; do read v < $G/sim_gpio25/value; n=$((n+1)); done
  t1=$EPOCHREALTIME
  aplay -q -D plughw:Loopback,1,0 /tmp/say.wav
  tr=$EPOCHREALTIME; echo pull-up > $G/sim_gpio17/pull
  wait $rec
  echo "press $t0 $t1 $tr $tb"
  cp /tmp/a.wav /tmp/a$i.wav
done`
	since := guestNow(t)
	out := mustGuest(t, time.Duration(presses)*20*time.Second, fmt.Sprintf(script, presses))
	var ledMs, ansMs []float64
	var noAnswer []int
	i := 0
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) != 5 || f[0] != "press" {
			continue
		}
		i++
		t0, _ := strconv.ParseFloat(f[1], 64)
		t1, _ := strconv.ParseFloat(f[2], 64)
		tr, _ := strconv.ParseFloat(f[3], 64)
		born, _ := strconv.ParseFloat(f[4], 64)
		ledMs = append(ledMs, (t1-t0)*1000)
		local := filepath.Join(t.TempDir(), "a.wav")
		fromGuest(t, fmt.Sprintf("/tmp/a%d.wav", i), local)
		pcm := readWAV(t, local)
		if first := firstSample(pcm); first >= 0 && born > 0 {
			ansMs = append(ansMs, (born+float64(first)/16000-tr)*1000)
		} else {
			noAnswer = append(noAnswer, i)
		}
	}
	// What each press was heard as: the turns' utterance and response
	// lines (the last turn's may still be being logged).
	var j string
	waitFor(scaled(20*time.Second), time.Second, func() bool {
		j = journal(t, since)
		return strings.Count(j, "msg=utterance ") >= len(ledMs)
	})
	var heard []string
	misheard := 0
	for _, l := range strings.Split(j, "\n") {
		if strings.Contains(l, "msg=utterance ") {
			text := field(l, "text")
			heard = append(heard, text)
			if text != "one off" {
				misheard++
			}
		}
	}
	tones := 0
	for _, l := range strings.Split(j, "\n") {
		if strings.Contains(l, "msg=response ") && field(l, "command") == "tones" {
			tones++
		}
	}
	// Capture audio lost anywhere in the run, presses and answers alike.
	lost := captureLoss(pressResult{journal: j})
	if lost == "" {
		lost = "capture audio intact"
	} else {
		lost = "capture audio lost over the run: " + lost
	}
	// Idle: CPU and RSS over 60 s with the microphone open.
	idle := mustGuest(t, 120*time.Second, `pid=$(systemctl show -p MainPID --value hark); tck=$(getconf CLK_TCK)
a=$(awk '{print $14+$15}' /proc/$pid/stat); sleep 60; b=$(awk '{print $14+$15}' /proc/$pid/stat)
rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
echo "idle_cpu_pct=$(echo "$a $b $tck" | awk '{printf "%.2f", ($2-$1)/$3/60*100}') rss_kb=$rss"`)
	ledP99, ansP50 := pct(ledMs, 99), pct(ansMs, 50)
	detail = fmt.Sprintf("presses %d; edge→LED p50 %.1f ms p99 %.1f ms (target %v: %s); release→answer p50 %.0f ms (target %v: %s) p99 %.0f ms (n=%d); heard \"one off\" %d of %d, tones answered %d; %s; %s",
		len(ledMs), pct(ledMs, 50), ledP99, maxLEDp99, met(ledP99 <= ms(maxLEDp99)), ansP50, maxAnswerP50, met(ansP50 <= ms(maxAnswerP50)), pct(ansMs, 99), len(ansMs),
		len(heard)-misheard, len(heard), tones, lost, strings.TrimSpace(idle))
	t.Log(detail)
	if len(ledMs) < presses {
		t.Errorf("only %d of %d presses measured:\n%s", len(ledMs), presses, tail(out, 10))
	}
	if len(noAnswer) > 0 {
		t.Errorf("no answer recorded after presses %v", noAnswer)
	}
	if len(heard) != len(ledMs) || misheard > 0 || tones != len(ledMs) {
		t.Errorf("of %d presses of \"one off\", %d utterances logged, heard as %q, %d answered by the tones command; %s\n%s",
			len(ledMs), len(heard), heard, tones, lost, tail(j, 40))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// --- audio helpers ---

// readWAV returns the samples of a 16-bit PCM WAV (mono as recorded here).
func readWAV(t *testing.T, path string) []int16 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Find the data chunk.
	i := 12
	for i+8 <= len(b) {
		id := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		if id == "data" {
			d := b[i+8:]
			if n < len(d) && n > 0 {
				d = d[:n]
			}
			s := make([]int16, len(d)/2)
			for k := range s {
				s[k] = int16(binary.LittleEndian.Uint16(d[2*k:]))
			}
			return s
		}
		i += 8 + n
	}
	t.Fatalf("%s: no data chunk", path)
	return nil
}

// signal says whether pcm holds sound, its RMS over the loud part, and that
// part's length in seconds (first to last 20 ms window above threshold).
func signal(pcm []int16) (bool, float64, float64) {
	const win = 320
	first, last := -1, -1
	var sum float64
	var n int
	for w := 0; w+win <= len(pcm); w += win {
		var e float64
		for _, s := range pcm[w : w+win] {
			e += float64(s) * float64(s)
		}
		if math.Sqrt(e/win) > 100 {
			if first < 0 {
				first = w
			}
			last = w + win
			sum += e
			n += win
		}
	}
	if first < 0 {
		return false, 0, 0
	}
	return true, math.Sqrt(sum / float64(n)), float64(last-first) / 16000
}

func firstSample(pcm []int16) int {
	for i, s := range pcm {
		if s > 300 || s < -300 {
			return i
		}
	}
	return -1
}

func writeWAV(t *testing.T, pcm []int16) string {
	t.Helper()
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	_ = binary.Write(&b, le, uint32(36+2*len(pcm)))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16)} {
		_ = binary.Write(&b, le, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, le, uint32(2*len(pcm)))
	_ = binary.Write(&b, le, pcm)
	p := filepath.Join(t.TempDir(), "say.wav")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// trailingSilence is the silence after the last word of every WAV the rig
// plays. When aplay drains into the loopback (plughw:Loopback,1,0) it plays
// a few milliseconds past the end of its data, and those are stale: with
// the tones' own 0.3 s of silence after the last word, 6 of 12 plays
// recorded by arecord on the other side (bit-exact otherwise) ended, 0.33 s
// after the last tone, in a 4 ms piece of that tone (64 samples at 16 kHz,
// copied from earlier in the file), and the tone model hears such a piece
// as one more word: "two two two". In Hark it came just before the release,
// which aplay's return times, so push-to-talk also took its tail. With 1 s
// of silence after the last word, 12 of 12 plays ended clean.
const trailingSilence = 1200 * time.Millisecond

// toneWAV is the generated model's tones for words (testmodel.Utterance),
// followed by trailingSilence in all, as a WAV file.
func toneWAV(t *testing.T, words ...string) string {
	t.Helper()
	raw := testmodel.Utterance(words...)
	raw = append(raw, testmodel.Silence(trailingSilence-testmodel.GapDuration)...)
	pcm := make([]int16, len(raw)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return writeWAV(t, pcm)
}

// speechWAV: espeak-ng speaking text, as 16 kHz mono with 0.3 s of silence
// before and trailingSilence after.
func speechWAV(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	raw, out := filepath.Join(dir, "raw.wav"), filepath.Join(dir, "say.wav")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if b, err := exec.CommandContext(ctx, "espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, text).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v %s", err, b)
	}
	if b, err := exec.CommandContext(ctx, "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", out, "pad", "0.3", strconv.FormatFloat(trailingSilence.Seconds(), 'f', -1, 64)).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, b)
	}
	return out
}
