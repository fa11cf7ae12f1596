package wyoming_test

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/hark-assistant/hark/firmware/wyoming"
)

// An event as the Wyoming Python writer frames it (wyoming/event.py): the
// header line, then the data block, then the payload.
func ExampleWriteEvent() {
	e, _ := wyoming.NewEvent("audio-chunk", map[string]any{"rate": 16000, "width": 2, "channels": 1}, []byte{0, 0})
	var b bytes.Buffer
	_ = wyoming.WriteEvent(&b, e)
	fmt.Printf("%q\n", b.String())
	// Output:
	// "{\"type\":\"audio-chunk\",\"version\":\"1.7.0\",\"data_length\":37,\"payload_length\":2}\n{\"channels\":1,\"rate\":16000,\"width\":2}\x00\x00"
}

// Both data forms read the same: inline in the header (older writers) and
// as a separate block merged over it.
func ExampleReadEvent() {
	in := `{"type":"ping","data":{"text":"inline"}}` + "\n" +
		`{"type":"ping","data_length":16}` + "\n" + `{"text":"block"}`
	r := bufio.NewReader(bytes.NewReader([]byte(in)))
	for range 2 {
		e, err := wyoming.ReadEvent(r)
		var d struct{ Text string }
		_ = e.Decode(&d)
		fmt.Println(e.Type, d.Text, err)
	}
	// Output:
	// ping inline <nil>
	// ping block <nil>
}
