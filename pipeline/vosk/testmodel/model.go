package testmodel

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Options selects a model variant.
type Options struct {
	// Grammar writes the runtime-graph layout (graph/HCLr.fst, graph/Gr.fst
	// and graph/disambig_tid.int instead of graph/HCLG.fst), which lets
	// Vosk restrict decoding to a phrase list (vosk_recognizer_new_grm).
	Grammar bool
	// Unknown gives "[unk]" a sound: a garbage phone scored by the mean
	// log-mel energy of the five word bins plus a bias, so that
	// under a grammar a tone of a word outside it decodes as "[unk]", as
	// real Vosk models decode out-of-grammar speech, while a tone of a
	// word inside it still decodes as that word. Without it no sound
	// decodes to "[unk]". Open decoding (Gr.fst) never outputs it.
	Unknown bool
}

// Paths of the model files, relative to the model directory.
const (
	pathFinalMdl     = "am/final.mdl"
	pathModelConf    = "conf/model.conf"
	pathMFCCConf     = "conf/mfcc.conf"
	pathWords        = "graph/words.txt"
	pathWordBoundary = "graph/phones/word_boundary.int"
	pathHCLG         = "graph/HCLG.fst"
	pathHCLr         = "graph/HCLr.fst"
	pathGr           = "graph/Gr.fst"
	pathDisambigTID  = "graph/disambig_tid.int"
)

// foreignFiles make libvosk load parts this model does not have (i-vectors,
// CMVN, pitch, rescoring); a directory holding one cannot become a test model.
var foreignFiles = []string{
	"ivector/final.ie", "am/global_cmvn.stats", "conf/pitch.conf",
	"rescore/G.carpa", "rnnlm/final.raw",
}

// Write writes the test model into dir, creating it if needed, and checks
// the result by reading it back. Files of an earlier Write are overwritten;
// files that would change how libvosk loads the model (those of the other
// variant, i-vector or rescoring parts) make Write fail instead of being
// deleted.
func Write(dir string, opts Options) error {
	stale := append([]string(nil), foreignFiles...)
	if opts.Grammar {
		stale = append(stale, pathHCLG)
	} else {
		stale = append(stale, pathHCLr, pathGr, pathDisambigTID)
	}
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(dir, p)); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("testmodel: %s already exists and would change how the model loads; remove it or use an empty directory", filepath.Join(dir, p))
		}
	}
	tm := newTransitionModelWith(opts.Unknown)
	graph := marshalFST(wordLoopGraph(tm))
	files := map[string][]byte{
		pathFinalMdl:     []byte(acousticModelText(tm)),
		pathModelConf:    []byte(modelConf),
		pathMFCCConf:     []byte(mfccConf),
		pathWords:        []byte(wordsText()),
		pathWordBoundary: []byte(wordBoundaryText(len(tm.phones))),
	}
	if opts.Grammar {
		files[pathHCLr] = graph
		files[pathGr] = marshalFST(wordLoopAcceptor())
		files[pathDisambigTID] = nil // no disambiguation symbols in this graph
	} else {
		files[pathHCLG] = graph
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("testmodel: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("testmodel: %w", err)
		}
	}
	if err := validate(dir); err != nil {
		return fmt.Errorf("testmodel: written model is inconsistent: %w", err)
	}
	return nil
}

// Phones: 1 is silence, 2.. one phone per word, then (Options.Unknown)
// the garbage phone of "[unk]"; pdf = phone-1.
const silencePhone = 1

// numPhones is the number of phones without the garbage phone.
func numPhones() int { return len(words) + 1 }

// wordOfPhone is the word id a phone stands for, 0 for silence; the
// garbage phone numPhones()+1 stands for "[unk]", id len(words)+1.
func wordOfPhone(p int) int32 { return int32(p - 1) }

