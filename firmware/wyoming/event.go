package wyoming

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Limits on what ReadEvent accepts: Home Assistant's events are far
// smaller (an audio chunk is 2048 bytes of PCM, an info block under a
// kilobyte), so anything larger is a broken or hostile peer, and a bound
// keeps one from making Hark allocate without end.
const (
	MaxHeader  = 64 << 10 // the JSON header line, newline included
	MaxData    = 64 << 10 // the separate JSON data block
	MaxPayload = 1 << 20  // the binary payload
)

// ProtocolVersion is the version written in every header: the wyoming
// package release whose event.py this implementation follows.
const ProtocolVersion = "1.7.0"

// ErrFraming is wrapped by every error ReadEvent returns for bytes that
// break the framing (as opposed to the connection's own errors, io.EOF
// and io.ErrUnexpectedEOF).
var ErrFraming = errors.New("wyoming: bad framing")

// Event is one Wyoming event: a type, its data (a JSON object, nil when
// the event has none) and an optional binary payload (audio).
type Event struct {
	Type    string
	Data    json.RawMessage
	Payload []byte
}

// NewEvent returns an event of type typ whose data is data marshalled to
// JSON; data must marshal to a JSON object (a struct or a map), or be nil.
func NewEvent(typ string, data any, payload []byte) (Event, error) {
	e := Event{Type: typ, Payload: payload}
	if data == nil {
		return e, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("wyoming: %s data: %w", typ, err)
	}
	if len(b) == 0 || b[0] != '{' {
		return Event{}, fmt.Errorf("wyoming: %s data is not a JSON object", typ)
	}
	e.Data = b
	return e, nil
}

// Decode unmarshals the event's data into v; data-less events leave v
// alone.
func (e Event) Decode(v any) error {
	if len(e.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("wyoming: %s data: %w", e.Type, err)
	}
	return nil
}

// header is the first line of an event (wyoming/event.py). Lengths are
// pointers so that JSON null, which the Python reader takes as absent, is
// accepted.
type header struct {
	Type          *string         `json:"type"`
	Version       string          `json:"version,omitempty"`
	Data          json.RawMessage `json:"data,omitempty"`
	DataLength    *int64          `json:"data_length,omitempty"`
	PayloadLength *int64          `json:"payload_length,omitempty"`
}

func framing(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFraming, fmt.Sprintf(format, args...))
}

// ReadEvent reads one event from r, as wyoming/event.py's async_read_event
// does: a JSON header line, then data_length bytes of JSON data merged
// over the header's inline data, then payload_length bytes of payload.
// Both the inline and the separate data form are accepted. It returns
// io.EOF at a clean end between events, io.ErrUnexpectedEOF when the
// stream ends inside one, and an error wrapping ErrFraming for a header
// that is not JSON, lacks a type, has a length that is negative or above
// its limit (MaxHeader, MaxData, MaxPayload), or data that is not a JSON
// object. After an error the stream is out of step: close it.
func ReadEvent(r *bufio.Reader) (Event, error) {
	line, err := readLine(r, MaxHeader)
	if err != nil {
		return Event{}, err
	}
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return Event{}, framing("header is not a JSON object: %v", err)
	}
	if h.Type == nil || *h.Type == "" {
		return Event{}, framing("header has no type")
	}
	e := Event{Type: *h.Type}
	if !isObject(h.Data) && !isNull(h.Data) {
		return Event{}, framing("%s: inline data is not a JSON object", e.Type)
	}
	if isObject(h.Data) {
		e.Data = bytes.Clone(h.Data)
	}
	if n, err := length(h.DataLength, MaxData, "data_length"); err != nil {
		return Event{}, err
	} else if n > 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Event{}, cut(err)
		}
		if !isObject(buf) {
			return Event{}, framing("%s: data is not a JSON object", e.Type)
		}
		merged, err := merge(e.Data, buf)
		if err != nil {
			return Event{}, framing("%s: data: %v", e.Type, err)
		}
		e.Data = merged
	}
	if n, err := length(h.PayloadLength, MaxPayload, "payload_length"); err != nil {
		return Event{}, err
	} else if n > 0 {
		e.Payload = make([]byte, n)
		if _, err := io.ReadFull(r, e.Payload); err != nil {
			return Event{}, cut(err)
		}
	}
	return e, nil
}

// WriteEvent writes e to w as wyoming/event.py's writer does: the header
// line with the version, data_length when there is data and
// payload_length when there is a payload, then the data, then the
// payload, in a single Write.
func WriteEvent(w io.Writer, e Event) error {
	if e.Type == "" {
		return errors.New("wyoming: event without a type")
	}
	if len(e.Data) > 0 && !isObject(e.Data) {
		return fmt.Errorf("wyoming: %s data is not a JSON object", e.Type)
	}
	h := header{Type: &e.Type, Version: ProtocolVersion}
	data := e.Data
	if isEmptyObject(data) {
		data = nil // the Python writer sends no data block for {}
	}
	if len(data) > 0 {
		if len(data) > MaxData {
			return fmt.Errorf("wyoming: %s data of %d bytes is over the limit of %d", e.Type, len(data), MaxData)
		}
		n := int64(len(data))
		h.DataLength = &n
	}
	if len(e.Payload) > 0 {
		if len(e.Payload) > MaxPayload {
			return fmt.Errorf("wyoming: %s payload of %d bytes is over the limit of %d", e.Type, len(e.Payload), MaxPayload)
		}
		n := int64(len(e.Payload))
		h.PayloadLength = &n
	}
	line, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("wyoming: %s header: %w", e.Type, err)
	}
	buf := make([]byte, 0, len(line)+1+len(data)+len(e.Payload))
	buf = append(append(append(append(buf, line...), '\n'), data...), e.Payload...)
	_, err = w.Write(buf)
	return err
}

// readLine reads up to and including '\n', refusing lines longer than max.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		frag, err := r.ReadSlice('\n')
		if len(line)+len(frag) > max {
			return nil, framing("header line longer than %d bytes", max)
		}
		line = append(line, frag...)
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			if len(line) >= max {
				// No newline in max bytes: refuse now rather than wait
				// for more from a peer that may send no more.
				return nil, framing("header line longer than %d bytes", max)
			}
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

func length(n *int64, max int64, key string) (int64, error) {
	switch {
	case n == nil:
		return 0, nil
	case *n < 0:
		return 0, framing("%s %d is negative", key, *n)
	case *n > max:
		return 0, framing("%s %d is over the limit of %s bytes", key, *n, strconv.FormatInt(max, 10))
	}
	return *n, nil
}

// cut maps the end of the stream inside an event to io.ErrUnexpectedEOF.
func cut(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// merge lays the keys of over on base, as Python's dict.update does.
func merge(base, over []byte) ([]byte, error) {
	if len(base) == 0 {
		return bytes.Clone(over), nil
	}
	var b, o map[string]json.RawMessage
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(over, &o); err != nil {
		return nil, err
	}
	for k, v := range o {
		b[k] = v
	}
	return json.Marshal(b)
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

func isObject(b []byte) bool { return firstByte(b) == '{' && json.Valid(b) }

func isNull(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0 || string(bytes.TrimSpace(b)) == "null"
}

func isEmptyObject(b []byte) bool {
	var m map[string]json.RawMessage
	return len(b) > 0 && json.Unmarshal(b, &m) == nil && len(m) == 0
}
