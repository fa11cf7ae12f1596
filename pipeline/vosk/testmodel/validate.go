package testmodel

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// validate reads a model directory back and checks the consistency rules
// whose violation makes libvosk abort or crash rather than fail: graph input
// labels must be transition-ids of the transition model, log-probs must
// cover every transition-id, the network must map the feature dimension to
// one output per pdf, and endpointing needs silence phones. It understands
// the files Write produces, not Kaldi's formats in general.
func validate(dir string) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	mdl, err := read(pathFinalMdl)
	if err != nil {
		return err
	}
	am, err := parseAcousticModel(mdl)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, pathFinalMdl), err)
	}
	mfcc, err := read(pathMFCCConf)
	if err != nil {
		return err
	}
	conf := parseConf(mfcc)
	if conf["--num-ceps"] != strconv.Itoa(am.inputDim) {
		return fmt.Errorf("%s: --num-ceps=%s but the network input has dim %d", pathMFCCConf, conf["--num-ceps"], am.inputDim)
	}
	if conf["--dither"] != "0" {
		return fmt.Errorf("%s: --dither=%q, want 0 for deterministic features", pathMFCCConf, conf["--dither"])
	}
	mc, err := read(pathModelConf)
	if err != nil {
		return err
	}
	silence := parseConf(mc)["--endpoint.silence-phones"]
	if silence == "" {
		return fmt.Errorf("%s: no --endpoint.silence-phones (libvosk aborts on the first audio without it)", pathModelConf)
	}
	for _, p := range strings.Split(silence, ":") {
		if n, err := strconv.Atoi(p); err != nil || !am.isPhone(n) {
			return fmt.Errorf("%s: silence phone %q is not a phone of the transition model", pathModelConf, p)
		}
	}
	wt, err := read(pathWords)
	if err != nil {
		return err
	}
	wordIDs, err := parseWords(wt)
	if err != nil {
		return fmt.Errorf("%s: %w", pathWords, err)
	}
	wb, err := read(pathWordBoundary)
	if err != nil {
		return err
	}
	if err := checkWordBoundary(wb, am); err != nil {
		return fmt.Errorf("%s: %w", pathWordBoundary, err)
	}
	graphs := []string{pathHCLG}
	if _, err := os.Stat(filepath.Join(dir, pathHCLr)); err == nil {
		graphs = []string{pathHCLr, pathGr}
		if _, err := read(pathDisambigTID); err != nil {
			return err
		}
	}
	for _, name := range graphs {
		data, err := read(name)
		if err != nil {
			return err
		}
		g, err := unmarshalFST(data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		maxIn := int32(am.numTids) // HCL* graphs read transition-ids
		if name == pathGr {
			maxIn = -1 // Gr.fst is an acceptor over words
		}
		if err := checkLabels(g, maxIn, wordIDs); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// checkLabels checks input labels against 0..maxIn (or against the word ids
// when maxIn < 0) and output labels against the word ids.
func checkLabels(g *fst, maxIn int32, wordIDs map[int32]bool) error {
	for i, s := range g.states {
		for j, a := range s.arcs {
			inOK := a.ilabel >= 0 && a.ilabel <= maxIn
			if maxIn < 0 {
				inOK = a.ilabel == 0 || wordIDs[a.ilabel]
			}
			if !inOK {
				return fmt.Errorf("state %d arc %d: input label %d out of range", i, j, a.ilabel)
			}
			if a.olabel != 0 && !wordIDs[a.olabel] {
				return fmt.Errorf("state %d arc %d: output label %d is not in words.txt", i, j, a.olabel)
			}
		}
	}
	return nil
}

func parseConf(data []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			m[k] = v
		}
	}
	return m
}

