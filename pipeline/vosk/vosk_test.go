package vosk

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	vosk "github.com/alphacep/vosk-api/go"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// writeModel writes the synthetic test model into a fresh directory.
func writeModel(t testing.TB, grammar bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Options{Grammar: grammar}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loadModel loads the synthetic model; its warnings go to the test's log.
func loadModel(t testing.TB, grammar bool) *Model {
	t.Helper()
	return loadModelLogging(t, grammar, slog.New(slog.NewTextHandler(t.Output(), nil)))
}

func loadModelLogging(t testing.TB, grammar bool, log *slog.Logger) *Model {
	t.Helper()
	m, err := LoadModel(writeModel(t, grammar), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newRecognizer(t testing.TB, m *Model) *Recognizer {
	t.Helper()
	r, err := m.NewRecognizer(pipeline.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// recognise feeds pcm in 100 ms chunks and returns the final result.
func recognise(t testing.TB, r *Recognizer, pcm []byte) pipeline.Result {
	t.Helper()
	const chunk = pipeline.SampleRate / 10 * 2
	for i := 0; i < len(pcm); i += chunk {
		if _, err := r.Accept(pcm[i:min(i+chunk, len(pcm))]); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.Final()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// frame is Vosk's word-time resolution (10 ms features, subsampled by 3).
const frame = 0.03

// wantSpans checks words and their times: word i of an Utterance spans
// [0.3+0.9i, 0.9+0.9i] s. Vosk's times are lattice averages, so they may be
// off by less than a frame.
func wantSpans(t *testing.T, res pipeline.Result, words ...string) {
	t.Helper()
	if got := strings.Join(words, " "); res.Text != got {
		t.Fatalf("text %q, want %q", res.Text, got)
	}
	if len(res.Words) != len(words) {
		t.Fatalf("words %+v, want %d", res.Words, len(words))
	}
	for i, w := range res.Words {
		start, end := 0.3+0.9*float64(i), 0.9+0.9*float64(i)
		if w.Word != words[i] || math.Abs(w.Start-start) >= frame || math.Abs(w.End-end) >= frame || w.Confidence <= 0 || w.Confidence > 1 {
			t.Errorf("word %d = %+v, want %q %.2f–%.2f s", i, w, words[i], start, end)
		}
	}
}

func TestRecognisesTones(t *testing.T) {
	for _, grammarGraph := range []bool{false, true} {
		r := newRecognizer(t, loadModel(t, grammarGraph))
		tests := [][]string{
			{"zero"}, {"one"}, {"two"}, {"on"}, {"off"},
			{"one", "two", "off"},
			{"off", "zero", "on", "zero"},
			{}, // silence
		}
		for _, words := range tests {
			t.Run(strings.Join(append(words, map[bool]string{true: "HCLr", false: "HCLG"}[grammarGraph]), "_"), func(t *testing.T) {
				// One recogniser for all cases: each Final starts the next utterance afresh.
				wantSpans(t, recognise(t, r, testmodel.Utterance(words...)), words...)
			})
		}
	}
}

func TestLongSilenceIsEmpty(t *testing.T) {
	r := newRecognizer(t, loadModel(t, false))
	res := recognise(t, r, testmodel.Silence(3*time.Second))
	if res.Text != "" || len(res.Words) != 0 {
		t.Errorf("silence gave %+v", res)
	}
}

func TestDeterministic(t *testing.T) {
	pcm := testmodel.Utterance("two", "on", "one", "off")
	var results []pipeline.Result
	for range 2 {
		// Separate models and recognisers: nothing is shared between runs.
		r := newRecognizer(t, loadModel(t, false))
		results = append(results, recognise(t, r, pcm))
	}
	if !reflect.DeepEqual(results[0], results[1]) {
		t.Errorf("runs differ:\n%+v\n%+v", results[0], results[1])
	}
	wantSpans(t, results[0], "two", "on", "one", "off")
}

func TestPartial(t *testing.T) {
	r := newRecognizer(t, loadModel(t, false))
	if p := r.Partial(); p != "" {
		t.Errorf("partial before audio = %q", p)
	}
	steps := []struct {
		pcm  []byte
		want string
	}{
		{testmodel.Silence(300 * time.Millisecond), ""},
		{testmodel.Tone("on"), "on"},
		{testmodel.Silence(300 * time.Millisecond), "on"},
		{testmodel.Tone("two"), "on two"},
	}
	for i, s := range steps {
		if _, err := r.Accept(s.pcm); err != nil {
			t.Fatal(err)
		}
		if got := r.Partial(); got != s.want {
			t.Errorf("step %d: partial %q, want %q", i, got, s.want)
		}
	}
	if res, err := r.Final(); err != nil || res.Text != "on two" {
		t.Errorf("final %+v, %v", res, err)
	}
	if p := r.Partial(); p != "" {
		t.Errorf("partial after Final = %q", p)
	}
}

func TestEndpoint(t *testing.T) {
	r := newRecognizer(t, loadModel(t, false))
	// The model's endpoint rule 2 needs 0.5 s of silence after speech.
	feed := func(pcm []byte) (endpoints int) {
		for i := 0; i < len(pcm); i += 3200 {
			ep, err := r.Accept(pcm[i:min(i+3200, len(pcm))])
			if err != nil {
				t.Fatal(err)
			}
			if ep {
				endpoints++
			}
		}
		return endpoints
	}
	if n := feed(append(testmodel.Silence(300*time.Millisecond), testmodel.Tone("on")...)); n != 0 {
		t.Errorf("%d endpoints before any trailing silence", n)
	}
	if n := feed(testmodel.Silence(1500 * time.Millisecond)); n == 0 {
		t.Error("no endpoint after 1.5 s of silence following speech")
	}
	// The utterance goes on after an endpoint until Final.
	feed(testmodel.Tone("off"))
	res, err := r.Final()
	if err != nil || res.Text != "on off" {
		t.Errorf("final %+v, %v; want \"on off\"", res, err)
	}
}

func TestReset(t *testing.T) {
	r := newRecognizer(t, loadModel(t, false))
	if _, err := r.Accept(testmodel.Utterance("one", "zero")); err != nil {
		t.Fatal(err)
	}
	if err := r.Reset(); err != nil {
		t.Fatal(err)
	}
	if p := r.Partial(); p != "" {
		t.Errorf("partial after Reset = %q", p)
	}
	// Nothing of the dropped utterance remains, and times restart at 0.
	wantSpans(t, recognise(t, r, testmodel.Utterance("two")), "two")
	if err := r.Reset(); err != nil { // between utterances: nothing to drop
		t.Fatal(err)
	}
	if res, err := r.Final(); err != nil || res.Text != "" || res.Words != nil {
		t.Errorf("Final without audio = %+v, %v", res, err)
	}
}

func TestGrammar(t *testing.T) {
	r := newRecognizer(t, loadModel(t, true))
	tests := []struct {
		grammar []string
		audio   []string
		want    string   // exact text, if allowed is nil
		allowed []string // otherwise: every recognised word must be one of these
	}{
		{grammar: []string{"zero"}, audio: []string{"zero"}, want: "zero"},
		{grammar: []string{"one two", "off"}, audio: []string{"one", "two", "off"}, want: "one two off"},
		{grammar: []string{"  one   two ", "off", "off", "[unk]"}, audio: []string{"off"}, want: "off"},
		{grammar: []string{"zero"}, audio: []string{"one", "two", "off"}, allowed: []string{"zero", "[unk]"}},
		{grammar: []string{"one two"}, audio: []string{"on"}, allowed: []string{"one", "two", "[unk]"}},
		{grammar: nil, audio: []string{"on", "zero"}, want: "on zero"}, // back to open decoding
	}
	for _, tt := range tests {
		if err := r.SetGrammar(grammar.Phrases(tt.grammar...)); err != nil {
			t.Fatalf("SetGrammar(%q): %v", tt.grammar, err)
		}
		res := recognise(t, r, testmodel.Utterance(tt.audio...))
		if tt.allowed == nil {
			if res.Text != tt.want {
				t.Errorf("grammar %q, audio %q: %q, want %q", tt.grammar, tt.audio, res.Text, tt.want)
			}
			continue
		}
		for _, w := range strings.Fields(res.Text) {
			if !slices.Contains(tt.allowed, w) {
				t.Errorf("grammar %q, audio %q: %q outside the grammar", tt.grammar, tt.audio, res.Text)
			}
		}
	}
}

func TestGrammarTakesEffectNextUtterance(t *testing.T) {
	r := newRecognizer(t, loadModel(t, true))
	pcm := testmodel.Utterance("one")
	if _, err := r.Accept(pcm[:len(pcm)/2]); err != nil {
		t.Fatal(err)
	}
	if err := r.SetGrammar(grammar.Phrases("zero")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Accept(pcm[len(pcm)/2:]); err != nil {
		t.Fatal(err)
	}
	if res, _ := r.Final(); res.Text != "one" {
		t.Errorf("utterance begun before SetGrammar: %q, want open decoding \"one\"", res.Text)
	}
	if res := recognise(t, r, pcm); slices.Contains(strings.Fields(res.Text), "one") {
		t.Errorf("next utterance under grammar [zero]: %q", res.Text)
	}
}

// A grammar libvosk refuses when the next utterance starts fails that
// utterance's first Accept, once: it is dropped and the grammar before it
// stays. grammarJSON writes no phrase list libvosk refuses, so the test
// breaks the one it wrote.
func TestGrammarRefusedKeepsCurrent(t *testing.T) {
	r := newRecognizer(t, loadModel(t, true))
	if err := r.SetGrammar(grammar.Phrases("zero", "one")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Accept(testmodel.Tone("one")); err != nil {
		t.Fatal(err)
	}
	if err := r.SetGrammar(grammar.Phrases("two")); err != nil {
		t.Fatal(err)
	}
	r.nextGrammar = "[1]" // libvosk: "Expecting array of strings"
	if _, err := r.Final(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Accept(testmodel.Tone("two")); err == nil || !strings.Contains(err.Error(), "[1]") {
		t.Fatalf("first Accept under the refused grammar: %v, want libvosk's refusal", err)
	}
	for range 2 {
		if res := recognise(t, r, testmodel.Utterance("one")); res.Text != "one" {
			t.Errorf("after the refused grammar: %q, want one", res.Text)
		}
		res := recognise(t, r, testmodel.Utterance("two"))
		for _, w := range strings.Fields(res.Text) {
			if !slices.Contains([]string{"zero", "one", "[unk]"}, w) {
				t.Errorf("after the refused grammar: %q, outside the grammar before it", res.Text)
			}
		}
	}
}

func TestGrammarUnknownWords(t *testing.T) {
	logs := &logBuffer{}
	m := loadModelLogging(t, true, slog.New(logs))
	r := newRecognizer(t, m)
	if err := r.SetGrammar(grammar.Phrases("banana split", "zero")); err != nil {
		t.Fatal(err)
	}
	if got := logs.text(); !strings.Contains(got, "banana split") {
		t.Errorf("dropped phrase not logged: %q", got)
	}
	if res := recognise(t, r, testmodel.Utterance("zero")); res.Text != "zero" {
		t.Errorf("got %q, want zero", res.Text)
	}
	err := r.SetGrammar(grammar.Phrases("banana"))
	if err == nil || !strings.Contains(err.Error(), "banana") {
		t.Errorf("grammar of unknown words only: %v, want an error naming banana", err)
	}
	// The previous grammar stays in force.
	if res := recognise(t, r, testmodel.Utterance("zero")); res.Text != "zero" {
		t.Errorf("after rejected grammar: %q, want zero", res.Text)
	}
}

func TestGrammarUnsupported(t *testing.T) {
	logs := &logBuffer{}
	m := loadModelLogging(t, false, slog.New(logs))
	if m.SupportsGrammar() {
		t.Fatal("HCLG model claims grammar support")
	}
	for range 2 {
		r := newRecognizer(t, m)
		if err := r.SetGrammar(grammar.Phrases("zero")); !errors.Is(err, pipeline.ErrGrammarUnsupported) {
			t.Fatalf("SetGrammar on HCLG model: %v, want ErrGrammarUnsupported", err)
		}
		// Decoding stays open.
		if res := recognise(t, r, testmodel.Utterance("one")); res.Text != "one" {
			t.Errorf("got %q, want one", res.Text)
		}
		if err := r.SetGrammar(nil); err != nil {
			t.Errorf("SetGrammar(nil) = %v", err)
		}
	}
	if n := strings.Count(logs.text(), "no runtime graph"); n != 1 {
		t.Errorf("unsupported grammar logged %d times, want once:\n%s", n, logs.text())
	}
	if !loadModel(t, true).SupportsGrammar() {
		t.Error("HCLr model denies grammar support")
	}
}

// logBuffer collects log lines; a Model logs from the caller's goroutine,
// the lock only keeps the race detector honest about the test's reads.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) Enabled(context.Context, slog.Level) bool { return true }
func (b *logBuffer) Handle(_ context.Context, r slog.Record) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	line := r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	b.lines = append(b.lines, line)
	return nil
}
func (b *logBuffer) WithAttrs([]slog.Attr) slog.Handler { return b }
func (b *logBuffer) WithGroup(string) slog.Handler      { return b }
func (b *logBuffer) text() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

func TestLoadModelErrors(t *testing.T) {
	tests := []struct {
		name    string
		grammar bool
		break_  func(dir string) error
		want    string // in the error, after replacing the model dir by DIR
	}{
		{"missing dir", false, os.RemoveAll, "DIR: no such file"},
		{"file not dir", false, func(d string) error {
			if err := os.RemoveAll(d); err != nil {
				return err
			}
			return os.WriteFile(d, nil, 0o644)
		}, "DIR is not a directory"},
		{"no final.mdl", false, remove("am/final.mdl"), "DIR/am/final.mdl is missing"},
		{"no model.conf", false, remove("conf/model.conf"), "DIR/conf/model.conf is missing"},
		{"no mfcc.conf", false, remove("conf/mfcc.conf"), "DIR/conf/mfcc.conf (or conf/fbank.conf) is missing"},
		{"no words.txt", false, remove("graph/words.txt"), "DIR/graph/words.txt (graph/HCLG.fst has no word table) is missing"},
		{"no words.txt, grammar", true, remove("graph/words.txt"), "DIR/graph/words.txt (graph/Gr.fst has no word table) is missing"},
		{"no HCLG", false, remove("graph/HCLG.fst"), "DIR/graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst) is missing"},
		{"HCLr without Gr", true, remove("graph/Gr.fst"), "DIR/graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst) is missing"},
		{"Gr without HCLr", true, remove("graph/HCLr.fst"), "DIR/graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst) is missing"},
		{"bad HCLG magic", false, overwrite("graph/HCLG.fst", "not an fst at all"), "DIR/graph/HCLG.fst is not an OpenFst file"},
		{"bad Gr magic", true, overwrite("graph/Gr.fst", "not an fst at all"), "DIR/graph/Gr.fst is not an OpenFst file"},
		{"short HCLr", true, overwrite("graph/HCLr.fst", "ab"), "DIR/graph/HCLr.fst is too short"},
		{"HCLG header cut", false, truncate("graph/HCLG.fst", 20), "DIR/graph/HCLG.fst is too short"},
		{"HCLG type length", false, edit("graph/HCLG.fst", "\x06\x00\x00\x00vector", "\x06\x00\x00\x70vector"), "DIR/graph/HCLG.fst: corrupt OpenFst header"},
		{"no silence phones", false, edit("conf/model.conf", "--endpoint.silence-phones=1\n", ""), "DIR/conf/model.conf has no --endpoint.silence-phones"},
		{"empty silence phones", false, edit("conf/model.conf", "--endpoint.silence-phones=1", "--endpoint.silence-phones="), "DIR/conf/model.conf has no --endpoint.silence-phones"},
		// Corruptions libvosk itself reports (KALDI_ERR, NULL model), per
		// shared/notes/vosk-test-model.md §10; others would abort the process.
		{"final.mdl without LearningRate", false, edit("am/final.mdl", "<LearningRate> 0 ", ""), "model DIR could not be loaded"},
		{"final.mdl Nnet3 line", false, edit("am/final.mdl", "<Nnet3> \n", "<Nnet3>\n"), "model DIR could not be loaded"},
		{"final.mdl without trailer", false, edit("am/final.mdl", "<LeftContext> 0 <RightContext> 0 <Priors>  [ ]\n", ""), "model DIR could not be loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeModel(t, tt.grammar)
			if err := tt.break_(dir); err != nil {
				t.Fatal(err)
			}
			m, err := LoadModel(dir, nil)
			if err == nil {
				m.Close()
				t.Fatal("LoadModel succeeded")
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); !strings.Contains(got, tt.want) {
				t.Errorf("error %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func remove(name string) func(string) error {
	return func(dir string) error { return os.Remove(filepath.Join(dir, name)) }
}

func truncate(name string, size int64) func(string) error {
	return func(dir string) error { return os.Truncate(filepath.Join(dir, name), size) }
}

func overwrite(name, data string) func(string) error {
	return func(dir string) error { return os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644) }
}

func edit(name, old, new string) func(string) error {
	return func(dir string) error {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), old) {
			return errors.New(name + " does not contain " + old)
		}
		return os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
	}
}

// A model whose Gr.fst libvosk cannot read loads (libvosk only needs it to
// build the open-decoding graph), but that recogniser comes back NULL.
func TestRecognizerNULLIsAnError(t *testing.T) {
	dir := writeModel(t, true)
	if err := truncate("graph/Gr.fst", 80)(dir); err != nil { // header intact, arcs cut
		t.Fatal(err)
	}
	m, err := LoadModel(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if r, err := m.NewRecognizer(pipeline.SampleRate); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("NewRecognizer = %v, %v; want an error naming %s", r, err, dir)
	}
}

// TestBindingLayout fails if the binding stops being a single C pointer
// per handle, which cPointer relies on to see NULLs.
func TestBindingLayout(t *testing.T) {
	if err := checkBindingLayout(); err != nil {
		t.Fatal(err)
	}
	good, _ := vosk.NewModel(writeModel(t, false))
	if cPointer(good) == nil {
		t.Fatal("loaded model reads as NULL")
	}
	defer good.Free()
	bad, _ := vosk.NewModel(filepath.Join(t.TempDir(), "absent"))
	if cPointer(bad) != nil {
		t.Fatal("failed model does not read as NULL")
	}
	rec, _ := vosk.NewRecognizer(good, pipeline.SampleRate)
	if cPointer(rec) == nil {
		t.Fatal("created recognizer reads as NULL")
	}
	rec.Free()
}

func TestClose(t *testing.T) {
	m := loadModel(t, false)
	r := newRecognizer(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Model.Close = %v", err)
	}
	// The utterance under way holds libvosk's own reference to the model
	// and finishes; the next one needs the model and fails.
	if res := recognise(t, r, testmodel.Utterance("two")); res.Text != "two" {
		t.Errorf("after Model.Close: %q", res.Text)
	}
	if _, err := r.Accept(testmodel.Tone("on")); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("next utterance after Model.Close: Accept = %v, want an error saying the model is closed", err)
	}
	if _, err := m.NewRecognizer(pipeline.SampleRate); err == nil {
		t.Error("NewRecognizer on a closed model succeeded")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Accept(testmodel.Tone("on")); err == nil {
		t.Error("Accept after Close succeeded")
	}
	if _, err := r.Final(); err == nil {
		t.Error("Final after Close succeeded")
	}
	if err := r.Reset(); err == nil {
		t.Error("Reset after Close succeeded")
	}
	if err := r.SetGrammar(nil); err == nil {
		t.Error("SetGrammar after Close succeeded")
	}
	if r.Partial() != "" {
		t.Error("Partial after Close not empty")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestAcceptRejectsHalfSamples(t *testing.T) {
	r := newRecognizer(t, loadModel(t, false))
	if ep, err := r.Accept(nil); ep || err != nil {
		t.Errorf("Accept(nil) = %v, %v", ep, err)
	}
	if _, err := r.Accept(make([]byte, 3)); err == nil || !strings.Contains(err.Error(), "3 bytes") {
		t.Errorf("Accept(3 bytes) = %v", err)
	}
	if _, err := r.model.NewRecognizer(0); err == nil {
		t.Error("NewRecognizer(0 Hz) succeeded")
	}
}

func TestParseResult(t *testing.T) {
	tests := []struct {
		in      string
		want    pipeline.Result
		wantErr bool
	}{
		{`{"text": ""}`, pipeline.Result{}, false},
		{`{"result": [{"conf": 0.5, "end": 0.9, "start": 0.3, "word": "on"}], "text": "on"}`,
			pipeline.Result{Text: "on", Words: []pipeline.Word{{Word: "on", Start: 0.3, End: 0.9, Confidence: 0.5}}}, false},
		{`{"text": "on"`, pipeline.Result{}, true},
	}
	for _, tt := range tests {
		got, err := parseResult(tt.in)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseResult(%s) = %+v, %v", tt.in, got, err)
		}
	}
}

// BenchmarkVoskFinal measures the latency from button release (all audio
// accepted) to the final result for a 2.1 s utterance, and reports the
// real-time factor of the whole recognition (accepting plus Final).
func BenchmarkVoskFinal(b *testing.B) {
	r := newRecognizer(b, loadModel(b, false))
	pcm := testmodel.Utterance("one", "two")
	audio := float64(len(pcm)/2) / pipeline.SampleRate
	var total time.Duration
	n := 0
	for b.Loop() {
		n++
		b.StopTimer()
		start := time.Now()
		if _, err := r.Accept(pcm); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := r.Final()
		total += time.Since(start)
		if err != nil || res.Text != "one two" {
			b.Fatalf("%+v, %v", res, err)
		}
	}
	b.ReportMetric(total.Seconds()/float64(n)/audio, "rtf")
}

// libvosk reads graph/words.txt only when the graph carries no word table
// (real small models embed it in Gr.fst); the check must follow suit.
func TestCheckModelDirEmbeddedWordTable(t *testing.T) {
	for _, tt := range []struct {
		grammar bool
		graph   string
	}{{false, "graph/HCLG.fst"}, {true, "graph/Gr.fst"}} {
		dir := writeModel(t, tt.grammar)
		if err := remove("graph/words.txt")(dir); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, tt.graph)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[30] |= 2 // header flags (offset 30 for "vector"/"standard"): has output symbols
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		grammar, err := checkModelDir(dir)
		if err != nil || grammar != tt.grammar {
			t.Errorf("%s with word table: grammar %v, %v", tt.graph, grammar, err)
		}
	}
}

// BenchmarkSetGrammar measures switching the phrase list between
// utterances, which builds a new libvosk recogniser.
func BenchmarkSetGrammar(b *testing.B) {
	r := newRecognizer(b, loadModel(b, true))
	grammars := []*grammar.Grammar{grammar.Phrases("zero", "one two"), grammar.Phrases("on", "off")}
	i := 0
	for b.Loop() {
		if err := r.SetGrammar(grammars[i%2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// A nil logger discards the model's warnings instead of sending them to
// the process-wide default.
func TestLoadModelNilLoggerDiscards(t *testing.T) {
	m, err := LoadModel(writeModel(t, false), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if h := m.log.Handler(); h != slog.DiscardHandler {
		t.Errorf("LoadModel(dir, nil) logs to %T, want slog.DiscardHandler", h)
	}
}
