package grammar

import (
	"strings"
	"testing"
)

func TestPhrases(t *testing.T) {
	if g := Phrases(); g != nil {
		t.Errorf("Phrases() = %+v, want nil", g)
	}
	if g := Phrases(" ", ""); g != nil {
		t.Errorf("Phrases of blanks = %+v, want nil", g)
	}
	g := Phrases("lights on", "  turn   off ", "", "stop")
	if err := g.Check(); err != nil {
		t.Fatal(err)
	}
	for _, utt := range []string{"lights on", "turn off", "stop"} {
		if !g.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar refuses %q", utt)
		}
	}
	for _, utt := range []string{"lights", "lights on stop", ""} {
		if g.Accepts(strings.Fields(utt)) {
			t.Errorf("grammar accepts %q", utt)
		}
	}
	if !g.Equal(Phrases("lights on", "turn off", "stop")) {
		t.Error("equal phrase lists give unequal grammars")
	}
	if g.Equal(Phrases("lights on")) || g.Equal(nil) || !(*Grammar)(nil).Equal(nil) {
		t.Error("Equal is wrong about a different or nil grammar")
	}
}
