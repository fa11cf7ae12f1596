package pocketsphinx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindModel(t *testing.T) {
	type layout map[string]string // path → "" for a directory, else file content
	tests := []struct {
		name    string
		files   layout
		want    Model // paths relative to the model directory
		wantErr string
	}{
		{"debian layout", layout{"en-us/mdef": "x", "cmudict-en-us.dict": "x", "en-us.lm.bin": "x", "en-us-phone.lm.bin": "x"},
			Model{"en-us", "cmudict-en-us.dict", "en-us.lm.bin"}, ""},
		{"flat with text lm", layout{"mdef": "x", "words.dict": "x", "words.lm": "x"},
			Model{".", "words.dict", "words.lm"}, ""},
		{"no acoustic model", layout{"a.dict": "x", "a.lm.bin": "x"}, Model{}, "no acoustic model"},
		{"only a phone lm", layout{"mdef": "x", "a.dict": "x", "a-phone.lm.bin": "x"}, Model{}, "no language model"},
		{"empty", layout{}, Model{}, "no acoustic model (a directory with mdef), no dictionary (*.dict), no language model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, content := range tt.files {
				p = filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m, err := FindModel(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), dir) {
					t.Fatalf("err = %v, want it to name %s and say %q", err, dir, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Model{filepath.Join(dir, tt.want.Acoustic), filepath.Join(dir, tt.want.Dictionary), filepath.Join(dir, tt.want.LanguageModel)}
			if m != want {
				t.Errorf("FindModel = %+v, want %+v", m, want)
			}
		})
	}
}

func TestFindModelNotADirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := FindModel(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing dir: err = %v, want it to name %s", err, missing)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := FindModel(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file: err = %v, want \"not a directory\"", err)
	}
}

func TestModelCheckNamesMissingFile(t *testing.T) {
	dir := t.TempDir()
	m := Model{Acoustic: dir, Dictionary: filepath.Join(dir, "gone.dict"), LanguageModel: filepath.Join(dir, "gone.lm")}
	err := m.check()
	for _, want := range []string{filepath.Join(dir, "mdef"), "gone.dict", "gone.lm"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
}

// copyAcoustic copies Debian's en-us acoustic model into a temporary
// directory and returns a Model using it.
func copyAcoustic(t testing.TB) Model {
	t.Helper()
	real, err := FindModel(DefaultModelDir)
	if err != nil {
		t.Fatalf("%v: install pocketsphinx-en-us (run `make setup`)", err)
	}
	dir := filepath.Join(t.TempDir(), "en-us")
	if err := os.CopyFS(dir, os.DirFS(real.Acoustic)); err != nil {
		t.Fatal(err)
	}
	real.Acoustic = dir
	return real
}

func TestModelCheckAcousticFiles(t *testing.T) {
	garble := func(name string) func(string) error {
		return func(dir string) error { return os.WriteFile(filepath.Join(dir, name), []byte("garbage\n"), 0o644) }
	}
	truncate := func(name string, size int64) func(string) error {
		return func(dir string) error { return os.Truncate(filepath.Join(dir, name), size) }
	}
	remove := func(name string) func(string) error {
		return func(dir string) error { return os.Remove(filepath.Join(dir, name)) }
	}
	tests := []struct {
		name   string
		damage func(dir string) error
		want   string // "" for no error
	}{
		{"intact", func(string) error { return nil }, ""},
		{"garbled mdef", garble("mdef"), "mdef: not a model definition"},
		{"garbled means", garble("means"), `means: not a SphinxTrain parameter file`},
		{"truncated means", truncate("means", 1000), "means: sizes do not add up"},
		{"truncated variances", truncate("variances", 838000), "variances: sizes do not add up"},
		{"garbled transition matrices", garble("transition_matrices"), "transition_matrices: not a SphinxTrain"},
		{"truncated sendump", truncate("sendump", 1000), "sendump: "},
		{"sendump cut mid-weights", truncate("sendump", 1500000), "do not fit"},
		{"garbled sendump", garble("sendump"), "sendump: "},
		{"no mixture weights", remove("sendump"), "neither mixture_weights nor sendump"},
		{"no means", remove("means"), "means: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := copyAcoustic(t)
			if err := tt.damage(m.Acoustic); err != nil {
				t.Fatal(err)
			}
			err := m.check()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("check of the intact model: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), m.Acoustic) {
				t.Errorf("err = %v, want it to name %s and say %q", err, m.Acoustic, tt.want)
			}
		})
	}
}

// FuzzAcousticChecks feeds arbitrary bytes to the file checks: they stand
// between sphinxbase and damaged files, so they must never panic.
func FuzzAcousticChecks(f *testing.F) {
	f.Add([]byte("s3\nversion 1.0\nchksum0 yes\nendhdr\n\x44\x33\x22\x11\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x03\x00\x00\x00ab\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00xy"))
	f.Add([]byte("BMDF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkMdef(data)
		checkS3(data)
		checkSendump(data)
	})
}
