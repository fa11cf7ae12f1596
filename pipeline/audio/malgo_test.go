package audio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// capture.c initialises devices with malgo's miniaudio on malgo's context:
// its miniaudio.h must be the declarations half of malgo's, with the
// licence, and malgo.Context the pointer to the ma_context that
// contextPointer takes it for.
func TestCaptureDeviceMatchesMalgo(t *testing.T) {
	if ctx := reflect.TypeFor[malgo.Context](); ctx.NumField() != 1 || ctx.Field(0).Type != reflect.TypeFor[*unsafe.Pointer]() {
		t.Errorf("malgo.Context is no longer a struct of one *unsafe.Pointer: fix contextPointer")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to find malgo's module")
	}
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/gen2brain/malgo").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/gen2brain/malgo: %v", err)
	}
	theirs, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "miniaudio.h"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile("miniaudio.h")
	if err != nil {
		t.Fatal(err)
	}
	const end = "#endif  /* miniaudio_h */\n"
	i := bytes.Index(ours, []byte(end)) + len(end)
	if i < len(end) || !bytes.HasPrefix(theirs, ours[:i]) || !bytes.HasSuffix(theirs, bytes.TrimLeft(ours[i:], "\n")) {
		t.Errorf("miniaudio.h is not malgo's declarations and licence: copy them from %s", strings.TrimSpace(string(dir)))
	}
}

