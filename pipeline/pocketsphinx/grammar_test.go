package pocketsphinx

import (
	"reflect"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		phrase string
		want   []string
	}{
		{"Turn on the Kitchen light", []string{"turn", "on", "the", "kitchen", "light"}},
		{"  what's   the time?  ", []string{"what's", "the", "time"}},
		{"set a timer for 5 minutes", []string{"set", "a", "timer", "for", "five", "minutes"}},
		{"wake me at 7pm", []string{"wake", "me", "at", "seven", "pm"}},
		{"count to 21", []string{"count", "to", "twenty", "one"}},
		{"100", []string{"one", "hundred"}},
		{"1205", []string{"one", "thousand", "two", "hundred", "five"}},
		{"40000", []string{"forty", "thousand"}},
		{"0", []string{"zero"}},
		{"007", []string{"zero", "zero", "seven"}},
		{"1234567", []string{"one", "two", "three", "four", "five", "six", "seven"}},
		{"rock'n'roll", []string{"rock'n'roll"}},
		{"'quoted'", []string{"quoted"}},
		{"a-b/c", []string{"a", "b", "c"}},
		{"", nil},
		{"?!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			if got := Words(tt.phrase); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.phrase, got, tt.want)
			}
		})
	}
}
