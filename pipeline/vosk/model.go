package vosk

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	vosk "github.com/alphacep/vosk-api/go"
)

// Model is a loaded Vosk model. Load it once and create a Recognizer per
// audio stream from it. A Recognizer builds a fresh libvosk recogniser from
// the model for every utterance and grammar, so keep the Model open for as
// long as its recognisers are used, and close it after them.
type Model struct {
	dir          string
	grammarGraph bool // graph/HCLr.fst + graph/Gr.fst: phrase lists can be compiled at runtime
	log          *slog.Logger

	mu sync.Mutex
	m  *vosk.VoskModel // nil once closed

	grammarWarning sync.Once
}

// fstMagic opens every OpenFst binary file.
const fstMagic = 0x7EB2FDD6

// LoadModel loads the Vosk model in dir. Before handing the directory to
// libvosk it checks the files libvosk needs, because some omissions abort
// the process instead of failing (a model.conf without
// --endpoint.silence-phones does). libvosk's own log lines are silenced;
// its errors still reach stderr.
//
// log receives the warnings of the model and its recognisers (grammar
// phrases dropped, grammars unsupported); nil discards them. It is a
// parameter rather than slog.Default so that a library never writes where
// its caller did not ask.
func LoadModel(dir string, log *slog.Logger) (*Model, error) {
	if err := checkBindingLayout(); err != nil {
		return nil, err
	}
	grammarGraph, err := checkModelDir(dir)
	if err != nil {
		return nil, err
	}
	vosk.SetLogLevel(-1)
	m, _ := vosk.NewModel(dir) // the binding never returns an error, only a NULL inside
	if cPointer(m) == nil {
		return nil, fmt.Errorf("vosk: model %s could not be loaded (see libvosk's message on stderr)", dir)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Model{dir: dir, grammarGraph: grammarGraph, log: log, m: m}, nil
}

// Dir is the directory the model was loaded from.
func (m *Model) Dir() string { return m.dir }

// SupportsGrammar reports whether the model can restrict decoding to a
// phrase list, which needs the runtime-graph layout (graph/HCLr.fst and
// graph/Gr.fst) rather than a precompiled graph/HCLG.fst.
func (m *Model) SupportsGrammar() bool { return m.grammarGraph }

// Close frees the model. Recognisers created from it fail from their next
// utterance on.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m != nil {
		m.m.Free()
		m.m = nil
	}
	return nil
}

// knows reports whether word is in the model's vocabulary.
func (m *Model) knows(word string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		return false, fmt.Errorf("vosk: model %s is closed", m.dir)
	}
	return m.m.FindWord(word) >= 0, nil
}

// newVoskRecognizer creates a libvosk recogniser, restricted to grammar (a
// JSON phrase list) unless it is empty.
func (m *Model) newVoskRecognizer(sampleRate float64, grammar string) (*vosk.VoskRecognizer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		return nil, fmt.Errorf("vosk: model %s is closed", m.dir)
	}
	var r *vosk.VoskRecognizer
	if grammar == "" {
		r, _ = vosk.NewRecognizer(m.m, sampleRate)
	} else {
		r, _ = vosk.NewRecognizerGrm(m.m, sampleRate, grammar)
	}
	if cPointer(r) == nil {
		what := "a recognizer"
		if grammar != "" {
			what = "a recognizer for grammar " + grammar
		}
		return nil, fmt.Errorf("vosk: libvosk could not create %s from model %s (see its message on stderr; a model with graph/HCLr.fst needs a readable graph/Gr.fst)", what, m.dir)
	}
	r.SetWords(1)
	return r, nil
}

// cPointer returns the C pointer inside a binding handle. The binding
// (github.com/alphacep/vosk-api/go v0.3.45) ignores the NULL that libvosk
// returns on failure, reports no error, and keeps the pointer in the
// handle's only, unexported field; using a NULL handle later crashes the
// process. checkBindingLayout guards this read, and a test fails if the
// binding's layout changes.
func cPointer[T vosk.VoskModel | vosk.VoskRecognizer](h *T) unsafe.Pointer {
	if h == nil {
		return nil
	}
	return *(*unsafe.Pointer)(unsafe.Pointer(h))
}

