package wyoming

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// The framing tests follow the Wyoming project's published framing,
// rhasspy/wyoming 1.7.0 wyoming/event.py: a JSON header line with type,
// version, data (inline, older writers), data_length and payload_length;
// then data_length bytes of JSON data merged over the inline data; then
// payload_length bytes of payload.

func read(s string) (Event, error) { return ReadEvent(bufio.NewReader(strings.NewReader(s))) }

func dataMap(t *testing.T, e Event) map[string]any {
	t.Helper()
	var m map[string]any
	if len(e.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(e.Data, &m); err != nil {
		t.Fatalf("data %q: %v", e.Data, err)
	}
	return m
}

func TestReadEvent(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		typ     string
		data    map[string]any
		payload string
	}{
		{"bare", `{"type":"describe"}` + "\n", "describe", nil, ""},
		{"inline data", `{"type":"ping","data":{"text":"hi"}}` + "\n", "ping", map[string]any{"text": "hi"}, ""},
		{"separate data", `{"type":"ping","version":"1.7.0","data_length":13}` + "\n" + `{"text":"hi"}`, "ping", map[string]any{"text": "hi"}, ""},
		{"separate merged over inline", `{"type":"x","data":{"a":1,"b":1},"data_length":7}` + "\n" + `{"b":2}`,
			"x", map[string]any{"a": 1.0, "b": 2.0}, ""},
		{"payload", `{"type":"audio-chunk","data_length":2,"payload_length":3}` + "\n" + `{}abc`, "audio-chunk", map[string]any{}, "abc"},
		{"null lengths and data", `{"type":"x","data":null,"data_length":null,"payload_length":null}` + "\n", "x", nil, ""},
		{"zero lengths", `{"type":"x","data_length":0,"payload_length":0}` + "\n", "x", nil, ""},
		{"unknown header keys", `{"type":"x","extra":[1,2]}` + "\n", "x", nil, ""},
		{"utf-8", `{"type":"transcript","data":{"text":"Grüezi"}}` + "\n", "transcript", map[string]any{"text": "Grüezi"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := read(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if e.Type != tt.typ || string(e.Payload) != tt.payload {
				t.Errorf("got %q payload %q, want %q payload %q", e.Type, e.Payload, tt.typ, tt.payload)
			}
			if got := dataMap(t, e); !reflect.DeepEqual(got, tt.data) && !(len(got) == 0 && len(tt.data) == 0) {
				t.Errorf("data %v, want %v", got, tt.data)
			}
		})
	}
}

func TestReadEventErrors(t *testing.T) {
	long := `{"type":"x","pad":"` + strings.Repeat("a", MaxHeader) + `"}` + "\n"
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"not JSON", "hello\n", ErrFraming},
		{"JSON not an object", "[1,2]\n", ErrFraming},
		{"no type", `{"data":{}}` + "\n", ErrFraming},
		{"empty type", `{"type":""}` + "\n", ErrFraming},
		{"type not a string", `{"type":3}` + "\n", ErrFraming},
		{"header too long", long, ErrFraming},
		{"negative data_length", `{"type":"x","data_length":-1}` + "\n", ErrFraming},
		{"data_length over the limit", `{"type":"x","data_length":65537}` + "\n", ErrFraming},
		{"payload_length over the limit", `{"type":"x","payload_length":1048577}` + "\n", ErrFraming},
		{"length not a number", `{"type":"x","payload_length":"3"}` + "\n", ErrFraming},
		{"fractional length", `{"type":"x","payload_length":1.5}` + "\n", ErrFraming},
		{"data not JSON", `{"type":"x","data_length":3}` + "\n" + `abc`, ErrFraming},
		{"data not an object", `{"type":"x","data_length":3}` + "\n" + `[1]`, ErrFraming},
		{"inline data not an object", `{"type":"x","data":"a"}` + "\n", ErrFraming},
		{"cut header", `{"type":"x"`, io.ErrUnexpectedEOF},
		{"cut data", `{"type":"x","data_length":10}` + "\n" + `{"a"`, io.ErrUnexpectedEOF},
		{"cut payload", `{"type":"x","payload_length":10}` + "\n" + `abc`, io.ErrUnexpectedEOF},
		{"clean end", "", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := read(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

// TestReadEventLimits: lengths at the limits are accepted.
func TestReadEventLimits(t *testing.T) {
	pad := MaxHeader - len(`{"type":"x","p":""}`+"\n")
	if _, err := read(`{"type":"x","p":"` + strings.Repeat("a", pad) + `"}` + "\n"); err != nil {
		t.Errorf("header of MaxHeader bytes: %v", err)
	}
	e, err := read(`{"type":"x","payload_length":1048576}` + "\n" + strings.Repeat("p", MaxPayload))
	if err != nil || len(e.Payload) != MaxPayload {
		t.Errorf("payload of MaxPayload bytes: %d, %v", len(e.Payload), err)
	}
}

// TestWriteEvent: the writer's form is the Python writer's: version, data
// as a separate block with data_length, payload_length only with a payload.
func TestWriteEvent(t *testing.T) {
	tests := []struct {
		e    Event
		want string
	}{
		{mustEvent("describe", nil, nil), `{"type":"describe","version":"1.7.0"}` + "\n"},
		{mustEvent("played", map[string]any{}, nil), `{"type":"played","version":"1.7.0"}` + "\n"},
		{mustEvent("pong", map[string]any{"text": "hi"}, nil), `{"type":"pong","version":"1.7.0","data_length":13}` + "\n" + `{"text":"hi"}`},
		{mustEvent("audio-chunk", map[string]any{"rate": 16000}, []byte{1, 2}), `{"type":"audio-chunk","version":"1.7.0","data_length":14,"payload_length":2}` + "\n" + `{"rate":16000}` + "\x01\x02"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := WriteEvent(&b, tt.e); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s: wrote %q, want %q", tt.e.Type, b.String(), tt.want)
		}
		back, err := ReadEvent(bufio.NewReader(&b))
		if err != nil || back.Type != tt.e.Type || !bytes.Equal(back.Payload, tt.e.Payload) {
			t.Errorf("%s: read back %+v, %v", tt.e.Type, back, err)
		}
	}
	if err := WriteEvent(io.Discard, Event{}); err == nil {
		t.Error("an event without a type was written")
	}
	if err := WriteEvent(io.Discard, Event{Type: "x", Payload: make([]byte, MaxPayload+1)}); err == nil {
		t.Error("a payload over the limit was written")
	}
	if _, err := NewEvent("x", []int{1}, nil); err == nil {
		t.Error("NewEvent took data that is not an object")
	}
}

// FuzzReadEvent: ReadEvent never panics nor reads past its limits, and
// what it reads, written back, reads the same.
func FuzzReadEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"describe"}` + "\n",
		`{"type":"ping","data":{"text":"hi"}}` + "\n",
		`{"type":"x","data":{"a":1},"data_length":7,"payload_length":2}` + "\n" + `{"b":2}ab`,
		`{"type":"audio-chunk","data_length":2,"payload_length":3}` + "\n" + `{}abc`,
		`{"type":"x","data_length":-1}` + "\n",
		`{"type":"x","payload_length":99999999999999999999}` + "\n",
		"\n", "{}", `{"type":"x","data":"s"}` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := ReadEvent(bufio.NewReader(bytes.NewReader(in)))
		if err != nil {
			return
		}
		if e.Type == "" || len(e.Payload) > MaxPayload || (len(e.Data) > 0 && !json.Valid(e.Data)) {
			t.Fatalf("bad event %+v", e)
		}
		var b bytes.Buffer
		if err := WriteEvent(&b, e); err != nil {
			if len(e.Data) > MaxData { // inline data may be larger than a separate block
				return
			}
			t.Fatalf("write %+v: %v", e, err)
		}
		back, err := ReadEvent(bufio.NewReader(&b))
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		var d1, d2 any
		json.Unmarshal(e.Data, &d1)
		json.Unmarshal(back.Data, &d2)
		if isEmptyObject(e.Data) {
			d1 = nil
		}
		if back.Type != e.Type || !bytes.Equal(back.Payload, e.Payload) || !reflect.DeepEqual(d1, d2) {
			t.Fatalf("round trip: %+v became %+v", e, back)
		}
	})
}
