package bench

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/assistant"
	"github.com/hark-assistant/hark/firmware/config"
	"github.com/hark-assistant/hark/pipeline/pipelinetest/voices"
)

// TestAccuracySentences: each sentence of the accuracy benchmark, as
// text, gives what it must in both grammar forms, and ranges give the
// recognizer the range's numbers alone where plain Numbers give it the
// general number rule.
func TestAccuracySentences(t *testing.T) {
	for _, form := range []string{GrammarNumber, GrammarRange} {
		cfg, err := config.Parse("accuracy.yaml", []byte(accuracyConfig(form)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := assistant.MatchManager(cfg.Assistant())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range accuracySentences {
			if got := render(m.Match(s.said, time.Now())); got != s.want {
				t.Errorf("%s: %q gives %q, want %q", form, s.said, got, s.want)
			}
		}
		var ranged []string
		for _, r := range m.Grammar(time.Now(), assistant.GrammarLimit).RecognizerGrammar().Rules {
			if strings.HasPrefix(r.Name, "Number(") {
				ranged = append(ranged, r.Name)
			}
		}
		want := []string(nil)
		if form == GrammarRange {
			want = []string{"Number(0..100)", "Number(5..30)", "Number(1..120)"}
		}
		if !reflect.DeepEqual(ranged, want) {
			t.Errorf("%s: ranged number rules %q, want %q", form, ranged, want)
		}
	}
}

func TestParseSetting(t *testing.T) {
	s, err := ParseSetting(" g-lw 6.5  -remove_noise no reject -1")
	if err != nil {
		t.Fatal(err)
	}
	want := Setting{Name: "g-lw 6.5 -remove_noise no reject -1", Options: map[string]string{"-remove_noise": "no"},
		GrammarOptions: map[string]float64{"-lw": 6.5}, RejectThreshold: -1}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("ParseSetting = %+v, want %+v", s, want)
	}
	for _, bad := range []string{"", "g-lw", "g-lw six", "reject x", "lw 2"} {
		if _, err := ParseSetting(bad); err == nil {
			t.Errorf("ParseSetting(%q) took it", bad)
		}
	}
}

// TestWriteAccuracy: the tables sum voices per family, and a setting that
// raises one family while lowering another is called a trade-off.
func TestWriteAccuracy(t *testing.T) {
	score := func(right int) Score { return Score{Right: right, Total: 10} }
	var results []AccuracyResult
	add := func(setting, form, voice, family string, clean, noisy int) {
		results = append(results, AccuracyResult{Engine: "pocketsphinx", Setting: setting, Grammar: form, Voice: voice, Family: family, Clean: score(clean), Noisy: score(noisy)})
	}
	add("", GrammarNumber, "espeak-ng-en-us", voices.FamilyESpeak, 8, 6)
	add("", GrammarNumber, "flite-slt", voices.FamilyFlite, 7, 5)
	add("", GrammarNumber, "flite-awb", voices.FamilyFlite, 5, 5)
	add("", GrammarRange, "espeak-ng-en-us", voices.FamilyESpeak, 9, 7)
	add("", GrammarRange, "flite-slt", voices.FamilyFlite, 7, 5)
	add("", GrammarRange, "flite-awb", voices.FamilyFlite, 6, 5)
	add("g-lw 6.5", GrammarNumber, "espeak-ng-en-us", voices.FamilyESpeak, 9, 6)
	add("g-lw 6.5", GrammarNumber, "flite-slt", voices.FamilyFlite, 6, 5)
	add("g-lw 6.5", GrammarNumber, "flite-awb", voices.FamilyFlite, 5, 5)
	add("reject -1", GrammarNumber, "espeak-ng-en-us", voices.FamilyESpeak, 9, 6)
	add("reject -1", GrammarNumber, "flite-slt", voices.FamilyFlite, 7, 6)
	add("reject -1", GrammarNumber, "flite-awb", voices.FamilyFlite, 5, 5)
	results = append(results, AccuracyResult{Engine: "vosk", Skipped: "no model"})
	var b bytes.Buffer
	if err := WriteAccuracy(&b, results); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| pocketsphinx | flite | slt, awb | 60 % (12/20) | 50 % (10/20) |",
		"| pocketsphinx | espeak-ng | 80 % (8/10) | 90 % (9/10) | 60 % (6/10) | 70 % (7/10) |",
		"| pocketsphinx | flite-awb | 50 % (5/10) | 60 % (6/10) | 50 % (5/10) | 50 % (5/10) |",
		"| `g-lw 6.5` | flite | 55 % (11/20) | 50 % (10/20) | -1 | +0 |",
		"vosk not measured: no model.",
		"`g-lw 6.5`: raises espeak-ng while lowering flite: a trade-off.",
		"`reject -1`: no family gains while another loses.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
