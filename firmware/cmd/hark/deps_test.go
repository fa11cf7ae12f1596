package main

import (
	"os/exec"
	"strings"
	"testing"
)

// goList runs `go list -deps` with format on pkg.
func goList(t *testing.T, format, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", format, pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestAssistantCoreHasNoCgo: the assistant core builds and tests anywhere,
// under qemu-user too (make pi-test), because nothing it imports uses cgo.
func TestAssistantCoreHasNoCgo(t *testing.T) {
	if cgo := goList(t, "{{if .CgoFiles}}{{.ImportPath}}{{end}}", "github.com/hark-assistant/hark/firmware/assistant"); len(cgo) > 0 {
		t.Errorf("the assistant core imports cgo packages: %v", cgo)
	}
}

// TestNoFixturesInTheBinary: test fixtures (the generated Vosk model,
// periph's and Hark's fakes, package testing) stay out of the hark binary.
func TestNoFixturesInTheBinary(t *testing.T) {
	for _, dep := range goList(t, "{{.ImportPath}}", "github.com/hark-assistant/hark/firmware/cmd/hark") {
		switch dep[strings.LastIndex(dep, "/")+1:] {
		case "testing", "testmodel", "gpiotest", "spitest", "ledtest", "pipelinetest", "mqtttest":
			t.Errorf("hark links the test fixture %s", dep)
		}
	}
}
