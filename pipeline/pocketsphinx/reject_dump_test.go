//go:build !nopocketsphinx

package pocketsphinx

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestRejectionDump (HARK_REJECT_DUMP=file.json) writes, for each
// utterance of BenchmarkRejection, what the grammar heard and the segments
// of both paths (the grammar's, the phone loop's), to try rejection
// measures offline; HARK_REJECT_AUDIO names a folder keeping the
// synthesised audio between runs.
func TestRejectionDump(t *testing.T) {
	out := os.Getenv("HARK_REJECT_DUMP")
	if out == "" {
		t.Skip("HARK_REJECT_DUMP not set")
	}
	dir := os.Getenv("HARK_REJECT_AUDIO")
	if dir == "" {
		dir = t.TempDir()
	}
	g := harkGrammar(t)
	type rec struct {
		Voice, Said, Heard string
		In                 bool
		Gram, Free         []segment
	}
	var all []rec
	for _, v := range rejectionVoices {
		r := newRecognizer(t, Config{})
		if err := r.SetGrammar(g); err != nil {
			t.Fatal(err)
		}
		for _, set := range []struct {
			s  []string
			in bool
		}{{inGrammar, true}, {outOfGrammar, false}} {
			for _, s := range set.s {
				var pcm []byte
				cached := filepath.Join(dir, v.name+"_"+s+".pcm")
				if b, err := os.ReadFile(cached); err == nil {
					pcm = b
				} else {
					pcm = synthesise(t, dir, v, s)
					if err := os.WriteFile(cached, pcm, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				res := recogniseResult(t, r, pcm)
				all = append(all, rec{v.name, s, res.Text, set.in, r.lastSegs[0], r.lastSegs[1]})
				r.lastSegs = [2][]segment{}
			}
		}
	}
	b, _ := json.Marshal(all)
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