// checkBindingLayout verifies that each binding handle is a struct holding
// exactly one pointer, which is what cPointer reads.
func checkBindingLayout() error {
	for _, t := range []reflect.Type{reflect.TypeFor[vosk.VoskModel](), reflect.TypeFor[vosk.VoskRecognizer]()} {
		if t.Kind() != reflect.Struct || t.NumField() != 1 || t.Field(0).Type.Kind() != reflect.Pointer || t.Size() != unsafe.Sizeof(uintptr(0)) {
			return fmt.Errorf("vosk: binding type %v is no longer a single C pointer; cannot detect NULL handles", t)
		}
	}
	return nil
}

// checkModelDir checks that dir is a Vosk model directory (the "v2" layout
// of current models) holding every file libvosk needs, and reports whether
// it has the runtime-graph (grammar) layout. It follows libvosk's loader: a
// graph/HCLG.fst wins over graph/HCLr.fst + graph/Gr.fst, and
// graph/words.txt is only read when that graph (HCLG.fst, or else Gr.fst)
// carries no word table of its own.
func checkModelDir(dir string) (grammarGraph bool, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return false, fmt.Errorf("vosk: model directory: %w", err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("vosk: model directory %s is not a directory", dir)
	}
	exists := func(name string) bool {
		st, err := os.Stat(filepath.Join(dir, name))
		return err == nil && st.Mode().IsRegular()
	}
	missing := func(name string) error {
		return fmt.Errorf("vosk: %s is not a Vosk model: %s is missing", dir, filepath.Join(dir, name))
	}
	for _, name := range []string{"am/final.mdl", "conf/model.conf"} {
		if !exists(name) {
			return false, missing(name)
		}
	}
	if !exists("conf/mfcc.conf") && !exists("conf/fbank.conf") {
		return false, missing("conf/mfcc.conf (or conf/fbank.conf)")
	}
	graphs, words := []string{"graph/HCLG.fst"}, "graph/HCLG.fst"
	if !exists("graph/HCLG.fst") {
		if !exists("graph/HCLr.fst") || !exists("graph/Gr.fst") {
			return false, missing("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
		}
		graphs, words, grammarGraph = []string{"graph/HCLr.fst", "graph/Gr.fst"}, "graph/Gr.fst", true
	}
	for _, g := range graphs {
		flags, err := readFSTFlags(filepath.Join(dir, g))
		if err != nil {
			return false, err
		}
		const hasOutputSymbols = 2
		if g == words && flags&hasOutputSymbols == 0 && !exists("graph/words.txt") {
			return false, missing("graph/words.txt (" + g + " has no word table)")
		}
	}
	if err := checkEndpointConf(filepath.Join(dir, "conf/model.conf")); err != nil {
		return false, err
	}
	return grammarGraph, nil
}

// readFSTFlags reads an OpenFst file header (magic, FST type, arc type,
// version, flags) and returns its flags.
func readFSTFlags(path string) (int32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("vosk: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var magic uint32
	if err := binary.Read(r, binary.LittleEndian, &magic); err != nil {
		return 0, fstHeaderError(path, err)
	}
	if magic != fstMagic {
		return 0, fmt.Errorf("vosk: %s is not an OpenFst file (magic %#x, want %#x)", path, magic, fstMagic)
	}
	for range 2 { // FST type and arc type: int32 length, then the bytes
		var n int32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return 0, fstHeaderError(path, err)
		}
		if n < 0 || n > 64 {
			return 0, fmt.Errorf("vosk: %s: corrupt OpenFst header (type name of %d bytes)", path, n)
		}
		if _, err := r.Discard(int(n)); err != nil {
			return 0, fstHeaderError(path, err)
		}
	}
	var versionAndFlags [2]int32
	if err := binary.Read(r, binary.LittleEndian, &versionAndFlags); err != nil {
		return 0, fstHeaderError(path, err)
	}
	return versionAndFlags[1], nil
}

func fstHeaderError(path string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("vosk: %s is too short for an OpenFst header", path)
	}
	return fmt.Errorf("vosk: %s: %w", path, err)
}

// checkEndpointConf insists on --endpoint.silence-phones: without it libvosk
// aborts the process on the first audio (a Kaldi assertion).
func checkEndpointConf(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("vosk: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "--endpoint.silence-phones="); ok && strings.TrimSpace(v) != "" {
			return nil
		}
	}
	return fmt.Errorf("vosk: %s has no --endpoint.silence-phones option; libvosk needs it for endpointing", path)
}
