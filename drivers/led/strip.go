package led

import (
	"fmt"

	"periph.io/x/conn/v3/spi"
	"periph.io/x/devices/v3/apa102"
)

// StripOptions describes an APA102 strip.
type StripOptions struct {
	// Pixels is the number of LEDs: 3 on the ReSpeaker 2-Mic Pi HAT, 12 on
	// the 4-Mic array. Default 3.
	Pixels int
	// Intensity caps the brightness (0 to 255, logarithmic). Default 64:
	// full power is glaring on a desk.
	Intensity uint8
}

// Strip is an APA102 LED strip over SPI; every LED shows the same colour.
type Strip struct {
	dev *apa102.Dev
	buf []byte
}

// NewStrip returns a Light driving the APA102 strip on port.
func NewStrip(port spi.Port, opts StripOptions) (*Strip, error) {
	if opts.Pixels <= 0 {
		opts.Pixels = 3
	}
	if opts.Intensity == 0 {
		opts.Intensity = 64
	}
	dev, err := apa102.New(port, &apa102.Opts{
		NumPixels:   opts.Pixels,
		Intensity:   opts.Intensity,
		Temperature: apa102.NeutralTemp,
	})
	if err != nil {
		return nil, fmt.Errorf("led: APA102 strip on %s: %w", port, err)
	}
	return &Strip{dev: dev, buf: make([]byte, 3*opts.Pixels)}, nil
}

func (s *Strip) String() string { return s.dev.String() }

// Set implements Light.
func (s *Strip) Set(c Color) error {
	for i := 0; i < len(s.buf); i += 3 {
		s.buf[i], s.buf[i+1], s.buf[i+2] = c.R, c.G, c.B
	}
	if _, err := s.dev.Write(s.buf); err != nil {
		return fmt.Errorf("led: %s: %w", s.dev, err)
	}
	return nil
}
