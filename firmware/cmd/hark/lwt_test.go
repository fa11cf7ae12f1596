package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
	"github.com/hark-assistant/hark/pipeline/vosk/testmodel"
)

// TestMain lets a test start this binary as hark itself: with
// HARK_TEST_MAIN=1 it runs hark with the arguments after the test flags.
func TestMain(m *testing.M) {
	switch os.Getenv("HARK_TEST_MAIN") {
	case "1":
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	case "hung-shutdown":
		// main's signal handling over a shutdown that never ends.
		ctx, _ := signalContext(os.Stderr)
		fmt.Println("ready")
		<-ctx.Done()
		fmt.Println("stopping")
		select {}
	}
	os.Exit(m.Run())
}

// TestMQTTLastWillOfAKilledHark: a hark run process killed outright (no
// chance to say goodbye) is shown offline by the broker, through the last
// will it registered when it connected.
func TestMQTTLastWillOfAKilledHark(t *testing.T) {
	broker := mqtttest.Start(t)
	sub := broker.Subscribe(t, "hark/lwt/availability")
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := testmodel.Write(model, testmodel.Options{}); err != nil {
		t.Fatal(err)
	}
	user, pass := broker.User()
	cfgPath := filepath.Join(dir, "hark.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, `recognizer: {engine: vosk, model: %s}
audio: {backend: "null"}
speech: {player: [sh, -c, "cat >/dev/null"]}
mqtt:
  broker: %s
  username: %s
  password_file: %s
  device_id: lwt
`, model, broker.URL(), user, pass), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "run", "--sim", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "HARK_TEST_MAIN=1")
	keys, err := cmd.StdinPipe() // the simulated button: never pressed
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := sub.Wait(ctx, mqtttest.Payload("hark/lwt/availability", "online")); err != nil {
		t.Fatalf("hark did not come online: %v", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Wait(ctx, mqtttest.Payload("hark/lwt/availability", "offline")); err != nil {
		t.Fatalf("no last will after hark was killed: %v", err)
	}
}