// TestNullBackendCaptureDelivers opens a real miniaudio device on the null
// backend (no sound card needed) and reads audio from it.
func TestNullBackendCaptureDelivers(t *testing.T) {
	var events []Event
	c, err := OpenCapture(CaptureConfig{Backend: "null", OnEvent: func(e Event) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !strings.Contains(strings.ToLower(c.Device()), "null") {
		t.Errorf("Device() = %q, want the null capture device", c.Device())
	}
	// A safety net against a hang, not a timing assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const want = 3 * realtimeChunk // 30 ms
	buf := make([]byte, 4096)
	got := 0
	for got < want {
		n, err := c.Read(ctx, buf)
		if err != nil {
			t.Fatalf("Read after %d bytes: %v", got, err)
		}
		if n%2 != 0 {
			t.Fatalf("Read returned %d bytes, not whole samples", n)
		}
		got += n
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(ctx, buf); err != ErrClosed {
		t.Errorf("Read after Close = %v, want ErrClosed", err)
	}
}

func TestOpenCaptureErrorsNameTheProblem(t *testing.T) {
	tests := []struct {
		cfg  CaptureConfig
		want []string
	}{
		{CaptureConfig{Backend: "bogus"}, []string{`"bogus"`, "unknown audio backend"}},
		{CaptureConfig{Backend: "null", Device: "7"}, []string{"index 7 out of range", "null"}},
		{CaptureConfig{Backend: "null", Device: "no such mic"}, []string{`"no such mic"`, "null", "NULL Capture Device"}},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.Backend+"/"+tt.cfg.Device, func(t *testing.T) {
			c, err := OpenCapture(tt.cfg)
			if err == nil {
				c.Close()
				t.Fatal("OpenCapture succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestListDevicesNull(t *testing.T) {
	d, err := ListDevices("null")
	if err != nil {
		t.Fatal(err)
	}
	if d.Backend != "null" || len(d.Capture) == 0 || len(d.Playback) == 0 {
		t.Fatalf("ListDevices(null) = %+v, want a capture and a playback device", d)
	}
	// Choosing by index and by name both open the listed device.
	for _, want := range []string{"0", d.Capture[0].Name, strings.ToUpper(d.Capture[0].Name[:4])} {
		c, err := OpenCapture(CaptureConfig{Backend: "null", Device: want})
		if err != nil {
			t.Errorf("OpenCapture(Device: %q): %v", want, err)
			continue
		}
		if c.Device() != d.Capture[0].Name {
			t.Errorf("OpenCapture(Device: %q) opened %q, want %q", want, c.Device(), d.Capture[0].Name)
		}
		c.Close()
	}
}

// The null backend delivers 10 ms periods, 160 frames of 16 kHz mono
// S16LE, with the backend's buffer and with a 200 ms one of 20 periods:
// once it is closed, what its C callback wrote into the unread ring is 320
// bytes a period.
func TestNullBackendPeriods(t *testing.T) {
	for _, buffer := range []time.Duration{0, 200 * time.Millisecond} {
		t.Run(buffer.String(), func(t *testing.T) { testNullBackendPeriods(t, buffer) })
	}
}

func testNullBackendPeriods(t *testing.T, buffer time.Duration) {
	ctx, err := initContext("null", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.free()
	c, err := newCapture(CaptureConfig{Logger: testLogger(t)}, ctx.opener("", buffer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for deadline := time.Now().Add(patience); c.ring.frames() < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d periods from the null device within %v, want 3", c.ring.frames(), patience)
		}
	}
	c.Close()
	if periods, n := c.ring.frames(), c.queued(); c.Overruns() != 0 || n != 320*int(periods) {
		t.Errorf("%d periods wrote %d bytes (%d overruns), want 320 each (160 frames)", periods, n, c.Overruns())
	}
}

// heldDevice is a real device whose stop notification, on miniaudio's worker
// thread, is held until Capture closes the device.
type heldDevice struct {
	*malgoDevice
	closing chan struct{}
}

func (d heldDevice) Close() error {
	close(d.closing)
	return d.malgoDevice.Close()
}

// A real miniaudio device that stops under Capture (as an unplugged one
// does) is reported lost, reopened and read again, loss after loss. A
// concurrent ma_device_stop stops it, as JACK's shutdown handler does, and
// its stop notification is held on miniaudio's worker thread until Capture
// closes the device, so the close overlaps the rest of the stop sequence:
// that hung ma_device_uninit while Close did not stop the device first.
func TestNullBackendDeviceLossAndRecovery(t *testing.T) {
	ctx, err := initContext("null", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.free()
	devices := make(chan *malgoDevice, 4)
	open := ctx.opener("", 0)
	events := make(chan Event, 4)
	cfg := CaptureConfig{
		Logger:       testLogger(t),
		OnEvent:      func(e Event) { events <- e },
		StallTimeout: time.Hour, // only the stop notification may report the loss
	}
	c, err := newCapture(cfg, func(r *ring, wake func(), stopped func(error)) (device, string, error) {
		closing := make(chan struct{})
		d, name, err := open(r, wake, func(err error) {
			stopped(err)
			<-closing
		})
		if err != nil {
			return nil, name, err
		}
		held := heldDevice{d.(*malgoDevice), closing}
		devices <- held.malgoDevice
		return held, name, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	read := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		buf := make([]byte, 320)
		for got := 0; got < len(buf); {
			n, err := c.Read(ctx, buf[got:])
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	}
	read()
	current := recv(t, devices, "device opened")
	// Each loss overlaps the stop sequence anew; the old hang showed within
	// a few losses natively and under qemu.
	for loss := 1; loss <= 5; loss++ {
		if err := current.stop(); err != nil {
			t.Fatalf("loss %d: %v", loss, err)
		}
		if e := recv(t, events, "DeviceLost event"); e.Kind != DeviceLost || !errors.Is(e.Err, errDeviceStopped) {
			t.Fatalf("loss %d: event %v, want DeviceLost for the stopped device", loss, e)
		}
		if e := recv(t, events, "DeviceRestored event"); e.Kind != DeviceRestored {
			t.Fatalf("loss %d: event %v, want DeviceRestored", loss, e)
		}
		current = recv(t, devices, "device reopened")
		// Drain what the lost device left, then read from the new one.
		c.ring.readInto(make([]byte, durationBytes(2*time.Second)))
		read()
	}
}
