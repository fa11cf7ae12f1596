package testmodel_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

func Example() {
	dir, err := os.MkdirTemp("", "testmodel")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{Grammar: true}); err != nil {
		fmt.Println(err)
		return
	}
	graphs, _ := filepath.Glob(filepath.Join(model, "graph", "*.fst"))
	for _, g := range graphs {
		fmt.Println(filepath.Base(g))
	}
	// A recogniser loaded from model decodes this audio as "one two off".
	pcm := testmodel.Utterance("one", "two", "off")
	fmt.Printf("%.1f s of 16 kHz audio\n", float64(len(pcm))/2/testmodel.SampleRate)
	// Output:
	// Gr.fst
	// HCLr.fst
	// 3.0 s of 16 kHz audio
}