func parseWords(data []byte) (map[int32]bool, error) {
	ids := map[int32]bool{}
	names := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want \"symbol id\", got %q", n, sc.Text())
		}
		id, err := strconv.ParseInt(f[1], 10, 32)
		if err != nil || id < 0 {
			return nil, fmt.Errorf("line %d: bad id %q", n, f[1])
		}
		if n == 1 && (f[0] != "<eps>" || id != 0) {
			return nil, fmt.Errorf("line 1: want \"<eps> 0\", got %q", sc.Text())
		}
		if ids[int32(id)] || names[f[0]] {
			return nil, fmt.Errorf("line %d: duplicate %q", n, sc.Text())
		}
		ids[int32(id)], names[f[0]] = true, true
	}
	delete(ids, 0) // epsilon is no word
	return ids, nil
}

func checkWordBoundary(data []byte, am *acousticModel) error {
	kinds := map[string]bool{"nonword": true, "singleton": true, "begin": true, "end": true, "internal": true}
	for n, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || !kinds[f[1]] {
			return fmt.Errorf("line %d: want \"phone type\", got %q", n+1, line)
		}
		if p, err := strconv.Atoi(f[0]); err != nil || !am.isPhone(p) {
			return fmt.Errorf("line %d: %q is not a phone of the transition model", n+1, f[0])
		}
	}
	return nil
}

// acousticModel is what validate needs to know of am/final.mdl.
type acousticModel struct {
	phones    map[int]bool
	numTids   int
	numPdfs   int
	inputDim  int
	outputDim int
}

func (am *acousticModel) isPhone(p int) bool { return am.phones[p] }

// tokens is a cursor over the whitespace-separated tokens of a Kaldi text file.
type tokens struct {
	toks []string
	pos  int
}

func (t *tokens) next() (string, error) {
	if t.pos >= len(t.toks) {
		return "", fmt.Errorf("unexpected end of file after token %d", t.pos)
	}
	t.pos++
	return t.toks[t.pos-1], nil
}

func (t *tokens) peek() string {
	if t.pos >= len(t.toks) {
		return ""
	}
	return t.toks[t.pos]
}

func (t *tokens) expect(want ...string) error {
	for _, w := range want {
		got, err := t.next()
		if err != nil {
			return err
		}
		if got != w {
			return fmt.Errorf("token %d: want %q, got %q", t.pos, w, got)
		}
	}
	return nil
}

func (t *tokens) int() (int, error) {
	s, err := t.next()
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("token %d: want an integer, got %q", t.pos, s)
	}
	return n, nil
}

func (t *tokens) float() (float64, error) {
	s, err := t.next()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("token %d: want a finite number, got %q", t.pos, s)
	}
	return v, nil
}

// vector reads "[ v ... ]".
func (t *tokens) vector() ([]float64, error) {
	if err := t.expect("["); err != nil {
		return nil, err
	}
	var v []float64
	for t.peek() != "]" {
		f, err := t.float()
		if err != nil {
			return nil, err
		}
		v = append(v, f)
	}
	t.pos++
	return v, nil
}

func parseAcousticModel(data []byte) (*acousticModel, error) {
	t := &tokens{toks: strings.Fields(string(data))}
	am, err := parseTransitionModel(t)
	if err != nil {
		return nil, fmt.Errorf("transition model: %w", err)
	}
	if err := parseNnet(t, am, data); err != nil {
		return nil, fmt.Errorf("nnet3: %w", err)
	}
	if am.outputDim != am.numPdfs {
		return nil, fmt.Errorf("network output dim %d, transition model has %d pdfs", am.outputDim, am.numPdfs)
	}
	if err := t.expect("<LeftContext>", "0", "<RightContext>", "0", "<Priors>", "[", "]"); err != nil {
		return nil, fmt.Errorf("AmNnetSimple trailer: %w", err)
	}
	if t.pos != len(t.toks) {
		return nil, fmt.Errorf("%d tokens after the model", len(t.toks)-t.pos)
	}
	return am, nil
}

