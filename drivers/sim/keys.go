package sim

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Keys is a simulated button pin: every line read toggles it between
// released and pressed. When the input ends, a pressed button is released.
type Keys struct {
	lines chan struct{} // one per line read; closed when the input ends
	halt  chan struct{}

	mu      sync.Mutex
	pull    gpio.Pull
	pressed bool
	ended   bool
}

// NewKeys returns a button pin toggled by the lines of r. A goroutine reads r
// until it ends or fails; a read of a terminal cannot be interrupted, so with
// os.Stdin that goroutine lasts until the program exits.
func NewKeys(r io.Reader) *Keys { return NewTypingKeys(r, nil) }

// NewTypingKeys is NewKeys where a line holding words is typed text rather
// than a toggle: it goes to typed (nil: it toggles like an empty line),
// called on the reading goroutine, which it must not block.
func NewTypingKeys(r io.Reader, typed func(text string)) *Keys {
	k := &Keys{lines: make(chan struct{}, 64), halt: make(chan struct{}, 1)}
	go func() {
		defer close(k.lines)
		s := bufio.NewScanner(r)
		for s.Scan() {
			if text := strings.TrimSpace(s.Text()); text != "" && typed != nil {
				typed(text)
				continue
			}
			k.lines <- struct{}{}
		}
	}()
	return k
}

// String implements conn.Resource.
func (k *Keys) String() string { return "keyboard (Enter toggles the button)" }

// Halt implements conn.Resource: it interrupts a pending WaitForEdge.
func (k *Keys) Halt() error {
	select {
	case k.halt <- struct{}{}:
	default:
	}
	return nil
}

// Name implements pin.Pin.
func (k *Keys) Name() string { return "keyboard" }

// Number implements pin.Pin.
func (k *Keys) Number() int { return -1 }

// Function implements pin.Pin.
func (k *Keys) Function() string { return string(gpio.IN) }

// In implements gpio.PinIn. The pull sets which level is "released", as a
// pull resistor would on a real button: High with gpio.PullUp, Low otherwise.
func (k *Keys) In(pull gpio.Pull, edge gpio.Edge) error {
	if edge != gpio.BothEdges && edge != gpio.NoEdge {
		return errors.New("sim: the keyboard button reports both edges only")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pull = pull
	return nil
}

// Read implements gpio.PinIn.
func (k *Keys) Read() gpio.Level {
	k.mu.Lock()
	defer k.mu.Unlock()
	return gpio.Level(k.pressed != (k.pull == gpio.PullUp))
}

// WaitForEdge implements gpio.PinIn: it returns true when a line toggled the
// button, false on timeout or Halt.
func (k *Keys) WaitForEdge(timeout time.Duration) bool {
	var expired <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	k.mu.Lock()
	lines := k.lines
	if k.ended {
		lines = nil // a closed channel would always be ready
	}
	k.mu.Unlock()
	select {
	case _, ok := <-lines:
		k.mu.Lock()
		defer k.mu.Unlock()
		if ok {
			k.pressed = !k.pressed
			return true
		}
		k.ended = true
		if k.pressed {
			k.pressed = false
			return true
		}
		return false
	case <-k.halt:
		return false
	case <-expired:
		return false
	}
}

// Pull implements gpio.PinIn.
func (k *Keys) Pull() gpio.Pull {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.pull
}

// DefaultPull implements gpio.PinIn.
func (k *Keys) DefaultPull() gpio.Pull { return gpio.PullUp }

var _ gpio.PinIn = (*Keys)(nil)
