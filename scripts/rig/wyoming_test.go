//go:build systemtest

package rig

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/wyoming/wyomingtest"
)

// The wyoming: section scenario 11 flashes: satellite mode, so the press
// goes to Home Assistant (the test peer) whatever it says.
const (
	wyomingYAML = `wyoming:
  name: Rig Hark
  area: Lab
  mode: satellite
`
	// wyomingGuestPort is wyoming.listen's default port, which the rig's
	// QEMU forwards a host port to (scripts/rig/vm wyoming-port).
	wyomingGuestPort = "10700"
	// avahiService is what flash writes for Home Assistant's discovery.
	avahiService = "/etc/avahi/services/hark.service"
	// answerTone is the peer's spoken answer: a 1 kHz tone, answerSecs
	// long, 16 kHz mono, at a third of full scale with 20 ms fades.
	answerTone = 1000.0
	answerSecs = 1.5
)

// 11. Wyoming satellite: a flashed config with a wyoming: section
// (satellite mode) announces Hark by mDNS (avahi-browse in the guest finds
// _wyoming._tcp "Hark on hark-pi" on port 10700); a Home Assistant peer
// on the host (wyomingtest) connects through QEMU's forward to the guest's
// port 10700 and gets the satellite's info; a press over snd-aloop is
// handed to the peer as a pipeline run (asr to tts) whose audio is about
// as long as the press and carries the speech; the peer's answer, a 1 kHz
// tone, comes out of Hark's speaker (the loopback's other side) and Hark
// says played. Flashing the config without the section removes the
// announcement.
func scenarioWyoming(t *testing.T) {
	start := time.Now()
	detail := ""
	defer func() { report(t, start, detail) }()
	needFlash(t)

	wport, err := vmOutput("wyoming-port")
	if err != nil {
		t.Fatalf("scripts/rig/vm wyoming-port: %v (was the guest booted by this version of scripts/rig/vm?)", err)
	}
	base := configYAML(guestEngine, "GPIO17", "")
	restored := false
	defer func() {
		if !restored { // leave the next scenarios Hark without the section
			_, _ = guest(30*time.Second, "rm -f "+avahiService)
			installConfig(t, base)
			restartReady(t)
		}
	}()

	// Flash with the section. Flash keeps an edited /etc/hark/hark.yaml,
	// so the config in effect is installed first and flash finds it
	// current; its discovery step reads that one.
	withW := configYAML(guestEngine, "GPIO17", wyomingYAML)
	installConfig(t, withW)
	cfg := filepath.Join(t.TempDir(), "hark.yaml")
	if err := os.WriteFile(cfg, []byte(withW), 0o644); err != nil {
		t.Fatal(err)
	}
	since := guestNow(t)
	out := flash(t, cfg)
	announced := regexp.MustCompile(`discovery: (installed ` + avahiService + `|` + avahiService + ` is current) \(_wyoming\._tcp port ` + wyomingGuestPort + `\)`)
	if !announced.MatchString(out) {
		t.Errorf("flash with a wyoming: section did not announce it:\n%s", tail(out, 30))
	}
	waitReady(t, since, 90*time.Second)

	// Discovery, as Home Assistant's zeroconf browses: _wyoming._tcp,
	// resolved (-r), cache dump and exit (-t), parsable (-p).
	browse, err := guest(40*time.Second, "timeout 20 avahi-browse -rtp _wyoming._tcp")
	if err != nil {
		t.Fatalf("avahi-browse: %v\n%s", err, browse)
	}
	found := ""
	for _, l := range strings.Split(browse, "\n") {
		// =;IFACE;PROTO;NAME;TYPE;DOMAIN;HOST;ADDRESS;PORT;TXT
		f := strings.Split(l, ";")
		if len(f) >= 9 && f[0] == "=" && f[1] == "eth0" && f[2] == "IPv4" && f[4] == "_wyoming._tcp" {
			found = fmt.Sprintf("%s at %s:%s", strings.ReplaceAll(f[3], `\032`, " "), f[7], f[8])
			if f[3] != `Hark\032on\032hark-pi` || f[8] != wyomingGuestPort {
				t.Errorf("avahi-browse resolved %s, want \"Hark on hark-pi\" on port %s", found, wyomingGuestPort)
			}
		}
	}
	if found == "" {
		t.Fatalf("avahi-browse in the guest did not resolve a _wyoming._tcp service on eth0:\n%s", browse)
	}
	detail = "mDNS: " + found

	// Home Assistant connects: run-satellite, describe → info.
	addr := "127.0.0.1:" + wport
	since = guestNow(t)
	p, err := wyomingtest.Dial(addr)
	if err != nil {
		t.Fatalf("Home Assistant's side could not start the satellite at %s (QEMU's forward to the guest's %s): %v\njournal:\n%s",
			addr, wyomingGuestPort, err, tail(journal(t, since), 30))
	}
	defer p.Close()
	sat := p.Info().Satellite
	if sat.Name != "Rig Hark" || sat.Area != "Lab" {
		t.Errorf("info's satellite is %q in %q, want \"Rig Hark\" in \"Lab\" (wyoming.name, wyoming.area)", sat.Name, sat.Area)
	}
	detail += fmt.Sprintf("; info %q area %q", sat.Name, sat.Area)

	// The press, with the peer answering on the host meanwhile.
	wav := speechWAV(t, "what is the weather like today")
	_, wavRMS, wavSecs := signal(readWAV(t, wav))
	recordSecs := int(scaled(10 * time.Second).Seconds())
	type peerResult struct {
		run    wyomingtest.Run
		runErr error
		// replyErr, playedErr: sending the answer, waiting for played.
		replyErr, playedErr error
	}
	done := make(chan peerResult, 1)
	go func() {
		var r peerResult
		defer func() { done <- r }()
		r.run, r.runErr = p.ReceiveRun(time.Duration(recordSecs)*time.Second + scaled(20*time.Second))
		if r.runErr != nil {
			return
		}
		if r.replyErr = p.Reply("what is the weather like today", "It is sunny.", tonePCM(answerTone, answerSecs), wyomingtest.Format16k); r.replyErr != nil {
			return
		}
		r.playedErr = p.ExpectPlayed(scaled(15 * time.Second))
	}()
	toGuest(t, wav, "/tmp/say.wav")
	pressOut, pressErr := guest(time.Duration(recordSecs+30)*time.Second, fmt.Sprintf(pressScript, recordSecs, "/tmp/say.wav"))
	if pressErr != nil {
		t.Fatalf("the press in the guest: %v\n%s", pressErr, pressOut)
	}
	down, up := edges(pressOut)
	var pr peerResult
	select {
	case pr = <-done:
	case <-time.After(scaled(40 * time.Second)):
		p.Close() // ends the peer's waits
		pr = <-done
		t.Errorf("the peer was still waiting 40 s after the press's recording ended")
	}
	j := journal(t, since)
	if pr.runErr != nil {
		t.Fatalf("the press reached Home Assistant's side as no pipeline run (run-pipeline, audio-start, audio-chunks, audio-stop): %v\njournal:\n%s", pr.runErr, tail(j, 30))
	}
	run := pr.run
	if run.StartStage != "asr" || run.EndStage != "tts" {
		t.Errorf("run-pipeline from %q to %q, want push-to-talk's asr to tts", run.StartStage, run.EndStage)
	}

	// The audio Home Assistant got: as long as the press (plus push-to-talk's
	// pre-roll, up to 500 ms, and tail, up to 300 ms), with the speech in it.
	heard, err := monoPCM(run)
	if err != nil {
		t.Fatalf("run audio: %v", err)
	}
	pressSecs := up.Sub(down).Seconds()
	audioSecs := float64(len(heard)) / float64(run.Format.Rate)
	on, rms, loud := signalAt(heard, run.Format.Rate)
	detail += fmt.Sprintf("; run %s→%s %d chunks %.2fs (press %.2fs) speech rms %.0f over %.2fs (played %.0f over %.2fs)",
		run.StartStage, run.EndStage, run.Chunks, audioSecs, pressSecs, rms, loud, wavRMS, wavSecs)
	if down.IsZero() || up.IsZero() {
		t.Errorf("the press script gave no edges:\n%s", pressOut)
	} else if audioSecs < pressSecs-0.3 || audioSecs > pressSecs+1.2 {
		t.Errorf("Home Assistant got %.2f s of audio for a %.2f s press (want %.2f-%.2f s)", audioSecs, pressSecs, pressSecs-0.3, pressSecs+1.2)
	}
	if !on || rms < wavRMS/4 || loud < 0.7*wavSecs {
		t.Errorf("the run's audio has no speech: sound=%v rms %.0f over %.2f s; the WAV played into the microphone has rms %.0f over %.2f s", on, rms, loud, wavRMS, wavSecs)
	}

	// The answer, from Hark's speaker.
	local := filepath.Join(t.TempDir(), "answer.wav")
	fromGuest(t, "/tmp/answer.wav", local)
	answer := readWAV(t, local)
	aOn, aRMS, aSecs := signal(answer)
	share := toneShare(answer, answerTone, 16000)
	detail += fmt.Sprintf("; answer %.2fs rms %.0f, %.0f%% at %.0f Hz", aSecs, aRMS, 100*share, answerTone)
	if pr.replyErr != nil {
		t.Errorf("sending the answer: %v", pr.replyErr)
	}
	if !aOn || aSecs < answerSecs-0.3 || aSecs > answerSecs+0.4 || share < 0.8 {
		t.Errorf("Hark's speaker: sound=%v %.2f s, %.0f%% of its energy at %.0f Hz; want the peer's %.1f s tone (within -0.3/+0.4 s, at least 80%% at the tone)\njournal:\n%s",
			aOn, aSecs, 100*share, answerTone, answerSecs, tail(j, 30))
	}
	if pr.replyErr == nil && pr.playedErr != nil {
		t.Errorf("no played after the answer: %v", pr.playedErr)
	} else if pr.replyErr == nil {
		detail += ", played"
	}
	t.Log(detail)
	p.Close()

	// Without the section, flash takes the announcement away.
	installConfig(t, base)
	if err := os.WriteFile(cfg, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	since = guestNow(t)
	out = flash(t, cfg)
	restored = true
	if !strings.Contains(out, "discovery: removed "+avahiService) {
		t.Errorf("flash without a wyoming: section did not remove %s:\n%s", avahiService, tail(out, 30))
	}
	waitReady(t, since, 90*time.Second)
	browse, err = guest(40*time.Second, "timeout 20 avahi-browse -rtp _wyoming._tcp")
	if err != nil || strings.Contains(browse, "Hark") {
		t.Errorf("after the section went, avahi-browse (%v) still finds Hark:\n%s", err, browse)
	}
	detail += "; unannounced after"
}

// vmOutput runs scripts/rig/vm with args, with a deadline, and returns
// its output, trimmed.
func vmOutput(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, rigDir+"/vm", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// monoPCM is a run's audio as 16-bit samples of its first channel.
func monoPCM(run wyomingtest.Run) ([]int16, error) {
	f := run.Format
	if f.Width != 2 || f.Channels < 1 || f.Rate < 8000 {
		return nil, fmt.Errorf("audio-start %+v: want 16-bit samples at 8 kHz or more", f)
	}
	frame := 2 * f.Channels
	if len(run.Audio)%frame != 0 {
		return nil, fmt.Errorf("%d bytes of audio are not whole %d-byte frames", len(run.Audio), frame)
	}
	s := make([]int16, len(run.Audio)/frame)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(run.Audio[i*frame:]))
	}
	return s, nil
}