const (
	modelConf = `--min-active=200
--max-active=3000
--beam=10.0
--lattice-beam=2.0
--acoustic-scale=1.0
--frame-subsampling-factor=3
--endpoint.silence-phones=1
--endpoint.rule2.min-trailing-silence=0.5
--endpoint.rule3.min-trailing-silence=1.0
--endpoint.rule4.min-trailing-silence=2.0
`
	// dither=0 keeps decoding deterministic: Kaldi's default adds random noise.
	mfccConf = `--sample-frequency=16000
--dither=0
--num-mel-bins=20
--low-freq=20
--high-freq=7600
--use-energy=false
--num-ceps=20
`
)

// hmmTransition leads to state dest of the same HMM with probability prob.
type hmmTransition struct {
	dest int
	prob float64
}

// hmmState is one state of a phone's HMM; pdfClass < 0 marks the final,
// non-emitting state.
type hmmState struct {
	pdfClass int
	trans    []hmmTransition
}

// triple binds (phone, HMM state) to a pdf; it is one Kaldi transition-state.
type triple struct{ phone, hmmState, pdf int }

// transitionModel is Kaldi's TransitionModel with one topology for all
// phones. Transition-ids number the transitions of each triple's HMM state
// in order, from 1, across triples in their (sorted) order.
type transitionModel struct {
	phones   []int
	topology []hmmState
	triples  []triple
}

func newTransitionModel() *transitionModel { return newTransitionModelWith(false) }

// newTransitionModelWith adds the garbage phone of "[unk]" if unknown.
func newTransitionModelWith(unknown bool) *transitionModel {
	n := numPhones()
	if unknown {
		n++
	}
	tm := &transitionModel{
		// One emitting state: stay (self-loop) or leave, each with p = 0.5.
		topology: []hmmState{
			{pdfClass: 0, trans: []hmmTransition{{0, 0.5}, {1, 0.5}}},
			{pdfClass: -1},
		},
	}
	for p := 1; p <= n; p++ {
		tm.phones = append(tm.phones, p)
		for s, st := range tm.topology {
			if st.pdfClass >= 0 {
				tm.triples = append(tm.triples, triple{p, s, p - 1 + st.pdfClass})
			}
		}
	}
	return tm
}

// tids returns the transition-ids of phone's self-loop and of its exit.
func (tm *transitionModel) tids(phone int) (selfLoop, exit int32) {
	tid := int32(0)
	for _, t := range tm.triples {
		for _, tr := range tm.topology[t.hmmState].trans {
			tid++
			if t.phone != phone {
				continue
			}
			if tr.dest == t.hmmState {
				selfLoop = tid
			} else {
				exit = tid
			}
		}
	}
	return selfLoop, exit
}

