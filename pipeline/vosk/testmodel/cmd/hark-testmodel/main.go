// Command hark-testmodel writes the tiny synthetic Vosk model of package
// testmodel into a directory, for `make test-model` and manual trials:
//
//	hark-testmodel [-grammar] DIR
//
// -grammar writes the runtime-graph layout (graph/HCLr.fst + graph/Gr.fst)
// that supports phrase-list grammars instead of graph/HCLG.fst.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("hark-testmodel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	grammar := fs.Bool("grammar", false, "write graph/HCLr.fst + graph/Gr.fst (grammar support) instead of graph/HCLG.fst")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hark-testmodel [-grammar] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if err := testmodel.Write(fs.Arg(0), testmodel.Options{Grammar: *grammar}); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
