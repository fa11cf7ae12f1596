package pins

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// These tests run on machines without GPIO (CI, qemu): there, periph knows
// none of the Pi's pins.

func TestOpenMissingPin(t *testing.T) {
	_, err := Open("HARK_NO_SUCH_PIN")
	if !errors.Is(err, ErrNoPin) {
		t.Fatalf("got %v, want an error wrapping ErrNoPin", err)
	}
	for _, want := range []string{`"HARK_NO_SUCH_PIN"`, "--sim"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestOpenWithoutGPIO(t *testing.T) {
	_, err := Open("GPIO17")
	if len(gpioreg.All()) > 0 {
		t.Skipf("this machine has GPIO pins (Open(GPIO17) = %v); the no-GPIO message cannot be seen here", err)
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

func TestOpenFindsRegisteredPin(t *testing.T) {
	fake := &gpiotest.Pin{N: "HARK_TEST_PIN", Num: -1}
	if err := gpioreg.Register(fake); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gpioreg.Unregister(fake.N) })
	p, err := Open(fake.N)
	if err != nil || p != fake {
		t.Fatalf("Open = %v, %v; want the registered pin", p, err)
	}
	// Now the machine has a pin, the error is about the name instead.
	_, err = Open("HARK_NO_SUCH_PIN")
	if !errors.Is(err, ErrNoPin) || !strings.Contains(err.Error(), "check the pin name") {
		t.Errorf("got %v, want a missing-name error", err)
	}
}

func TestOpenSPIMissing(t *testing.T) {
	_, err := OpenSPI("SPI9.9")
	if !errors.Is(err, ErrNoSPI) || !strings.Contains(err.Error(), `"SPI9.9"`) || !strings.Contains(err.Error(), "--sim") {
		t.Errorf("got %v, want an error wrapping ErrNoSPI naming the port and --sim", err)
	}
}