func (tm *transitionModel) logProbs() []float64 {
	lp := []float64{0} // index 0 is not a transition-id
	for _, t := range tm.triples {
		for _, tr := range tm.topology[t.hmmState].trans {
			lp = append(lp, math.Log(tr.prob))
		}
	}
	return lp
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func (tm *transitionModel) text() string {
	var b strings.Builder
	b.WriteString("<TransitionModel>\n<Topology>\n<TopologyEntry>\n<ForPhones>\n")
	for i, p := range tm.phones {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteString("\n</ForPhones>\n")
	for s, st := range tm.topology {
		fmt.Fprintf(&b, "<State> %d ", s)
		if st.pdfClass >= 0 {
			fmt.Fprintf(&b, "<PdfClass> %d ", st.pdfClass)
		}
		for _, tr := range st.trans {
			fmt.Fprintf(&b, "<Transition> %d %s ", tr.dest, ftoa(tr.prob))
		}
		b.WriteString("</State>\n")
	}
	fmt.Fprintf(&b, "</TopologyEntry>\n</Topology>\n<Triples> %d\n", len(tm.triples))
	for _, t := range tm.triples {
		fmt.Fprintf(&b, "%d %d %d\n", t.phone, t.hmmState, t.pdf)
	}
	b.WriteString("</Triples>\n<LogProbs>\n [ ")
	for _, v := range tm.logProbs() {
		b.WriteString(ftoa(v) + " ")
	}
	b.WriteString("]\n</LogProbs>\n</TransitionModel>\n")
	return b.String()
}

// acousticModelText is am/final.mdl: the transition model, the network and
// the AmNnetSimple trailer (no priors: nothing to subtract).
func acousticModelText(tm *transitionModel) string {
	return tm.text() + nnetText(len(tm.phones) > numPhones()) + "<LeftContext> 0 <RightContext> 0 <Priors>  [ ]\n"
}

// nnetText is the nnet3 network: MFCC → affine (one row per pdf) → log-softmax.
func nnetText(unknown bool) string {
	w := affineWeights(unknown)
	var b strings.Builder
	// "<Nnet3> " must end with exactly one space before the newline: the
	// reader consumes one character after the token, then wants an empty line.
	fmt.Fprintf(&b, "<Nnet3> \ninput-node name=input dim=%d\n", numCeps)
	b.WriteString("component-node name=affine1 component=affine1 input=input\n")
	b.WriteString("component-node name=lsm component=lsm input=affine1\n")
	b.WriteString("output-node name=output input=lsm objective=linear\n\n")
	b.WriteString("<NumComponents> 2\n")
	b.WriteString("<ComponentName> affine1 <AffineComponent> <LearningRate> 0 <LinearParams>  [\n")
	for i, row := range w {
		strs := make([]string, len(row))
		for j, v := range row {
			strs[j] = ftoa(v)
		}
		b.WriteString("  " + strings.Join(strs, " "))
		if i == len(w)-1 {
			b.WriteString(" ]")
		}
		b.WriteByte('\n')
	}
	b.WriteString("<BiasParams>  [ " + ftoa(silenceBias))
	for range words {
		b.WriteString(" 0")
	}
	if unknown {
		b.WriteString(" " + ftoa(unknownBias))
	}
	b.WriteString(" ]\n</AffineComponent>\n")
	fmt.Fprintf(&b, "<ComponentName> lsm <LogSoftmaxComponent> <Dim> %d <ValueAvg>  [ ] <DerivAvg>  [ ] <Count> 0 </LogSoftmaxComponent>\n", len(w))
	b.WriteString("</Nnet3>\n")
	return b.String()
}

func wordsText() string {
	var b strings.Builder
	b.WriteString("<eps> 0\n")
	for i, w := range words {
		fmt.Fprintf(&b, "%s %d\n", w, i+1)
	}
	fmt.Fprintf(&b, "[unk] %d\n", len(words)+1)
	return b.String()
}

func wordBoundaryText(phones int) string {
	var b strings.Builder
	for p := 1; p <= phones; p++ {
		kind := "singleton"
		if p == silencePhone {
			kind = "nonword"
		}
		fmt.Fprintf(&b, "%d %s\n", p, kind)
	}
	return b.String()
}

// wordLoopGraph is HCLG: state 0 is the start, state p is "inside phone p".
// From every state, entering phone q takes q's exit transition-id (Kaldi's
// reordered HMM convention: exit first, then self-loops) and emits q's word;
// state p loops on p's self-loop transition-id. Every state is final.
func wordLoopGraph(tm *transitionModel) *fst {
	n := len(tm.phones)
	g := &fst{states: make([]fstState, n+1)}
	for s := range g.states {
		var arcs []fstArc
		for q := 1; q <= n; q++ {
			loop, exit := tm.tids(q)
			if s == q {
				arcs = append(arcs, fstArc{ilabel: loop, next: int32(q)})
			}
			arcs = append(arcs, fstArc{ilabel: exit, olabel: wordOfPhone(q), weight: wordEntryCost, next: int32(q)})
		}
		g.states[s] = fstState{final: 0, arcs: arcs}
	}
	return g
}

// wordLoopAcceptor is Gr.fst: any sequence of words, at no cost.
func wordLoopAcceptor() *fst {
	g := &fst{states: []fstState{{final: 0}}}
	for i := range words {
		w := int32(i + 1)
		g.states[0].arcs = append(g.states[0].arcs, fstArc{ilabel: w, olabel: w})
	}
	return g
}
