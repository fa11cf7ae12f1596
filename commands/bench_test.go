package commands

import (
	"fmt"
	"testing"

	"github.com/hark-assistant/hark/commands/pattern"
)

// BenchmarkManagerMatch200 finds the commands of a 20-word utterance among
// 200 (see also pattern.BenchmarkMatch200 for the regexp baseline).
func BenchmarkManagerMatch200(b *testing.B) {
	verbs := []string{"turn", "switch", "open", "close", "start", "stop", "play", "show", "find", "check"}
	nouns := []string{"light", "lamp", "door", "window", "music", "radio", "timer", "alarm", "heating", "fan",
		"kettle", "oven", "blinds", "garage", "gate", "camera", "speaker", "tv", "printer", "news"}
	var cmds []Command
	for i := range 200 {
		v, n := verbs[i%len(verbs)], nouns[i/len(verbs)]
		cmds = append(cmds, Command{Name: fmt.Sprint(i), Pattern: fmt.Sprintf("%s (on|off)? the $room:Word? %s", v, n), Handler: answer("")})
	}
	m, err := NewManager(pattern.NewTypes(), cmds...)
	if err != nil {
		b.Fatal(err)
	}
	const text = "could you please turn on the kitchen light and then tell me how warm the oven is right now"
	if got := len(m.Match(text, t0)); got != 1 {
		b.Fatalf("%d matches, want 1", got)
	}
	b.ResetTimer()
	for range b.N {
		m.Match(text, t0)
	}
}
