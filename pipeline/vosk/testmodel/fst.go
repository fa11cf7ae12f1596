package testmodel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// fstMagic opens every OpenFst binary file.
const fstMagic = 0x7EB2FDD6

// fstProperties are kExpanded|kMutable, what a VectorFst claims of itself
// when nothing has been computed about it.
const fstProperties = 3

// fst is an OpenFst VectorFst with the "standard" (tropical, float32) arc
// type: weights are costs, +Inf final weight means not final.
type fst struct {
	start  int64
	states []fstState
}

type fstState struct {
	final float32
	arcs  []fstArc
}

type fstArc struct {
	ilabel, olabel int32
	weight         float32
	next           int32
}

func (f *fst) numArcs() int64 {
	var n int64
	for _, s := range f.states {
		n += int64(len(s.arcs))
	}
	return n
}

// marshalFST encodes f as an OpenFst "vector" binary without symbol tables.
func marshalFST(f *fst) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { _ = binary.Write(&b, le, v) } // bytes.Buffer writes cannot fail
	str := func(s string) { w(int32(len(s))); b.WriteString(s) }
	w(uint32(fstMagic))
	str("vector")
	str("standard")
	w(int32(2)) // version
	w(int32(0)) // flags: no embedded symbol tables
	w(uint64(fstProperties))
	w(f.start)
	w(int64(len(f.states)))
	w(f.numArcs())
	for _, s := range f.states {
		w(s.final)
		w(int64(len(s.arcs)))
		for _, a := range s.arcs {
			w(a.ilabel)
			w(a.olabel)
			w(a.weight)
			w(a.next)
		}
	}
	return b.Bytes()
}

// errFSTTruncated reports a file that ends inside the structure its header announced.
var errFSTTruncated = errors.New("truncated")

// unmarshalFST decodes the subset of OpenFst binaries marshalFST writes
// ("vector"/"standard", version 2, no symbol tables) and checks that the
// start state and every arc's target exist.
func unmarshalFST(data []byte) (*fst, error) {
	r := bytes.NewReader(data)
	le := binary.LittleEndian
	rd := func(v any) error {
		if err := binary.Read(r, le, v); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errFSTTruncated
			}
			return err
		}
		return nil
	}
	str := func() (string, error) {
		var n int32
		if err := rd(&n); err != nil {
			return "", err
		}
		if n < 0 || int(n) > r.Len() {
			return "", fmt.Errorf("string length %d at offset %d", n, len(data)-r.Len()-4)
		}
		s := make([]byte, n)
		_, _ = r.Read(s) // length checked above
		return string(s), nil
	}
	var magic uint32
	if err := rd(&magic); err != nil {
		return nil, err
	}
	if magic != fstMagic {
		return nil, fmt.Errorf("bad magic %#x, want %#x", magic, fstMagic)
	}
	fstType, err := str()
	if err != nil {
		return nil, err
	}
	arcType, err := str()
	if err != nil {
		return nil, err
	}
	if fstType != "vector" || arcType != "standard" {
		return nil, fmt.Errorf("type %q/%q, want \"vector\"/\"standard\"", fstType, arcType)
	}
	var version, flags int32
	var props uint64
	var start, nStates, nArcs int64
	for _, v := range []any{&version, &flags, &props, &start, &nStates, &nArcs} {
		if err := rd(v); err != nil {
			return nil, err
		}
	}
	if version != 2 {
		return nil, fmt.Errorf("version %d, want 2", version)
	}
	if flags != 0 {
		return nil, fmt.Errorf("flags %#x: embedded symbol tables or alignment are not supported", flags)
	}
	// Each state takes at least 12 bytes and each arc 16: bounding the counts
	// by the remaining size keeps a corrupt header from allocating gigabytes.
	if nStates < 0 || nArcs < 0 || nStates > int64(r.Len())/12 || nArcs > int64(r.Len())/16 {
		return nil, fmt.Errorf("%d states, %d arcs do not fit in %d bytes", nStates, nArcs, r.Len())
	}
	if start < 0 || start >= nStates {
		return nil, fmt.Errorf("start state %d of %d states", start, nStates)
	}
	f := &fst{start: start, states: make([]fstState, nStates)}
	var seen int64
	for i := range f.states {
		s := &f.states[i]
		var n int64
		if err := rd(&s.final); err != nil {
			return nil, err
		}
		if err := rd(&n); err != nil {
			return nil, err
		}
		if n < 0 || n > nArcs-seen {
			return nil, fmt.Errorf("state %d: %d arcs, only %d of %d left", i, n, nArcs-seen, nArcs)
		}
		seen += n
		s.arcs = make([]fstArc, n)
		for j := range s.arcs {
			a := &s.arcs[j]
			for _, v := range []any{&a.ilabel, &a.olabel, &a.weight, &a.next} {
				if err := rd(v); err != nil {
					return nil, err
				}
			}
			if a.next < 0 || int64(a.next) >= nStates {
				return nil, fmt.Errorf("state %d arc %d: target state %d of %d", i, j, a.next, nStates)
			}
			if math.IsNaN(float64(a.weight)) || math.IsInf(float64(a.weight), 0) {
				return nil, fmt.Errorf("state %d arc %d: weight %v", i, j, a.weight)
			}
		}
	}
	if seen != nArcs {
		return nil, fmt.Errorf("header announces %d arcs, states hold %d", nArcs, seen)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%d trailing bytes", r.Len())
	}
	return f, nil
}
