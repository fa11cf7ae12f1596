package pins

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/host/v3"
)

// These tests run on machines without GPIO (CI, qemu): there, periph knows
// none of the Pi's pins, and a test registers the fake pins it needs. They
// must not run in parallel: gpioreg is one registry for the whole binary.

// fakePin registers a gpiotest pin called name in gpioreg for the rest of
// the test. The host drivers are initialised first, as Open does, so that on
// a machine with a real pin of that name the test is skipped instead of
// colliding with it.
func fakePin(t *testing.T, name string, num int) *gpiotest.Pin {
	t.Helper()
	if _, err := host.Init(); err != nil {
		t.Fatal(err)
	}
	if real := gpioreg.ByName(name); real != nil {
		t.Skipf("this machine has a real %s (%s); the fake cannot be registered", name, real)
	}
	fake := &gpiotest.Pin{N: name, Num: num}
	if err := gpioreg.Register(fake); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gpioreg.Unregister(name) })
	return fake
}

func TestParseName(t *testing.T) {
	const notAPin = "is not a pin; want a BCM name such as GPIO17"
	const offHeader = "is not on the Raspberry Pi header (GPIO0 to GPIO27)"
	tests := []struct {
		in      string
		want    string
		wantErr string // the whole message
	}{
		{in: "GPIO17", want: "GPIO17"},
		{in: "gpio17", want: "GPIO17"},
		{in: "Gpio17", want: "GPIO17"},
		{in: "gPiO17", want: "GPIO17"},
		{in: "17", want: "GPIO17"},
		{in: "0", want: "GPIO0"},
		{in: "GPIO0", want: "GPIO0"},
		{in: "27", want: "GPIO27"},
		{in: "GPIO04", want: "GPIO4"},
		{in: "", wantErr: `"" ` + notAPin},
		{in: "GPIO", wantErr: `"GPIO" ` + notAPin},
		{in: "gpio", wantErr: `"gpio" ` + notAPin},
		{in: "+5", wantErr: `"+5" ` + notAPin},
		{in: "-1", wantErr: `"-1" ` + notAPin},
		{in: "GPIO+5", wantErr: `"GPIO+5" ` + notAPin},
		{in: "GPIO-1", wantErr: `"GPIO-1" ` + notAPin},
		{in: " 17", wantErr: `" 17" ` + notAPin},
		{in: "GPIO 17", wantErr: `"GPIO 17" ` + notAPin},
		{in: "17 ", wantErr: `"17 " ` + notAPin},
		{in: "GPIO17x", wantErr: `"GPIO17x" ` + notAPin},
		{in: "0x11", wantErr: `"0x11" ` + notAPin},
		{in: "SPI0.1", wantErr: `"SPI0.1" ` + notAPin},
		{in: "P1_11", wantErr: `"P1_11" ` + notAPin},
		{in: "GPIOGPIO17", wantErr: `"GPIOGPIO17" ` + notAPin},
		{in: "gpıo17", wantErr: `"gpıo17" ` + notAPin}, // dotless ı, which upper-cases to I
		{in: "GPIO28", wantErr: "GPIO28 " + offHeader},
		{in: "28", wantErr: "GPIO28 " + offHeader},
		{in: "gpio099", wantErr: "GPIO99 " + offHeader},
		{in: "99999999999999999999999", wantErr: "GPIO99999999999999999999999 " + offHeader},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.in)
		var msg string
		if err != nil {
			msg = err.Error()
		}
		if got != tt.want || msg != tt.wantErr {
			t.Errorf("ParseName(%q) = %q, %q; want %q, %q", tt.in, got, msg, tt.want, tt.wantErr)
		}
	}
}

// TestOpenAcceptsConfigSpellings: every spelling the config check accepts
// opens the pin. Open used to look the name up verbatim, so "gpio17" passed
// `hark config check` and then failed at start-up.
func TestOpenAcceptsConfigSpellings(t *testing.T) {
	fake := fakePin(t, "GPIO17", 17)
	for _, name := range []string{"GPIO17", "gpio17", "Gpio17", "17"} {
		p, err := Open(name)
		if err != nil || p != fake {
			t.Errorf("Open(%q) = %v, %v; want the registered GPIO17", name, p, err)
		}
	}
}

func TestOpenRefusesBadNames(t *testing.T) {
	for _, name := range []string{"HARK_NO_SUCH_PIN", "gpio 17", "GPIO28", "SPI0.1", ""} {
		_, err := Open(name)
		_, parseErr := ParseName(name)
		if err == nil || parseErr == nil || err.Error() != "pins: "+parseErr.Error() {
			t.Errorf("Open(%q) = %v, want pins: %v", name, err, parseErr)
		}
		if errors.Is(err, ErrNoPin) {
			t.Errorf("Open(%q) = %v wraps ErrNoPin, which points to --sim; a bad name is a config mistake", name, err)
		}
	}
}

func TestOpenWithoutGPIO(t *testing.T) {
	_, err := Open("gpio17")
	if len(gpioreg.All()) > 0 {
		t.Skipf("this machine has GPIO pins (Open(gpio17) = %v); the no-GPIO message cannot be seen here", err)
	}
	if !errors.Is(err, ErrNoPin) {
		t.Fatalf("got %v, want an error wrapping ErrNoPin", err)
	}
	for _, want := range []string{`no GPIO pin "GPIO17" on this machine`, "no GPIO pins at all", "--sim"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestOpenMissingPin(t *testing.T) {
	// With some pin present, the error is about the name instead.
	fakePin(t, "GPIO17", 17)
	if gpioreg.ByName("GPIO26") != nil {
		t.Skip("this machine has a real GPIO26")
	}
	_, err := Open("26")
	if !errors.Is(err, ErrNoPin) {
		t.Fatalf("got %v, want an error wrapping ErrNoPin", err)
	}
	for _, want := range []string{`"GPIO26" is not one of this machine's`, "check the pin name", "--sim"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestOpenSPIMissing(t *testing.T) {
	_, err := OpenSPI("SPI9.9")
	if !errors.Is(err, ErrNoSPI) || !strings.Contains(err.Error(), `"SPI9.9"`) || !strings.Contains(err.Error(), "--sim") {
		t.Errorf("got %v, want an error wrapping ErrNoSPI naming the port and --sim", err)
	}
}
