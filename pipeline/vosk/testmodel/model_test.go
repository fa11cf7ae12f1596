package testmodel

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

func TestWriteLayouts(t *testing.T) {
	common := []string{pathFinalMdl, pathModelConf, pathMFCCConf, pathWordBoundary, pathWords}
	tests := []struct {
		opts  Options
		graph []string
	}{
		{Options{}, []string{pathHCLG}},
		{Options{Grammar: true}, []string{pathGr, pathHCLr, pathDisambigTID}},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "new", "model") // parents created too
		if err := Write(dir, tt.opts); err != nil {
			t.Fatal(err)
		}
		want := append(slices.Clone(common), tt.graph...)
		slices.Sort(want)
		if got := listFiles(t, dir); !slices.Equal(got, want) {
			t.Errorf("%+v: files %v, want %v", tt.opts, got, want)
		}
		// Writing again over our own files is fine.
		if err := Write(dir, tt.opts); err != nil {
			t.Errorf("%+v: second Write: %v", tt.opts, err)
		}
	}
}

func TestWriteRefusesForeignFiles(t *testing.T) {
	tests := []struct {
		opts  Options
		plant string
	}{
		{Options{}, pathHCLr},
		{Options{}, pathGr},
		{Options{Grammar: true}, pathHCLG},
		{Options{}, "ivector/final.ie"},
		{Options{Grammar: true}, "rescore/G.carpa"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		p := filepath.Join(dir, tt.plant)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, tt.opts); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%+v with %s present: %v, want an error naming it", tt.opts, tt.plant, err)
		}
	}
}

func TestWriteReportsUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(file, "model"), Options{}); err == nil {
		t.Error("Write under a regular file succeeded")
	}
}