func parseTransitionModel(t *tokens) (*acousticModel, error) {
	am := &acousticModel{phones: map[int]bool{}}
	if err := t.expect("<TransitionModel>", "<Topology>", "<TopologyEntry>", "<ForPhones>"); err != nil {
		return nil, err
	}
	for t.peek() != "</ForPhones>" {
		p, err := t.int()
		if err != nil {
			return nil, err
		}
		if p < 1 || am.phones[p] {
			return nil, fmt.Errorf("phone %d invalid or repeated", p)
		}
		am.phones[p] = true
	}
	t.pos++
	var topo []hmmState
	for t.peek() == "<State>" {
		t.pos++
		n, err := t.int()
		if err != nil {
			return nil, err
		}
		if n != len(topo) {
			return nil, fmt.Errorf("HMM state %d listed as number %d", len(topo), n)
		}
		st := hmmState{pdfClass: -1}
		if t.peek() == "<PdfClass>" {
			t.pos++
			if st.pdfClass, err = t.int(); err != nil {
				return nil, err
			}
		}
		for t.peek() == "<Transition>" {
			t.pos++
			var tr hmmTransition
			if tr.dest, err = t.int(); err != nil {
				return nil, err
			}
			if tr.prob, err = t.float(); err != nil {
				return nil, err
			}
			if tr.prob <= 0 {
				return nil, fmt.Errorf("HMM state %d: transition probability %v", n, tr.prob)
			}
			st.trans = append(st.trans, tr)
		}
		if err := t.expect("</State>"); err != nil {
			return nil, err
		}
		topo = append(topo, st)
	}
	if len(topo) < 2 || topo[len(topo)-1].pdfClass >= 0 || len(topo[len(topo)-1].trans) > 0 {
		return nil, fmt.Errorf("topology needs emitting states and a last, final state without pdf or transitions")
	}
	for i, st := range topo[:len(topo)-1] {
		if st.pdfClass < 0 || len(st.trans) == 0 {
			return nil, fmt.Errorf("HMM state %d: non-final state without pdf class or transitions", i)
		}
		for _, tr := range st.trans {
			if tr.dest < 0 || tr.dest >= len(topo) {
				return nil, fmt.Errorf("HMM state %d: transition to missing state %d", i, tr.dest)
			}
		}
	}
	if err := t.expect("</TopologyEntry>", "</Topology>", "<Triples>"); err != nil {
		return nil, err
	}
	n, err := t.int()
	if err != nil {
		return nil, err
	}
	var prev triple
	covered := map[[2]int]bool{}
	pdfs := map[int]bool{}
	for i := range n {
		var tr triple
		for _, v := range []*int{&tr.phone, &tr.hmmState, &tr.pdf} {
			if *v, err = t.int(); err != nil {
				return nil, err
			}
		}
		if i > 0 && !lessTriple(prev, tr) {
			return nil, fmt.Errorf("triple %d %v not sorted after %v", i, tr, prev)
		}
		prev = tr
		if !am.phones[tr.phone] || tr.hmmState < 0 || tr.hmmState >= len(topo)-1 || tr.pdf < 0 {
			return nil, fmt.Errorf("triple %d %v: unknown phone, HMM state or pdf", i, tr)
		}
		covered[[2]int{tr.phone, tr.hmmState}] = true
		pdfs[tr.pdf] = true
		am.numTids += len(topo[tr.hmmState].trans)
		am.numPdfs = max(am.numPdfs, tr.pdf+1)
	}
	// A transition-id the graph uses must exist: every emitting state of
	// every phone needs its triple, or HCLG labels point past the table.
	for p := range am.phones {
		for s := range len(topo) - 1 {
			if !covered[[2]int{p, s}] {
				return nil, fmt.Errorf("no triple for phone %d HMM state %d", p, s)
			}
		}
	}
	if len(pdfs) != am.numPdfs {
		return nil, fmt.Errorf("pdf ids are not contiguous from 0")
	}
	if err := t.expect("</Triples>", "<LogProbs>"); err != nil {
		return nil, err
	}
	lp, err := t.vector()
	if err != nil {
		return nil, err
	}
	if len(lp) != am.numTids+1 {
		return nil, fmt.Errorf("%d log-probs, want %d (transition-ids + 1)", len(lp), am.numTids+1)
	}
	for i, v := range lp[1:] {
		if v > 0 {
			return nil, fmt.Errorf("log-prob of transition-id %d is %v > 0", i+1, v)
		}
	}
	if err := t.expect("</LogProbs>", "</TransitionModel>"); err != nil {
		return nil, err
	}
	return am, nil
}