// signalAt is signal for audio at rate: whether it holds sound, its RMS
// over the loud part and that part's length in seconds.
func signalAt(pcm []int16, rate int) (bool, float64, float64) {
	if rate == 16000 {
		return signal(pcm)
	}
	// Take every rate/16000-th sample: enough for an energy check.
	step := float64(rate) / 16000
	var s []int16
	for x := 0.0; int(x) < len(pcm); x += step {
		s = append(s, pcm[int(x)])
	}
	return signal(s)
}

// tonePCM is a sine of freq Hz for secs at 16 kHz mono, a third of full
// scale, with 20 ms fades in and out, as little-endian bytes.
func tonePCM(freq, secs float64) []byte {
	n := int(secs * 16000)
	fade := 320
	b := make([]byte, 2*n)
	for i := range n {
		g := 1.0
		if i < fade {
			g = float64(i) / float64(fade)
		} else if n-i < fade {
			g = float64(n-i) / float64(fade)
		}
		v := g * 10000 * math.Sin(2*math.Pi*freq*float64(i)/16000)
		binary.LittleEndian.PutUint16(b[2*i:], uint16(int16(v)))
	}
	return b
}

// toneShare is the share of pcm's energy at freq Hz: Goertzel's power at
// freq over each 20 ms window (a whole number of cycles at 1 kHz) against
// the windows' energy. A clean tone gives nearly 1, speech far less.
func toneShare(pcm []int16, freq float64, rate int) float64 {
	win := rate / 50
	coeff := 2 * math.Cos(2*math.Pi*freq/float64(rate))
	var at, total float64
	for w := 0; w+win <= len(pcm); w += win {
		var s1, s2, e float64
		for _, x := range pcm[w : w+win] {
			v := float64(x)
			s1, s2 = v+coeff*s1-s2, s1
			e += v * v
		}
		power := s1*s1 + s2*s2 - coeff*s1*s2 // |X(freq)|²
		at += 2 * power / float64(win)
		total += e
	}
	if total == 0 {
		return 0
	}
	return at / total
}