// TestValidateCatches corrupts a written model in the ways known to abort or
// crash libvosk and checks that validate refuses each one.
func TestValidateCatches(t *testing.T) {
	type change struct{ file, old, new string }
	tests := []struct {
		name    string
		grammar bool
		change  change
		want    string
	}{
		{"log-probs one short", false, change{pathFinalMdl, "-0.6931471805599453 ]", "]"}, "12 log-probs, want 13"},
		{"positive log-prob", false, change{pathFinalMdl, "-0.6931471805599453 ]", "0.5 ]"}, "> 0"},
		{"phone without triple", false, change{pathFinalMdl, "<Triples> 6\n1 0 0\n", "<Triples> 5\n"}, "no triple for phone 1"},
		{"unsorted triples", false, change{pathFinalMdl, "1 0 0\n2 0 1\n", "2 0 1\n1 0 0\n"}, "not sorted"},
		{"pdf gap", false, change{pathFinalMdl, "6 0 5\n", "6 0 6\n"}, "not contiguous"},
		{"pdf count", false, change{pathFinalMdl, "6 0 5\n", "6 0 4\n"}, "network output dim 6, transition model has 5 pdfs"},
		{"no final HMM state", false, change{pathFinalMdl, "<State> 1 </State>\n", ""}, "final state"},
		{"Nnet3 line", false, change{pathFinalMdl, "<Nnet3> \n", "<Nnet3>\n"}, "exactly one space"},
		{"input dim", false, change{pathFinalMdl, "dim=20", "dim=13"}, "20 columns, input dim is 13"},
		{"no LearningRate", false, change{pathFinalMdl, "<LearningRate> 0 ", ""}, `want "<LearningRate>"`},
		{"bias dim", false, change{pathFinalMdl, "<BiasParams>  [ 15", "<BiasParams>  [ 15 0"}, "BiasParams dim 7"},
		{"lsm dim", false, change{pathFinalMdl, "<Dim> 6", "<Dim> 7"}, "LogSoftmax dim 7"},
		{"no trailer", false, change{pathFinalMdl, "<LeftContext> 0 <RightContext> 0 <Priors>  [ ]\n", ""}, "trailer"},
		{"num-ceps", false, change{pathMFCCConf, "--num-ceps=20", "--num-ceps=13"}, "--num-ceps=13"},
		{"dither", false, change{pathMFCCConf, "--dither=0", "--dither=1"}, "dither"},
		{"no silence phones", false, change{pathModelConf, "--endpoint.silence-phones=1\n", ""}, "silence-phones"},
		{"bad silence phone", false, change{pathModelConf, "--endpoint.silence-phones=1", "--endpoint.silence-phones=1:9"}, `silence phone "9"`},
		{"eps not first", false, change{pathWords, "<eps> 0\n", ""}, "<eps> 0"},
		{"duplicate word", false, change{pathWords, "one 2", "zero 2"}, "duplicate"},
		{"word boundary phone", false, change{pathWordBoundary, "6 singleton", "7 singleton"}, `"7" is not a phone`},
		{"word boundary kind", false, change{pathWordBoundary, "6 singleton", "6 lonely"}, "line 6"},
		{"graph word missing", false, change{pathWords, "[unk] 6\n", ""}, ""}, // [unk] is unused: still valid
		{"graph word id", false, change{pathWords, "off 5", "off 8"}, "output label 5"},
		{"Gr word id", true, change{pathWords, "off 5", "off 8"}, "output label 5"},
		{"HCLG magic", false, change{pathHCLG, "\xd6\xfd\xb2\x7e", "\x00\x00\x00\x00"}, "bad magic"},
		{"no disambig_tid", true, change{pathDisambigTID, "", "REMOVE"}, "disambig_tid.int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := Write(dir, Options{Grammar: tt.grammar}); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, tt.change.file)
			if tt.change.new == "REMOVE" {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(data), tt.change.old) {
					t.Fatalf("%s does not contain %q", tt.change.file, tt.change.old)
				}
				if err := os.WriteFile(p, []byte(strings.Replace(string(data), tt.change.old, tt.change.new, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := validate(dir)
			if tt.want == "" {
				if err != nil {
					t.Errorf("valid change rejected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseAcousticModel(f *testing.F) {
	good := acousticModelText(newTransitionModel())
	f.Add([]byte(good))
	f.Add([]byte(strings.Replace(good, "<Triples> 6", "<Triples> 99999999", 1)))
	f.Add([]byte("<TransitionModel> <Topology> <TopologyEntry> <ForPhones> 1 </ForPhones>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		am, err := parseAcousticModel(data)
		if err != nil {
			return
		}
		// Whatever passes must be self-consistent.
		if am.outputDim != am.numPdfs || am.numTids < am.numPdfs || len(am.phones) == 0 {
			t.Fatalf("inconsistent model accepted: %+v", am)
		}
	})
}

func TestParseAcousticModelOfWrite(t *testing.T) {
	am, err := parseAcousticModel([]byte(acousticModelText(newTransitionModel())))
	if err != nil {
		t.Fatal(err)
	}
	if am.numTids != 12 || am.numPdfs != 6 || am.inputDim != numCeps || am.outputDim != 6 || len(am.phones) != 6 {
		t.Errorf("parsed %+v; want 12 transition-ids, 6 pdfs, input %d, output 6, 6 phones", am, numCeps)
	}
}

// TestWriteUnknown: the variant whose "[unk]" has a sound passes the
// read-back checks and has one pdf more, emitted for "[unk]" in the graph.
func TestWriteUnknown(t *testing.T) {
	for _, g := range []bool{false, true} {
		if err := Write(t.TempDir(), Options{Grammar: g, Unknown: true}); err != nil {
			t.Fatalf("grammar %v: %v", g, err)
		}
	}
	tm := newTransitionModelWith(true)
	if len(tm.phones) != numPhones()+1 || len(affineWeights(true)) != numPhones()+1 {
		t.Fatalf("%d phones, %d pdf rows; want %d", len(tm.phones), len(affineWeights(true)), numPhones()+1)
	}
	emitted := false
	for _, a := range wordLoopGraph(tm).states[0].arcs {
		emitted = emitted || a.olabel == int32(len(words)+1)
	}
	if !emitted {
		t.Error("no arc of the graph emits [unk]")
	}
}
