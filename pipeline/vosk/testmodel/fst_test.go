package testmodel

import (
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestFSTRoundTrip(t *testing.T) {
	tm := newTransitionModel()
	for name, f := range map[string]*fst{"HCLG": wordLoopGraph(tm), "Gr": wordLoopAcceptor()} {
		data := marshalFST(f)
		got, err := unmarshalFST(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, f) {
			t.Errorf("%s: round trip changed the FST", name)
		}
	}
	// The layout verified against libvosk: 7 states, 48 arcs, 918 bytes.
	g := wordLoopGraph(tm)
	if n, a, b := len(g.states), g.numArcs(), len(marshalFST(g)); n != 7 || a != 48 || b != 918 {
		t.Errorf("HCLG: %d states, %d arcs, %d bytes; want 7, 48, 918", n, a, b)
	}
}

func TestWordLoopGraphLabels(t *testing.T) {
	tm := newTransitionModel()
	g := wordLoopGraph(tm)
	for s, st := range g.states {
		if st.final != 0 {
			t.Errorf("state %d not final", s)
		}
		for _, a := range st.arcs {
			p := int(a.next)
			loop, exit := tm.tids(p)
			switch {
			case a.ilabel == loop && s == p && a.olabel == 0 && a.weight == 0:
			case a.ilabel == exit && a.olabel == wordOfPhone(p) && a.weight == wordEntryCost:
			default:
				t.Errorf("state %d: unexpected arc %+v", s, a)
			}
		}
	}
	// Transition-ids follow the topology: self-loop 2p-1, exit 2p.
	for p := 1; p <= numPhones(); p++ {
		if loop, exit := tm.tids(p); loop != int32(2*p-1) || exit != int32(2*p) {
			t.Errorf("phone %d: tids %d, %d", p, loop, exit)
		}
	}
}

func TestUnmarshalFSTErrors(t *testing.T) {
	good := marshalFST(wordLoopAcceptor()) // 1 state, 5 arcs
	patch := func(off int, v uint32) []byte {
		b := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	nan := math.Float32bits(float32(math.NaN()))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"bad magic", patch(0, 0x12345678), "bad magic"},
		{"fst type", append(append([]byte(nil), good[:8]...), append([]byte("compac"), good[14:]...)...), "type"},
		{"string length", patch(4, 1<<30), "string length"},
		{"version", patch(26, 1), "version 1"},
		{"flags", patch(30, 1), "flags"},
		{"start", patch(42, 3), "start state 3"},
		{"states", patch(50, 1<<30), "do not fit"},
		{"arc count", patch(58, 4), "arcs"},
		{"target", patch(66+12+12, 7), "target state 7"},
		{"weight", patch(66+12+8, nan), "weight"},
		{"truncated", good[:len(good)-3], "truncated"},
		{"trailing", append(append([]byte(nil), good...), 0), "trailing"},
	}
	for _, tt := range tests {
		_, err := unmarshalFST(tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}

func FuzzUnmarshalFST(f *testing.F) {
	f.Add(marshalFST(wordLoopAcceptor()))
	f.Add(marshalFST(wordLoopGraph(newTransitionModel())))
	f.Add([]byte{0xd6, 0xfd, 0xb2, 0x7e})
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := unmarshalFST(data)
		if err != nil {
			return
		}
		// Whatever parses must survive a round trip unchanged.
		if again := marshalFST(g); string(again) != string(data) {
			// Only the properties field may differ: marshalFST writes its own.
			if len(again) != len(data) || string(again[:34]) != string(data[:34]) || string(again[42:]) != string(data[42:]) {
				t.Fatalf("round trip changed %d bytes into %d", len(data), len(again))
			}
		}
	})
}
