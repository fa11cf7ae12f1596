package speech

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestParseWAV(t *testing.T) {
	good := encodeWAV(Audio{PCM: []byte{1, 2, 3, 4}, SampleRate: 22050})
	streamed := bytes.Clone(good)
	binary.LittleEndian.PutUint32(streamed[40:], 0x7ffff000) // espeak-ng --stdout placeholder
	withList := append(append(bytes.Clone(good[:36]), []byte("LIST\x03\x00\x00\x00abc\x00")...), good[36:]...)
	stereo := bytes.Clone(good)
	stereo[22] = 2
	tests := []struct {
		name    string
		data    []byte
		wantPCM []byte
		wantErr string
	}{
		{"canonical", good, []byte{1, 2, 3, 4}, ""},
		{"placeholder data size", streamed, []byte{1, 2, 3, 4}, ""},
		{"odd chunk padded", withList, []byte{1, 2, 3, 4}, ""},
		{"odd data length", append(bytes.Clone(streamed), 9), []byte{1, 2, 3, 4}, ""},
		{"stereo", stereo, nil, "2 channels"},
		{"not riff", []byte("RIFX0000WAVE"), nil, "no RIFF/WAVE header"},
		{"short", []byte("RI"), nil, "no RIFF/WAVE header"},
		{"no data", good[:36], nil, "no data chunk"},
		{"data before fmt", append([]byte("RIFF\x00\x00\x00\x00WAVE"), good[36:]...), nil, "before the fmt chunk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseWAV(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.PCM, tt.wantPCM) || a.SampleRate != 22050 {
				t.Errorf("got %v at %d Hz, want %v at 22050 Hz", a.PCM, a.SampleRate, tt.wantPCM)
			}
		})
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(encodeWAV(Audio{PCM: []byte{1, 2, 3, 4}, SampleRate: 22050}))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := parseWAV(data)
		if err != nil {
			return
		}
		if a.SampleRate <= 0 || len(a.PCM)%2 != 0 {
			t.Fatalf("accepted bad audio: %d Hz, %d bytes", a.SampleRate, len(a.PCM))
		}
		b, err := parseWAV(encodeWAV(a))
		if err != nil || !bytes.Equal(a.PCM, b.PCM) || a.SampleRate != b.SampleRate {
			t.Fatalf("round trip: %v", err)
		}
	})
}
