package pocketsphinx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultModelDir is where Debian's pocketsphinx-en-us package installs the
// US English model.
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// Model names the files a decoder loads.
type Model struct {
	// Acoustic is the acoustic model directory (it holds mdef, means, ...).
	Acoustic string
	// Dictionary is the pronunciation dictionary.
	Dictionary string
	// LanguageModel is the n-gram model used for open decoding.
	LanguageModel string
}

// FindModel locates a model in dir laid out as pocketsphinx ships it: an
// acoustic model directory (dir itself or a subdirectory holding mdef), one
// *.dict file and one *.lm.bin (or *.lm) file that is not a phone model.
// Errors name the directory and the missing part.
func FindModel(dir string) (Model, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return Model{}, fmt.Errorf("pocketsphinx model %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return Model{}, fmt.Errorf("pocketsphinx model %s: not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Model{}, fmt.Errorf("pocketsphinx model %s: %w", dir, err)
	}
	var m Model
	if isFile(filepath.Join(dir, "mdef")) {
		m.Acoustic = dir
	}
	var lmText string
	for _, e := range entries {
		name, path := e.Name(), filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			if m.Acoustic == "" && isFile(filepath.Join(path, "mdef")) {
				m.Acoustic = path
			}
		case strings.HasSuffix(name, ".dict"):
			if m.Dictionary == "" {
				m.Dictionary = path
			}
		case strings.Contains(name, "phone"):
			// A phone language model is for phoneme decoding, not words.
		case strings.HasSuffix(name, ".lm.bin"):
			if m.LanguageModel == "" {
				m.LanguageModel = path
			}
		case strings.HasSuffix(name, ".lm") || strings.HasSuffix(name, ".arpa"):
			if lmText == "" {
				lmText = path
			}
		}
	}
	if m.LanguageModel == "" {
		m.LanguageModel = lmText
	}
	var missing []string
	if m.Acoustic == "" {
		missing = append(missing, "acoustic model (a directory with mdef)")
	}
	if m.Dictionary == "" {
		missing = append(missing, "dictionary (*.dict)")
	}
	if m.LanguageModel == "" {
		missing = append(missing, "language model (*.lm.bin)")
	}
	if len(missing) > 0 {
		return Model{}, fmt.Errorf("pocketsphinx model %s: no %s", dir, strings.Join(missing, ", no "))
	}
	return m, nil
}

// check verifies every file of m exists and that the acoustic model's
// files are whole: sphinxbase exits the process on a garbled acoustic model
// file and crashes on a truncated one, so they are checked before it sees
// them.
func (m Model) check() error {
	var errs []error
	for _, p := range []struct{ what, path string }{
		{"acoustic model", filepath.Join(m.Acoustic, "mdef")},
		{"dictionary", m.Dictionary},
		{"language model", m.LanguageModel},
	} {
		if !isFile(p.path) {
			errs = append(errs, fmt.Errorf("pocketsphinx %s %s: not found", p.what, p.path))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, f := range []struct {
		name     string
		required bool
		check    func([]byte) error
	}{
		{"mdef", true, checkMdef},
		{"means", true, checkS3},
		{"variances", true, checkS3},
		{"transition_matrices", true, checkS3},
		{"mixture_weights", false, checkS3},
		{"sendump", false, checkSendump},
	} {
		path := filepath.Join(m.Acoustic, f.name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) && !f.required {
			continue
		}
		if err == nil {
			err = f.check(data)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("pocketsphinx acoustic model file %s: %w", path, err))
		}
	}
	if !isFile(filepath.Join(m.Acoustic, "mixture_weights")) && !isFile(filepath.Join(m.Acoustic, "sendump")) {
		errs = append(errs, fmt.Errorf("pocketsphinx acoustic model %s: neither mixture_weights nor sendump", m.Acoustic))
	}
	return errors.Join(errs...)
}

// checkMdef accepts a binary ("BMDF") or text (version 0.3) model definition.
func checkMdef(data []byte) error {
	if bytes.HasPrefix(data, []byte("BMDF")) || bytes.HasPrefix(data, []byte("FDMB")) || bytes.HasPrefix(data, []byte("0.3\n")) {
		return nil
	}
	return errors.New("not a model definition (no BMDF or 0.3 header)")
}

// s3ByteOrder follows the header of SphinxTrain's binary parameter files.
const s3ByteOrder = 0x11223344

// checkS3 checks a SphinxTrain parameter file: "s3" text header up to
// "endhdr\n", the byte-order word, a few dimensions, the count of floats,
// the floats, and a checksum if the header says so. Which dimensions come
// first differs per file, so it looks for the count that makes the sizes
// add up.
func checkS3(data []byte) error {
	end := bytes.Index(data, []byte("endhdr\n"))
	if !bytes.HasPrefix(data, []byte("s3\n")) || end < 0 {
		return errors.New(`not a SphinxTrain parameter file (no "s3" ... "endhdr" header)`)
	}
	header, body := data[:end], data[end+len("endhdr\n"):]
	if len(body) < 4 {
		return errors.New("truncated after the header")
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch {
	case binary.LittleEndian.Uint32(body) == s3ByteOrder:
	case binary.BigEndian.Uint32(body) == s3ByteOrder:
		order = binary.BigEndian
	default:
		return errors.New("bad byte-order word after the header")
	}
	body = body[4:]
	checksum := 0
	if bytes.Contains(header, []byte("chksum0 yes")) {
		checksum = 4
	}
	for off := 0; off+4 <= len(body) && off < 4*16; off += 4 {
		n := int64(order.Uint32(body[off:]))
		if int64(off)+4+4*n+int64(checksum) == int64(len(body)) && n > 0 {
			return nil
		}
	}
	return fmt.Errorf("sizes do not add up to the file's %d bytes (truncated or garbled)", len(data))
}

// checkSendump checks PocketSphinx's compressed mixture weights: a list of
// length-prefixed strings ended by a zero length, rows and columns, then
// one rows×columns block of bytes per feature stream.
func checkSendump(data []byte) error {
	le := binary.LittleEndian
	off := 0
	for {
		if off+4 > len(data) {
			return errors.New("truncated in the header")
		}
		n := int64(int32(le.Uint32(data[off:])))
		off += 4
		if n == 0 {
			break
		}
		if n < 0 || n > int64(len(data)-off) {
			return fmt.Errorf("header string of %d bytes at offset %d runs past the end", n, off-4)
		}
		off += int(n)
	}
	if off+8 > len(data) {
		return errors.New("truncated before the dimensions")
	}
	rows, cols := int64(int32(le.Uint32(data[off:]))), int64(int32(le.Uint32(data[off+4:])))
	rest := int64(len(data) - off - 8)
	if rows <= 0 || cols <= 0 || rest == 0 || rest%(rows*cols) != 0 || rest/(rows*cols) > 4 {
		return fmt.Errorf("%d bytes of weights do not fit %d×%d blocks (truncated or garbled)", rest, rows, cols)
	}
	return nil
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