func lessTriple(a, b triple) bool {
	if a.phone != b.phone {
		return a.phone < b.phone
	}
	if a.hmmState != b.hmmState {
		return a.hmmState < b.hmmState
	}
	return a.pdf < b.pdf
}

// parseNnet checks the fixed network Write produces: its config lines, the
// affine component's shape against the input dim and the log-softmax dim.
func parseNnet(t *tokens, am *acousticModel, raw []byte) error {
	// The reader consumes one character after "<Nnet3>" and then wants the
	// rest of that line empty: only "<Nnet3> \n" works.
	if !bytes.Contains(raw, []byte("\n<Nnet3> \n")) {
		return fmt.Errorf(`"<Nnet3>" must be followed by exactly one space and a newline`)
	}
	if err := t.expect("<Nnet3>", "input-node", "name=input"); err != nil {
		return err
	}
	dim, err := t.next()
	if err != nil {
		return err
	}
	if _, err := fmt.Sscanf(dim, "dim=%d", &am.inputDim); err != nil {
		return fmt.Errorf("input-node: %q", dim)
	}
	if err := t.expect(
		"component-node", "name=affine1", "component=affine1", "input=input",
		"component-node", "name=lsm", "component=lsm", "input=affine1",
		"output-node", "name=output", "input=lsm", "objective=linear",
		"<NumComponents>", "2",
		"<ComponentName>", "affine1", "<AffineComponent>", "<LearningRate>", "0", "<LinearParams>"); err != nil {
		return err
	}
	// Matrix rows are lines: count them from the raw text.
	start := bytes.Index(raw, []byte("<LinearParams>"))
	end := bytes.Index(raw, []byte("<BiasParams>"))
	if start < 0 || end < start {
		return fmt.Errorf("no <LinearParams> before <BiasParams>")
	}
	body := strings.TrimSpace(string(raw[start+len("<LinearParams>") : end]))
	body = strings.TrimSuffix(strings.TrimPrefix(body, "["), "]")
	var rows int
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if cols := len(strings.Fields(line)); cols != am.inputDim {
			return fmt.Errorf("LinearParams row %d has %d columns, input dim is %d", rows, cols, am.inputDim)
		}
		rows++
	}
	mat, err := t.vector()
	if err != nil {
		return err
	}
	if len(mat) != rows*am.inputDim {
		return fmt.Errorf("LinearParams: %d numbers in %d rows", len(mat), rows)
	}
	if err := t.expect("<BiasParams>"); err != nil {
		return err
	}
	bias, err := t.vector()
	if err != nil {
		return err
	}
	if len(bias) != rows {
		return fmt.Errorf("BiasParams dim %d, LinearParams has %d rows", len(bias), rows)
	}
	if err := t.expect("</AffineComponent>", "<ComponentName>", "lsm", "<LogSoftmaxComponent>", "<Dim>"); err != nil {
		return err
	}
	lsm, err := t.int()
	if err != nil {
		return err
	}
	if lsm != rows {
		return fmt.Errorf("LogSoftmax dim %d, affine output dim %d", lsm, rows)
	}
	am.outputDim = rows
	return t.expect("<ValueAvg>", "[", "]", "<DerivAvg>", "[", "]", "<Count>", "0", "</LogSoftmaxComponent>", "</Nnet3>")
}
