package rig

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestVMStopIgnoresAStalePID: a qemu.pid left by a guest that died with
// its session may name a PID since reused; vm stop must not kill that
// process, and vm boot must not take it for a running guest.
func TestVMStopIgnoresAStalePID(t *testing.T) {
	root := t.TempDir()
	vm := filepath.Join(root, "scripts", "rig", "vm")
	run := filepath.Join(root, "build", "rig", "run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("vm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(vm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vm, src, 0o755); err != nil {
		t.Fatal(err)
	}
	bystander := exec.Command("sleep", "60")
	if err := bystander.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- bystander.Wait() }()
	t.Cleanup(func() { bystander.Process.Kill(); <-exited })
	if err := os.WriteFile(filepath.Join(run, "qemu.pid"), []byte(strconv.Itoa(bystander.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", vm, "stop")
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("vm stop still waiting after 20 s for a process that is no guest\n%s", out)
	}
	if err != nil {
		t.Fatalf("vm stop: %v\n%s", err, out)
	}
	select {
	case err := <-exited:
		t.Fatalf("vm stop killed the process the stale pid file names: %v", err)
	default:
	}
}
