package assistant

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/commands/lang"
)

// TestBuiltinsSpeakTheLanguage: with a German or French pack the
// built-ins answer their own sentences in that language, two commands
// joined by its joiner are both answered, and what matches nothing gets
// the pack's not-found reply.
func TestBuiltinsSpeakTheLanguage(t *testing.T) {
	at := time.Date(2026, 1, 5, 15, 4, 0, 0, time.Local) // a Monday
	for _, tt := range []struct {
		code string
		says map[string]string
	}{
		{"de", map[string]string{
			"wie spät ist es":                               "Es ist 15 Uhr 4.",
			"wie spät ist es und welcher tag ist heute":     "Es ist 15 Uhr 4.|Heute ist Montag, der 5. Januar.",
			"stelle einen Timer auf fünfundzwanzig Minuten": "Timer auf 25 Minuten gestellt.",
			"stelle einen Timer auf eine Minute":            "Timer auf eine Minute gestellt.",
			"wie lange noch":                                "Noch eine Minute auf deinem Timer für eine Minute.",
			"stoppe den Timer":                              "Dein Timer für eine Minute ist abgebrochen.",
			"blablabla":                                     "Entschuldigung, das habe ich nicht verstanden.",
			"wie bitte":                                     "Entschuldigung, das habe ich nicht verstanden.",
		}},
		{"fr", map[string]string{
			"quelle heure est-il":                            "Il est 15 heures 4.",
			"règle un minuteur de quatre-vingt-dix secondes": "Minuteur réglé sur une minute et 30 secondes.",
			"annule le minuteur":                             "Votre minuteur de une minute et 30 secondes est annulé.",
			"quel jour sommes-nous":                          "Nous sommes lundi 5 janvier.",
		}},
	} {
		p, err := lang.Load(tt.code)
		if err != nil {
			t.Fatal(err)
		}
		ta, err := NewTextAssistantWith(Config{Language: p}, Options{Clock: clockwork.NewFakeClockAt(at)})
		if err != nil {
			t.Fatal(err)
		}
		// In a fixed order: the timer's answers follow from one another.
		order := []string{}
		for s := range tt.says {
			order = append(order, s)
		}
		sortTimerLast(order)
		for _, s := range order {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			answers, err := ta.Say(ctx, s)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if got := joinAnswers(answers); got != tt.says[s] {
				t.Errorf("%s: %q answered %q, want %q", tt.code, s, got, tt.says[s])
			}
		}
		if err := ta.Close(); err != nil {
			t.Error(err)
		}
	}
}

// sortTimerLast orders sentences: setting a timer, asking about it,
// cancelling it, the rest before.
func sortTimerLast(s []string) {
	rank := func(x string) int {
		switch {
		case contains(x, "eine Minute"):
			return 2
		case contains(x, "stelle", "règle"):
			return 1
		case contains(x, "wie lange"):
			return 3
		case contains(x, "stoppe", "annule"):
			return 4
		}
		return 0
	}
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if rank(s[j]) < rank(s[i]) || (rank(s[j]) == rank(s[i]) && s[j] < s[i]) {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}

func joinAnswers(rs []commands.Response) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += "|"
		}
		out += r.Text
	}
	return out
}
