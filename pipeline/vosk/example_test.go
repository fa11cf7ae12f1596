package vosk_test

import (
	"fmt"
	"os"

	"github.com/hark-assistant/hark/pipeline"
	"github.com/hark-assistant/hark/pipeline/grammar"
	"github.com/hark-assistant/hark/pipeline/vosk"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

func Example() {
	// A real model would come from https://alphacephei.com/vosk/models;
	// the synthetic test model understands five words spoken as tones.
	dir, err := os.MkdirTemp("", "model")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := testmodel.Write(dir, testmodel.Options{Grammar: true}); err != nil {
		fmt.Println(err)
		return
	}

	model, err := vosk.LoadModel(dir, nil) // nil: no log
	if err != nil {
		fmt.Println(err)
		return
	}
	defer model.Close()
	rec, err := model.NewRecognizer(pipeline.SampleRate)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Close()

	if _, err := rec.Accept(testmodel.Utterance("one", "two", "off")); err != nil {
		fmt.Println(err)
		return
	}
	res, err := rec.Final()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Text)
	for _, w := range res.Words {
		fmt.Printf("%s %.1f–%.1f s\n", w.Word, w.Start, w.End)
	}

	// Restrict the next utterance to a phrase list.
	if err := rec.SetGrammar(grammar.Phrases("zero", "one two")); err != nil {
		fmt.Println(err)
		return
	}
	rec.Accept(testmodel.Utterance("zero"))
	res, _ = rec.Final()
	fmt.Println(res.Text)
	// Output:
	// one two off
	// one 0.3–0.9 s
	// two 1.2–1.8 s
	// off 2.1–2.7 s
	// zero
}

func ExampleLoadModel_missing() {
	_, err := vosk.LoadModel("/nonexistent/vosk-model-small-en-us-0.15", nil)
	fmt.Println(err)
	// Output: vosk: model directory: stat /nonexistent/vosk-model-small-en-us-0.15: no such file or directory
}
